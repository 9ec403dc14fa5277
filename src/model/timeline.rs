//! Timeline events: one JSON line each in an incident's journal. The
//! incident is the fold of its events (see `incident.rs`), so the journal
//! is the only record and replaying it rebuilds everything.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alert::Labels;
use super::incident::{Milestone, Sev, Status};

/// What happened. Unknown kinds (written by a newer oncall) are kept as
/// `Other` so an older binary still replays the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The first event of every journal: title, severity, linked alerts.
    Declared,
    /// An alert joined the incident (`data.fingerprint`, `data.labels`).
    AlertLinked,
    /// Observed by polling: a linked alert fires (again).
    AlertFired,
    /// Observed by polling: a linked alert's state or annotations changed.
    AlertChanged,
    /// Observed by polling: a linked alert stopped firing.
    AlertResolved,
    Ack,
    Unack,
    SilenceCreated,
    SilenceExpired,
    Status,
    Severity,
    Title,
    /// A milestone set or corrected by hand (`data.milestone`, `data.at`).
    Milestone,
    Note,
    /// A filled "Incident Update" template.
    StatusUpdate,
    Escalation,
    Notification,
    RunbookStep,
    PostmortemWritten,
    /// Pins or unpins the event `data.target`; not shown as a row itself.
    Pin,
    Unpin,
    #[serde(other)]
    Other,
}

impl EventKind {
    /// The word the timeline shows and its filter takes (`:tl note`).
    pub fn word(self) -> &'static str {
        match self {
            EventKind::Declared => "declared",
            EventKind::AlertLinked => "linked",
            EventKind::AlertFired => "fired",
            EventKind::AlertChanged => "changed",
            EventKind::AlertResolved => "resolved-alert",
            EventKind::Ack => "ack",
            EventKind::Unack => "unack",
            EventKind::SilenceCreated => "silence",
            EventKind::SilenceExpired => "silence-expired",
            EventKind::Status => "status",
            EventKind::Severity => "severity",
            EventKind::Title => "title",
            EventKind::Milestone => "milestone",
            EventKind::Note => "note",
            EventKind::StatusUpdate => "update",
            EventKind::Escalation => "escalation",
            EventKind::Notification => "notify",
            EventKind::RunbookStep => "runbook",
            EventKind::PostmortemWritten => "postmortem",
            EventKind::Pin => "pin",
            EventKind::Unpin => "unpin",
            EventKind::Other => "other",
        }
    }

    /// Kinds that come from watching alerts and silences rather than from a
    /// person; the timeline filter groups them as `alerts`.
    pub fn is_observed(self) -> bool {
        matches!(
            self,
            EventKind::AlertFired
                | EventKind::AlertChanged
                | EventKind::AlertResolved
                | EventKind::Ack
                | EventKind::Unack
                | EventKind::SilenceCreated
                | EventKind::SilenceExpired
        )
    }

    pub const SHOWN: [EventKind; 20] = [
        EventKind::Declared,
        EventKind::AlertLinked,
        EventKind::AlertFired,
        EventKind::AlertChanged,
        EventKind::AlertResolved,
        EventKind::Ack,
        EventKind::Unack,
        EventKind::SilenceCreated,
        EventKind::SilenceExpired,
        EventKind::Status,
        EventKind::Severity,
        EventKind::Title,
        EventKind::Milestone,
        EventKind::Note,
        EventKind::StatusUpdate,
        EventKind::Escalation,
        EventKind::Notification,
        EventKind::RunbookStep,
        EventKind::PostmortemWritten,
        EventKind::Other,
    ];

    pub fn from_word(word: &str) -> Option<EventKind> {
        EventKind::SHOWN
            .into_iter()
            .find(|k| k.word() == word || format!("{k:?}").eq_ignore_ascii_case(word))
    }
}

/// Structured details of an event; which fields are set depends on the kind.
/// Every field is optional so old and new journals read each other.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Sev>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
    /// The alert's startsAt, for the default impact start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_id: Option<String>,
    /// The id of the event a pin or unpin is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Postmortem file and the hash of what was written, to notice edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Runbook step results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The runbook and step a runbook event is about, the step's status
    /// after it (`running`, `done`, `failed`, `skipped`), where the run
    /// goes next (a step id or `end`), the values captured so far and the
    /// output's last lines: enough to resume the stepper after a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The variables a step's command named, with the values it ran with
    /// (labels, runbook vars, captures): the postmortem shows the command
    /// as it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vars: Option<BTreeMap<String, String>>,
    /// How a step's command ended (`exit 0 after 1.2s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Anything a newer version adds.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique within the incident; given by the journal when it is written.
    #[serde(default)]
    pub id: String,
    pub time: DateTime<Utc>,
    pub actor: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub data: EventData,
}

fn is_default(d: &EventData) -> bool {
    *d == EventData::default()
}

impl Event {
    pub fn new(
        time: DateTime<Utc>,
        actor: impl Into<String>,
        kind: EventKind,
        text: impl Into<String>,
    ) -> Event {
        Event {
            id: String::new(),
            time,
            actor: actor.into(),
            kind,
            text: text.into(),
            data: EventData::default(),
        }
    }

    pub fn with(mut self, data: EventData) -> Event {
        self.data = data;
        self
    }
}

/// A line of the activity log (`<state dir>/activity.jsonl`): alerts seen
/// firing and acks seen, incident or not, for `oncall stats`. Consoles
/// sharing a state dir write the same observation twice; `key` tells
/// repeats apart (`fingerprint@startsAt` for fires, the silence id for acks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub time: DateTime<Utc>,
    pub kind: ActivityKind,
    pub alertname: String,
    pub fingerprint: String,
    pub key: String,
    #[serde(default)]
    pub actor: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Fired,
    Acked,
    #[serde(other)]
    Other,
}
