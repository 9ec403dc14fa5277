//! Alertmanager and Prometheus clients, HA dedup, polling, and the embedded
//! demo source. Knows nothing of the UI.

pub mod alertmanager;
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
pub mod slo_query;
mod string_scan;
pub mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::model::{Alert, AlertRule, Silence};

pub use merge::{merge_alerts, merge_sources};
pub use poll::{fetch_once, spawn_poller};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Alertmanager,
    Prometheus,
    Demo,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Demo => "demo",
        }
    }
}

/// A URL fit to show or log: no `user:password@`, no query string (tokens
/// hide there too).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.split('?').next().unwrap_or(url).to_string();
    };
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let path = match path.split_once('?') {
        Some((p, _)) => format!("{p}?…"),
        None => path.to_string(),
    };
    format!("{scheme}://{host}{path}")
}

/// Where a secret comes from. Never the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Secret {
    Env(String),
    File(PathBuf),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    pub bearer_token: Option<Secret>,
    pub basic_user: Option<String>,
    pub basic_password: Option<Secret>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tls {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub insecure_skip_verify: bool,
}

/// One configured endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    /// HA cluster name from the config; members share alerts and silences.
    pub cluster: Option<String>,
    pub auth: Auth,
    pub tls: Tls,
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
