//! `wall: {stale_after: 45s, page_interval: 10s, threshold: warning}`: the
//! status board of `oncall wall`.

use serde::Deserialize;

use super::settings::WallSettings;
use crate::model::duration::parse_duration;
use crate::model::Severity;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WallConfig {
    /// A source silent for longer than this makes the board stale
    /// (default: the top-level `stale_after`, else 3 refresh intervals).
    pub stale_after: Option<String>,
    /// How long each page of groups stays (default 10s).
    pub page_interval: Option<String>,
    /// The least severity that colours the board: critical, error, warning
    /// (default) or info.
    pub threshold: Option<String>,
}

/// Checks the `wall:` config; errors name the key.
pub fn wall_settings(c: Option<&WallConfig>) -> Result<WallSettings, String> {
    let mut out = WallSettings::default();
    let Some(c) = c else { return Ok(out) };
    let duration = |key: &str, v: &str| parse_duration(v).map_err(|e| format!("wall.{key}: {e}"));
    if let Some(v) = &c.stale_after {
        out.stale_after = Some(duration("stale_after", v)?);
    }
    if let Some(v) = &c.page_interval {
        let d = duration("page_interval", v)?;
        if d.as_secs() < 1 {
            return Err(format!(
                "wall.page_interval: {v} is too short; use at least 1s"
            ));
        }
        out.page_interval = d;
    }
    if let Some(v) = &c.threshold {
        out.threshold = match v.to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => {
                return Err(format!(
                    "wall.threshold: {v:?} is not critical, error, warning or info"
                ))
            }
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_wall_keys_load_and_typos_are_named() {
        let c = crate::config::parse(
            "wall: {stale_after: 45s, page_interval: 20s, threshold: critical}\n",
            Path::new("c.yaml"),
        )
        .unwrap();
        let w = wall_settings(c.wall.as_ref()).unwrap();
        assert_eq!(w.stale_after, Some(Duration::from_secs(45)));
        assert_eq!(w.page_interval, Duration::from_secs(20));
        assert_eq!(w.threshold, Severity::Critical);
        let err = crate::config::parse("wall:\n  stale_afer: 45s\n", Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("stale_afer") && err.contains("line 2"),
            "{err}"
        );
        let c = crate::config::parse("wall: {threshold: loud}\n", Path::new("c.yaml")).unwrap();
        let err = wall_settings(c.wall.as_ref()).unwrap_err();
        assert!(
            err.contains("wall.threshold") && err.contains("loud"),
            "{err}"
        );
        assert_eq!(wall_settings(None).unwrap(), WallSettings::default());
    }
}
