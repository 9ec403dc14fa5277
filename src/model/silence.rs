use chrono::{DateTime, Utc};
use serde::Serialize;

use super::matcher::Matcher;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    Active,
    Pending,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    pub state: SilenceState,
    /// The source (Alertmanager) that reported it.
    pub source: String,
}

impl Silence {
    /// Acks are silences whose comment starts with `ACK!` (karma/kthxbye convention).
    pub fn is_ack(&self) -> bool {
        self.comment.starts_with("ACK!")
    }
}
