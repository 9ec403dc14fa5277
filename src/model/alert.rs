//! `Alert`: one alert as Alertmanager or Prometheus report it (labels,
//! annotations, times, state, silences and inhibitions, receivers) and
//! which sources reported it; its severity and state words; Alertmanager's
//! fingerprint. Plain data: no I/O, no knowledge of sources, the console or
//! the terminal.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use super::labels::{LabelText, Labels, WeakLabels};

/// A few short names (receivers, sources), two of them inline.
pub type Names = smallvec::SmallVec<[LabelText; 2]>;

/// Where an alert stands. `Suppressed` covers silenced and inhibited; the
/// `silenced_by` / `inhibited_by` lists tell which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Firing,
    Pending,
    Suppressed,
    /// Gone with a source that restarted or came back from being down: it
    /// may still fire (Prometheus re-sends within minutes), so it is shown,
    /// marked, for `resolve_grace` rather than taken as resolved.
    Unknown,
}

/// Severity read from the `severity` label; the order is the display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
    None,
}

impl Severity {
    pub fn from_label(value: Option<&str>) -> Severity {
        const NAMES: [(Severity, &[&str]); 4] = [
            (
                Severity::Critical,
                &[
                    "critical",
                    "crit",
                    "page",
                    "p1",
                    "sev1",
                    "emergency",
                    "fatal",
                ],
            ),
            (Severity::Error, &["error", "high", "major", "p2", "sev2"]),
            (
                Severity::Warning,
                &["warning", "warn", "medium", "p3", "sev3"],
            ),
            (
                Severity::Info,
                &[
                    "info",
                    "low",
                    "minor",
                    "notice",
                    "p4",
                    "sev4",
                    "informational",
                ],
            ),
        ];
        let Some(v) = value else {
            return Severity::None;
        };
        // Compared in place, without a lowercased copy: this runs inside sorts.
        NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(v)))
            .map_or(Severity::None, |(s, _)| *s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::None => "none",
        }
    }

    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::None,
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub fingerprint: LabelText,
    /// Shared: the source's list and the merged one hold one set (see `Labels`).
    pub labels: Labels,
    pub annotations: Labels,
    pub state: AlertState,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL")]
    /// Shared, as the sets are: every merge copies every alert.
    pub generator_url: Arc<str>,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
    /// Receiver and source names are short and few: stored inline, so
    /// copying an alert (the HA merge copies every one) allocates nothing
    /// for them and reads no memory away from the alert.
    pub receivers: Names,
    /// Names of the sources that reported this alert.
    pub sources: Names,
}

impl Alert {
    /// An alert with these labels (and their fingerprint), nothing else set.
    pub fn new(labels: Labels, state: AlertState, starts_at: DateTime<Utc>) -> Alert {
        Alert {
            fingerprint: fingerprint(&labels),
            labels,
            annotations: Labels::default(),
            state,
            starts_at,
            ends_at: None,
            updated_at: None,
            generator_url: Arc::from(""),
            silenced_by: vec![],
            inhibited_by: vec![],
            receivers: Names::new(),
            sources: Names::new(),
        }
    }

    pub fn alertname(&self) -> &str {
        self.labels.get("alertname").unwrap_or("")
    }

    pub fn severity(&self) -> Severity {
        Severity::from_label(self.labels.get("severity"))
    }

    pub fn is_silenced(&self) -> bool {
        !self.silenced_by.is_empty()
    }

    pub fn is_inhibited(&self) -> bool {
        !self.inhibited_by.is_empty()
    }

    /// The state word a user sees: firing, pending, silenced or inhibited.
    pub fn state_word(&self) -> &'static str {
        match self.state {
            AlertState::Firing => "firing",
            AlertState::Pending => "pending",
            AlertState::Suppressed if self.is_silenced() => "silenced",
            AlertState::Suppressed if self.is_inhibited() => "inhibited",
            AlertState::Suppressed => "suppressed",
            AlertState::Unknown => "unknown",
        }
    }

    pub fn annotation(&self, name: &str) -> Option<&str> {
        self.annotations.get(name)
    }

    /// The one-line summary: `summary`, else `message`, else `description`.
    pub fn summary(&self) -> &str {
        ["summary", "message", "description"]
            .iter()
            .find_map(|k| self.annotation(k))
            .unwrap_or("")
    }
}

/// Alertmanager's fingerprint of a label set (FNV-1a 64 over the sorted
/// name/value pairs, each followed by 0xff), so alerts seen only by
/// Prometheus line up with the same alert in Alertmanager.
pub fn fingerprint(labels: &Labels) -> LabelText {
    const OFFSET: u64 = 14695981039346656037;
    const PRIME: u64 = 1099511628211;
    let mut hash = OFFSET;
    let mut add = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    for (name, value) in labels {
        add(name.as_bytes());
        add(&[0xff]);
        add(value.as_bytes());
        add(&[0xff]);
    }
    compact_str::format_compact!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_aliases_sort_critical_first() {
        let mut v = vec![
            Severity::from_label(Some("info")),
            Severity::from_label(Some("CRITICAL")),
            Severity::from_label(None),
            Severity::from_label(Some("warning")),
        ];
        v.sort();
        assert_eq!(
            v,
            vec![
                Severity::Critical,
                Severity::Warning,
                Severity::Info,
                Severity::None
            ]
        );
    }
}
