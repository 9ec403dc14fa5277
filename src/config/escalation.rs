//! The `escalation:` config: policies in the shape PagerDuty and
//! Grafana OnCall use, checked into `model::escalation::Policy`s.

use serde::Deserialize;

use crate::model::duration::parse_duration;
use crate::model::escalation::{ClockStart, Level, Policy};
use crate::model::parse_matchers;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub name: String,
    #[serde(rename = "match", default)]
    pub matchers: String,
    pub levels: Vec<LevelConfig>,
    #[serde(default)]
    pub repeat: u32,
    #[serde(default)]
    pub active_time_intervals: Vec<String>,
    /// `alert` (default: the first alert's start) or `incident` (its declaration).
    pub clock: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelConfig {
    pub after: String,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub notify: Vec<String>,
}

/// Checks every policy; `known_intervals` are the `time_intervals:` names.
pub fn policies(configs: &[PolicyConfig], known_intervals: &[&str]) -> Result<Vec<Policy>, String> {
    let mut out: Vec<Policy> = Vec::new();
    for c in configs {
        let at = |key: &str, e: String| format!("escalation.{}.{key}: {e}", c.name);
        if out.iter().any(|p| p.name == c.name) {
            return Err(format!("escalation: {:?} is defined twice", c.name));
        }
        // No `match:` selects every alert (a catch-all after the others).
        let matchers = if c.matchers.trim().is_empty() {
            Vec::new()
        } else {
            parse_matchers(&c.matchers).map_err(|e| at("match", e.to_string()))?
        };
        if c.levels.is_empty() {
            return Err(at("levels", "a policy needs at least one level".into()));
        }
        let mut levels = Vec::new();
        for (i, l) in c.levels.iter().enumerate() {
            let after = parse_duration(&l.after)
                .map_err(|e| at(&format!("levels[{i}].after"), e.to_string()))?;
            let after =
                chrono::Duration::from_std(after).map_err(|e| at("after", e.to_string()))?;
            if levels.last().is_some_and(|p: &Level| p.after >= after) {
                return Err(at(
                    &format!("levels[{i}].after"),
                    format!("{} must come after the level before it", l.after),
                ));
            }
            levels.push(Level {
                after,
                targets: l.targets.clone(),
                notify: l.notify.clone(),
            });
        }
        for name in &c.active_time_intervals {
            if !known_intervals.contains(&name.as_str()) {
                return Err(at(
                    "active_time_intervals",
                    format!("{name:?} is not in time_intervals:"),
                ));
            }
        }
        let clock = match c.clock.as_deref() {
            None | Some("alert") => ClockStart::AlertStart,
            Some("incident") => ClockStart::IncidentDeclared,
            Some(other) => return Err(at("clock", format!("{other:?} is not alert or incident"))),
        };
        out.push(Policy {
            clock,
            name: c.name.clone(),
            matchers,
            levels,
            repeat: c.repeat,
            active_time_intervals: c.active_time_intervals.clone(),
        });
    }
    Ok(out)
}
