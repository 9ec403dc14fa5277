//! What the console asks of the journal thread, and what it answers.

use super::status::StatusLevel;
use crate::model::{Activity, Event};

/// What the journal task is asked to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalOp {
    /// A new incident whose journal starts with `first`; nothing is written
    /// when an open incident already links one of `unless_linked`.
    Declare {
        first: Box<Event>,
        more: Vec<Event>,
        unless_linked: Vec<String>,
        /// Open its timeline once it exists (declared by key, not by rule).
        show: bool,
    },
    Append {
        incident: String,
        events: Vec<Event>,
    },
    /// Render and write the postmortem draft, and journal that it was.
    Postmortem {
        incident: String,
    },
    Activity(Vec<Activity>),
}

/// What the journal task answers.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalReply {
    /// Lines read from the journals (the first answer is the full replay).
    Read {
        batches: Vec<(String, Vec<Event>)>,
        problems: Vec<String>,
    },
    Declared {
        id: String,
        existed: bool,
        show: bool,
    },
    /// A write reached the disk (clears a journal failure).
    Wrote,
    /// A write did not reach the disk: said loudly until one does.
    Failed(String),
    /// A message for the status line (postmortem written, ...).
    Said(StatusLevel, String),
    /// The journal can be read again after a failure to read it (the
    /// store came back): the failure is over.
    Readable,
    /// Writes waiting in the outbox for the team store to come back.
    Pending(usize),
}
