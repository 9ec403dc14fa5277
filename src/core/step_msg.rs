//! What a running runbook step sends back, and what the stepper asks
//! itself once a question is answered.

use crate::runbook::exec::{ExecOutcome, ExecRequest};

/// What comes back from a running step, and what the console asks itself
/// once a question is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum StepMsg {
    /// Lines a running step printed, in order.
    Output { run: u64, lines: Vec<String> },
    /// `at`: when it ended (the executor's clock, so the journal orders a
    /// step's start and end even within one tick).
    Done {
        run: u64,
        outcome: ExecOutcome,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// Ask (or skip asking) to run step `step`; `recorded`: on an incident.
    Confirm { step: usize, recorded: bool },
    /// Record the run on this open incident (picked in the question), then
    /// ask to run step `step`.
    Record { step: usize, incident: String },
    /// Run it: exactly the command and environment that were shown.
    Run { step: usize, request: ExecRequest },
}
