//! The `slos:` config, checked into `model::slo::Slo`s.
//!
//! ```yaml
//! slos:
//!   - {name: fraud-availability, objective: 99.9, window: 30d,
//!      good: 'sum(rate(model_requests_total{status!="error"}[{{window}}]))',
//!      total: 'sum(rate(model_requests_total[{{window}}]))',
//!      burn: [{long: 1h, short: 5m, factor: 14.4}]}
//! ```

use serde::Deserialize;

use crate::model::duration::parse_duration;
use crate::model::slo::{BurnAlert, Sli, Slo, DEFAULT_BURN, WINDOW};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloConfig {
    pub name: String,
    /// Percent, strictly between 0 and 100.
    pub objective: f64,
    pub window: String,
    pub good: Option<String>,
    pub total: Option<String>,
    /// The good fraction itself, instead of good and total.
    pub ratio: Option<String>,
    /// Burn-rate alerts; default: 1h/5m at 14.4×, 6h/30m at 6×.
    pub burn: Option<Vec<BurnConfig>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnConfig {
    pub long: String,
    pub short: String,
    pub factor: f64,
}

/// Checks every SLO; errors name the SLO and the key.
pub fn slos(configs: &[SloConfig]) -> Result<Vec<Slo>, String> {
    let mut out: Vec<Slo> = Vec::new();
    for c in configs {
        let at = |key: &str, e: String| format!("slos.{}.{key}: {e}", c.name);
        if c.name.trim().is_empty() {
            return Err("slos: an SLO needs a name".into());
        }
        if out.iter().any(|s| s.name == c.name) {
            return Err(format!("slos: {:?} is defined twice", c.name));
        }
        if !(c.objective > 0.0 && c.objective < 100.0) {
            return Err(at(
                "objective",
                format!(
                    "{} must be a percentage between 0 and 100, e.g. 99.9",
                    c.objective
                ),
            ));
        }
        let window = parse_duration(&c.window).map_err(|e| at("window", e.to_string()))?;
        let sli = match (&c.good, &c.total, &c.ratio) {
            (Some(good), Some(total), None) => Sli::GoodTotal {
                good: query(good).map_err(|e| at("good", e))?,
                total: query(total).map_err(|e| at("total", e))?,
            },
            (None, None, Some(ratio)) => Sli::Ratio(query(ratio).map_err(|e| at("ratio", e))?),
            _ => {
                return Err(at(
                    "good",
                    "give either good and total, or ratio (not both)".into(),
                ))
            }
        };
        let burn = match &c.burn {
            None => DEFAULT_BURN.to_vec(),
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, b)| burn_alert(b).map_err(|e| at(&format!("burn[{i}]"), e)))
                .collect::<Result<Vec<_>, _>>()?,
        };
        if let Some(b) = burn.iter().find(|b| b.long > window) {
            return Err(at(
                "burn",
                format!(
                    "the long window {} is longer than the SLO window {}",
                    crate::model::slo::window_text(b.long),
                    c.window
                ),
            ));
        }
        out.push(Slo {
            name: c.name.clone(),
            objective: c.objective,
            window,
            sli,
            burn,
        });
    }
    Ok(out)
}

fn burn_alert(b: &BurnConfig) -> Result<BurnAlert, String> {
    let long = parse_duration(&b.long).map_err(|e| format!("long: {e}"))?;
    let short = parse_duration(&b.short).map_err(|e| format!("short: {e}"))?;
    if short >= long {
        return Err(format!(
            "short ({}) must be shorter than long ({})",
            b.short, b.long
        ));
    }
    if !(b.factor.is_finite() && b.factor > 0.0) {
        return Err(format!(
            "factor {} must be a positive number, e.g. 14.4",
            b.factor
        ));
    }
    Ok(BurnAlert {
        long,
        short,
        factor: b.factor,
    })
}

/// A query must be there and use `{{window}}`, the one placeholder (without
/// it every window would give the same answer).
fn query(text: &str) -> Result<String, String> {
    let q = text.trim();
    if q.is_empty() {
        return Err("the query is empty".into());
    }
    if let Some(other) = q.replace(WINDOW, "").find("{{") {
        let rest: String = q.replace(WINDOW, "")[other..].chars().take(20).collect();
        return Err(format!(
            "unknown placeholder {rest:?}: {WINDOW} is the only one"
        ));
    }
    if !q.contains(WINDOW) {
        return Err(format!(
            "the query does not use {WINDOW} (e.g. rate(x[{WINDOW}])), so every window would give the same answer"
        ));
    }
    Ok(q.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::Duration;

    fn check(yaml: &str) -> Result<Vec<Slo>, String> {
        let c = crate::config::parse(yaml, Path::new("c.yaml")).map_err(|e| e.to_string())?;
        slos(&c.slos)
    }

    const GOOD: &str = "good: 'sum(rate(ok[{{window}}]))', total: 'sum(rate(all[{{window}}]))'";

    #[test]
    fn good_total_with_default_burn_alerts() {
        let s = check(&format!(
            "slos:\n  - {{name: api, objective: 99.9, window: 30d, {GOOD}}}\n"
        ))
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].window, Duration::from_secs(30 * 86_400));
        assert_eq!(s[0].burn, DEFAULT_BURN.to_vec());
        assert!(
            matches!(&s[0].sli, Sli::GoodTotal { good, .. } if good == "sum(rate(ok[{{window}}]))")
        );
    }

    #[test]
    fn ratio_and_own_burn_alerts() {
        let s = check(
            "slos:\n  - name: lat\n    objective: 99\n    window: 7d\n    ratio: 'avg_over_time(r[{{window}}])'\n    burn: [{long: 2h, short: 10m, factor: 10}]\n",
        )
        .unwrap();
        assert_eq!(s[0].sli, Sli::Ratio("avg_over_time(r[{{window}}])".into()));
        assert_eq!(
            s[0].burn,
            [BurnAlert {
                long: Duration::from_secs(7200),
                short: Duration::from_secs(600),
                factor: 10.0
            }]
        );
    }

    #[test]
    fn bad_values_name_the_slo_and_key() {
        let cases = [
            (format!("{{name: a, objective: 100, window: 30d, {GOOD}}}"), "slos.a.objective"),
            (format!("{{name: a, objective: 0, window: 30d, {GOOD}}}"), "between 0 and 100"),
            (format!("{{name: a, objective: 99, window: soon, {GOOD}}}"), "slos.a.window"),
            ("{name: a, objective: 99, window: 1d, ratio: '  '}".into(), "slos.a.ratio: the query is empty"),
            ("{name: a, objective: 99, window: 1d, ratio: 'r[5m]'}".into(), "does not use {{window}}"),
            ("{name: a, objective: 99, window: 1d, ratio: 'r[{{win}}]'}".into(), "unknown placeholder"),
            ("{name: a, objective: 99, window: 1d, good: 'x[{{window}}]'}".into(), "either good and total, or ratio"),
            (format!("{{name: a, objective: 99, window: 1d, ratio: 'r[{{{{window}}}}]', {GOOD}}}"), "not both"),
            (format!("{{name: a, objective: 99, window: 30d, {GOOD}, burn: [{{long: 5m, short: 1h, factor: 2}}]}}"), "slos.a.burn[0]: short"),
            (format!("{{name: a, objective: 99, window: 30d, {GOOD}, burn: [{{long: 1h, short: 5m, factor: 0}}]}}"), "factor 0"),
            (format!("{{name: a, objective: 99, window: 1h, {GOOD}}}"), "longer than the SLO window"),
        ];
        for (slo, want) in cases {
            let err = check(&format!("slos:\n  - {slo}\n")).unwrap_err();
            assert!(err.contains(want), "{slo}: {err}");
        }
        let twice = format!(
            "slos:\n  - {{name: a, objective: 99, window: 1d, {GOOD}}}\n  - {{name: a, objective: 99, window: 1d, {GOOD}}}\n"
        );
        assert!(check(&twice).unwrap_err().contains("defined twice"));
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let err = check(&format!(
            "refresh: 15s\nslos:\n  - {{name: a, objective: 99, window: 1d, {GOOD}}}\n  - {{name: b, objectve: 99, window: 1d, {GOOD}}}\n"
        ))
        .unwrap_err();
        assert!(err.contains("objectve") && err.contains("line 4"), "{err}");
        let err = check(&format!(
            "slos:\n  - {{name: a, objective: 99, window: 1d, {GOOD}, burn: [{{long: 1h, short: 5m, factr: 2}}]}}\n"
        ))
        .unwrap_err();
        assert!(err.contains("factr") && err.contains("line 2"), "{err}");
    }
}
