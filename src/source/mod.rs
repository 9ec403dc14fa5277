//! Alertmanager and Prometheus clients, HA dedup, polling, and the embedded
//! demo source. Knows nothing of the UI.

pub mod alertmanager;
pub mod alertmanager_writes;
pub mod am_decode;
pub mod cluster;
pub mod demo;
pub mod demo_history;
pub mod demo_slo;
pub mod demo_writes;
pub mod dto;
pub mod execute;
pub mod http;
mod http_errors;
pub mod json_read;
pub mod last_poll;
pub mod merge;
pub mod peer_cache;
pub mod poll;
pub mod prom_query;
pub mod prom_range;
pub mod prometheus;
pub mod shared_sets;
pub mod slo_query;
mod string_scan;

use std::sync::Arc;
use std::time::Duration;

use crate::model::{Alert, AlertRule, Silence};

pub use crate::config::source_spec::{redact_url, Auth, Secret, SourceKind, SourceSpec, Tls};
pub use merge::{merge_alerts, merge_sources};
pub use poll::{fetch_once, spawn_poller};

/// What the source tasks report; the engine turns each into a message for
/// `core::update`.
#[derive(Clone, Debug)]
pub enum SourceEvent {
    /// A source answered (or failed to).
    Polled {
        source: usize,
        at: chrono::DateTime<chrono::Utc>,
        result: Result<Snapshot, SourceError>,
        /// How long the poll took, request and decode.
        took: std::time::Duration,
    },
    /// An SLO window's SLI was read (or could not be).
    SloRead(slo_query::SloRead),
}

/// Alertmanager's own view of its gossip cluster (from `/api/v2/status`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerInfo {
    pub name: String,
    pub peers: Vec<String>,
}

/// One successful poll of one source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Shared: an Alertmanager's poller keeps them for its next poll
    /// (`last_poll`).
    pub alerts: Arc<Vec<Alert>>,
    pub silences: Vec<Silence>,
    pub peer: Option<PeerInfo>,
    /// Alerting rules (Prometheus only).
    pub rules: Vec<AlertRule>,
    /// When the source's process started, if it says (Alertmanager's
    /// `uptime`): a change means it restarted.
    pub started: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why a poll failed, in words for the status bar and stderr.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("no answer within {}s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("HTTP {status}: {snippet}")]
    Status { status: u16, snippet: String },
    #[error("answered with an HTML page, not the API (a login proxy?)")]
    Html,
    #[error("bad answer: {0}")]
    Decode(String),
    #[error("configuration: {0}")]
    Config(String),
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacted_urls_carry_no_credentials_or_tokens() {
        assert_eq!(
            super::redact_url("http://u:p@am:9093/x"),
            "http://am:9093/x"
        );
        assert_eq!(
            super::redact_url("https://am:9093/api?token=SECRET"),
            "https://am:9093/api?…"
        );
        assert_eq!(super::redact_url("http://u:p@am?x=1"), "http://am?…");
        assert_eq!(
            super::redact_url("http://am:9093/a@b"),
            "http://am:9093/a@b"
        );
    }
}
