//! Plain domain types. No I/O, no ratatui, no tokio.

pub mod alert;
pub mod duration;
pub mod escalation;
pub mod history;
pub mod incident;
pub mod labels;
pub mod lifecycle;
pub mod matcher;
pub mod prefetch;
pub mod rule;
pub mod runbook;
pub mod schedule;
pub mod silence;
pub mod slo;
pub mod text_order;
pub mod time_interval;
pub mod timeline;

pub use alert::{fingerprint, Alert, AlertState, LabelText, Labels, Names, Severity, WeakLabels};
pub use incident::{
    short_duration, Incident, Metrics, Milestone, PostmortemRecord, Sev, Status, OBSERVER,
};
pub use matcher::{parse_matchers, MatchOp, Matcher, MatcherError};
pub use rule::AlertRule;
pub use silence::{
    ack_comment, ack_prefix_of, active_ack, label_matchers, same_matchers, Silence, SilenceDraft,
    SilenceState, ACK_PREFIX,
};
pub use timeline::{Activity, ActivityKind, Event, EventData, EventKind};
