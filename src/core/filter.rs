//! The `/` filter: Alertmanager matchers plus quoted free text.

use crate::model::matcher::{parse_terms, Term};
use crate::model::{Alert, Matcher, MatcherError};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub source: String,
    pub matchers: Vec<Matcher>,
    /// Lowercased free-text needles; each must appear somewhere in the alert.
    pub text: Vec<String>,
}

impl Filter {
    pub fn parse(input: &str) -> Result<Filter, MatcherError> {
        let mut f = Filter {
            source: input.trim().to_string(),
            ..Filter::default()
        };
        for term in parse_terms(input)? {
            match term {
                Term::Matcher(m) => f.matchers.push(m),
                Term::Text(t) => f.text.push(t.to_lowercase()),
            }
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.matchers.is_empty() && self.text.is_empty()
    }

    pub fn matches(&self, alert: &Alert) -> bool {
        self.matchers.iter().all(|m| m.matches(&alert.labels))
            && self.text.iter().all(|needle| text_contains(alert, needle))
    }
}

fn text_contains(alert: &Alert, needle: &str) -> bool {
    let hit = |s: &str| s.to_lowercase().contains(needle);
    alert.labels.values().any(&hit) || alert.annotations.values().any(&hit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlertState, Labels};

    fn alert(labels: &[(&str, &str)], summary: &str) -> Alert {
        let labels: Labels = labels.iter().map(|&(k, v)| (k.into(), v.into())).collect();
        let mut a = Alert::new(labels, AlertState::Firing, chrono::DateTime::UNIX_EPOCH);
        a.annotations.insert("summary".into(), summary.into());
        a
    }

    #[test]
    fn matchers_and_text_combine() {
        let a = alert(
            &[("alertname", "ModelLatencyHigh"), ("team", "ml-platform")],
            "p99 over SLO",
        );
        assert!(Filter::parse(r#"team=~"ml.*""#).unwrap().matches(&a));
        assert!(Filter::parse(r#"ModelLatencyHigh, "SLO""#)
            .unwrap()
            .matches(&a));
        assert!(!Filter::parse(r#"team=~"ml.*", "disk""#)
            .unwrap()
            .matches(&a));
        assert!(
            !Filter::parse("Latency").unwrap().matches(&a),
            "a bare word is an exact alertname"
        );
        assert!(Filter::parse("").unwrap().is_empty());
    }
}
