//! Wire shapes of Alertmanager API v2 and Prometheus API v1, decoded straight
//! from bytes and then moved (not cloned) into the model types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::model::Labels;

/// Go encodes a nil slice or map as `null`; read it as empty.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---- Alertmanager /api/v2 ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmAlert {
    pub fingerprint: String,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Labels,
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: Labels,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL", default, deserialize_with = "nullable")]
    pub generator_url: String,
    #[serde(default, deserialize_with = "nullable")]
    pub receivers: Vec<AmReceiver>,
    pub status: AmAlertStatus,
}

#[derive(Debug, Deserialize)]
pub struct AmReceiver {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmAlertStatus {
    /// "active", "suppressed" or "unprocessed".
    pub state: String,
    #[serde(default, deserialize_with = "nullable")]
    pub silenced_by: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub inhibited_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmSilence {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub matchers: Vec<AmMatcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "nullable")]
    pub created_by: String,
    #[serde(default, deserialize_with = "nullable")]
    pub comment: String,
    pub status: AmSilenceStatus,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmMatcher {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub is_regex: bool,
    /// Absent before Alertmanager 0.22; true then.
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct AmSilenceStatus {
    /// "active", "pending" or "expired".
    pub state: String,
}

#[derive(Debug, Deserialize)]
pub struct AmStatus {
    pub cluster: Option<AmCluster>,
    /// When this Alertmanager process started: a new value means it
    /// restarted (and lost the alerts Prometheus has not re-sent yet).
    /// Kept as text: a value oncall cannot read costs the restart signal,
    /// not the cluster's peers.
    #[serde(default, deserialize_with = "nullable")]
    pub uptime: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AmCluster {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub peers: Vec<AmPeer>,
}

#[derive(Debug, Deserialize)]
pub struct AmPeer {
    pub name: String,
}

// ---- Prometheus /api/v1 ----

/// The envelope of every Prometheus API answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromResponse<T> {
    pub status: String,
    pub data: Option<T>,
    #[serde(default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PromRules {
    #[serde(deserialize_with = "nullable")]
    pub groups: Vec<PromRuleGroup>,
}

#[derive(Debug, Deserialize)]
pub struct PromRuleGroup {
    pub name: String,
    #[serde(default)]
    pub file: String,
    /// Seconds between evaluations.
    #[serde(default)]
    pub interval: f64,
    #[serde(deserialize_with = "nullable")]
    pub rules: Vec<PromRule>,
}

#[derive(Debug, Deserialize)]
pub struct PromRule {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub query: String,
    /// `for:` in seconds.
    #[serde(default)]
    pub duration: f64,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Labels,
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: Labels,
}

#[derive(Debug, Deserialize)]
pub struct PromAlerts {
    #[serde(deserialize_with = "nullable")]
    pub alerts: Vec<PromAlert>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromAlert {
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Labels,
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: Labels,
    /// "pending", "firing" or "inactive".
    pub state: String,
    #[serde(default)]
    pub active_at: Option<DateTime<Utc>>,
}
