//! Other alerts that share the open alert's service, instance or cluster
//! (the labels are configurable), and silences of it that ended lately:
//! what else is broken nearby, and whether this was muted before.

use super::state::State;
use crate::model::{Alert, Silence, SilenceState};

/// `context: {related_labels: [...]}` when the config names none.
pub use super::state::DEFAULT_RELATED_LABELS as DEFAULT_LABELS;

/// Silences that ended within this many seconds count as recent.
pub const RECENT_SECS: i64 = 24 * 3600;

/// Alerts sharing one label value with the open alert.
#[derive(Debug)]
pub struct Related<'a> {
    pub label: &'a str,
    pub value: &'a str,
    /// Most severe first, then the oldest.
    pub alerts: Vec<&'a Alert>,
}

pub fn related<'a>(state: &'a State, alert: &'a Alert) -> Vec<Related<'a>> {
    state
        .related_labels
        .iter()
        .filter_map(|label| {
            let value = alert.labels.get(label.as_str())?;
            let mut alerts: Vec<&Alert> = state
                .alerts
                .iter()
                .filter(|a| a.fingerprint != alert.fingerprint)
                .filter(|a| a.labels.get(label.as_str()) == Some(value))
                .collect();
            alerts.sort_by_key(|a| (a.severity(), a.starts_at));
            Some(Related {
                label,
                value,
                alerts,
            })
        })
        .collect()
}

/// Silences (acks included) whose matchers select the alert and that
/// ended in the last day, the latest first.
pub fn recently_expired<'a>(state: &'a State, alert: &Alert) -> Vec<&'a Silence> {
    let mut out: Vec<&Silence> = state
        .silences
        .iter()
        .filter(|s| s.state_at(state.now) == SilenceState::Expired)
        .filter(|s| (state.now - s.ends_at).num_seconds() <= RECENT_SECS)
        .filter(|s| s.covers(&alert.labels))
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.ends_at));
    out
}
