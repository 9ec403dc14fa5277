//! Plain domain types. No I/O, no ratatui, no tokio.

pub mod alert;
pub mod duration;
pub mod matcher;
pub mod rule;
pub mod silence;

pub use alert::{fingerprint, Alert, AlertState, Labels, Severity};
pub use matcher::{parse_matchers, MatchOp, Matcher, MatcherError};
pub use rule::AlertRule;
pub use silence::{
    ack_comment, active_ack, label_matchers, same_matchers, Silence, SilenceDraft, SilenceState,
    ACK_PREFIX,
};
