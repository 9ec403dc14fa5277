use super::alert::{Alert, Labels};

/// A Prometheus alerting rule (from `/api/v1/rules`): what the alert means
/// and how long it must hold before it fires.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertRule {
    pub name: String,
    pub expr: String,
    /// The rule's `for:`, in seconds.
    pub for_secs: u64,
    pub labels: Labels,
    /// The rule's annotations (its `runbook_url`, for `oncall check`).
    pub annotations: Labels,
    pub group: String,
    pub file: String,
    /// How often its group is evaluated (0: not known).
    pub interval_secs: u64,
}

impl AlertRule {
    /// The rule an alert came from: same alertname, and the rule's own
    /// labels all present on the alert.
    pub fn matches(&self, alert: &Alert) -> bool {
        alert.alertname() == self.name
            && self
                .labels
                .iter()
                .all(|(k, v)| alert.labels.get(k) == Some(v))
    }
}
