//! What the console holds of runbooks: those loaded, the stepper of the
//! alert being worked on, and the step running now.

use crate::model::runbook::Runbook;
use crate::runbook::stepper::Stepper;

pub use crate::config::settings::RunbookSettings;

/// An alert with no runbook: what the pane says instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub alertname: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RunbookState {
    pub loaded: Vec<Runbook>,
    /// Files that failed to load (`file:line: message`).
    pub errors: Vec<String>,
    pub settings: RunbookSettings,
    pub stepper: Option<Stepper>,
    /// The incident the run is recorded on.
    pub incident: Option<String>,
    /// The runbook_url of the stepper's alert, for `y`.
    pub link: Option<String>,
    pub missing: Option<Missing>,
    /// The step shown (the current one unless the user moves).
    pub cursor: usize,
    /// Output lines scrolled up from the end (0: follow the output).
    pub scroll: usize,
    /// The run in flight: its id and step.
    pub running: Option<(u64, usize)>,
    pub seq: u64,
    /// The user chose to run this runbook without an incident (asked once).
    pub unrecorded: bool,
    /// A step waiting for the incident being declared for it.
    pub awaiting_incident: Option<usize>,
}
