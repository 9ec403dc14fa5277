//! One source as the console holds it: its last good answer, its last
//! error, and the health the status bar, the rows and the wall read off
//! those.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::{Alert, AlertRule, Silence};
use crate::source::{PeerInfo, SourceKind, SourceSpec};

/// A source's health as the status bar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// No answer yet.
    Connecting,
    Ok,
    /// Answered before, but the last poll failed or is overdue; data kept.
    Stale {
        since: DateTime<Utc>,
        reason: String,
    },
    /// Never answered.
    Down {
        reason: String,
    },
}

#[derive(Clone, Debug)]
pub struct SourceState {
    pub name: String,
    pub kind: SourceKind,
    pub cluster: Option<String>,
    pub url: String,
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub failures: u32,
    /// Shared with a merge out on a worker thread.
    pub alerts: Arc<Vec<Alert>>,
    pub silences: Vec<Silence>,
    pub peer: Option<PeerInfo>,
    pub rules: Vec<AlertRule>,
    /// When the source's process started, as it last said.
    pub started: Option<DateTime<Utc>>,
    /// When it was last seen back from a restart or from being down: for
    /// `resolve_grace` after, alerts gone with it are `unknown`.
    pub restarted_at: Option<DateTime<Utc>>,
}

impl SourceState {
    pub fn new(spec: &SourceSpec) -> SourceState {
        SourceState {
            name: spec.name.clone(),
            kind: spec.kind,
            cluster: spec.cluster.clone(),
            url: crate::source::redact_url(&spec.url),
            last_ok: None,
            last_error: None,
            failures: 0,
            alerts: Arc::default(),
            silences: Vec::new(),
            peer: None,
            rules: Vec::new(),
            started: None,
            restarted_at: None,
        }
    }

    pub fn health(&self, now: DateTime<Utc>, stale_after: Duration) -> Health {
        match (self.last_ok, &self.last_error) {
            (None, None) => Health::Connecting,
            (None, Some(reason)) => Health::Down {
                reason: reason.clone(),
            },
            (Some(ok), Some(reason)) => Health::Stale {
                since: ok,
                reason: reason.clone(),
            },
            (Some(ok), None) => {
                let overdue =
                    chrono::Duration::from_std(stale_after).unwrap_or(chrono::Duration::MAX);
                if now - ok > overdue {
                    Health::Stale {
                        since: ok,
                        reason: "overdue: no answer to the last polls".into(),
                    }
                } else {
                    Health::Ok
                }
            }
        }
    }
}
