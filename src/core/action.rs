/// What the user asked for, after the keymap. Names are stable: the config
/// rebinds keys by these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    NextPane,
    Open,
    Back,
    Filter,
    Command,
    Help,
    Quit,
    Refresh,
    ToggleSilenced,
    ToggleInhibited,
    CopyLink,
    Ack,
    Unack,
    Silence,
    Resolve,
    Incident,
    Runbook,
    Note,
    Postmortem,
    Silences,
    Expire,
    Extend,
    Incidents,
    Pin,
    StatusUpdate,
    /// In the runbook pane: run the shown step. Enter there means this, so
    /// it has no key of its own and is not in `ALL`.
    RunStep,
    StepDone,
    StepFailed,
    StepSkip,
    /// Stop the running step (Ctrl-c in the runbook pane).
    StopStep,
    /// The escalation pane.
    Escalations,
    /// The detail view's history chart: the next time window.
    HistoryWindow,
    /// The SLO pane.
    Slos,
}

impl Action {
    /// Actions that change shared state; refused here in one place in
    /// read-only and wall mode.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Action::Ack
                | Action::Unack
                | Action::Silence
                | Action::Resolve
                | Action::Incident
                | Action::Note
                | Action::Postmortem
                | Action::Expire
                | Action::Extend
                | Action::Pin
                | Action::StatusUpdate
                | Action::RunStep
                | Action::StepDone
                | Action::StepFailed
                | Action::StepSkip
        )
    }

    /// The config name of the action (`keys: {ack: "a"}`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::NextPane => "next-pane",
            Action::Open => "open",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Command => "command",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Refresh => "refresh",
            Action::ToggleSilenced => "toggle-silenced",
            Action::ToggleInhibited => "toggle-inhibited",
            Action::CopyLink => "copy-link",
            Action::Ack => "ack",
            Action::Unack => "unack",
            Action::Silence => "silence",
            Action::Resolve => "resolve",
            Action::Incident => "incident",
            Action::Runbook => "runbook",
            Action::Note => "note",
            Action::Postmortem => "postmortem",
            Action::Silences => "silences",
            Action::Expire => "expire",
            Action::Extend => "extend",
            Action::Incidents => "incidents",
            Action::Pin => "pin",
            Action::StatusUpdate => "status-update",
            Action::RunStep => "run-step",
            Action::StepDone => "step-done",
            Action::StepFailed => "step-failed",
            Action::StepSkip => "step-skip",
            Action::StopStep => "stop-step",
            Action::Escalations => "escalations",
            Action::HistoryWindow => "history-window",
            Action::Slos => "slos",
        }
    }

    pub const ALL: [Action; 38] = [
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::NextPane,
        Action::Open,
        Action::Back,
        Action::Filter,
        Action::Command,
        Action::Help,
        Action::Quit,
        Action::Refresh,
        Action::ToggleSilenced,
        Action::ToggleInhibited,
        Action::CopyLink,
        Action::Ack,
        Action::Unack,
        Action::Silence,
        Action::Resolve,
        Action::Incident,
        Action::Runbook,
        Action::Note,
        Action::Postmortem,
        Action::Silences,
        Action::Expire,
        Action::Extend,
        Action::Incidents,
        Action::Pin,
        Action::StatusUpdate,
        Action::StepDone,
        Action::StepFailed,
        Action::StepSkip,
        Action::StopStep,
        Action::Escalations,
        Action::HistoryWindow,
        Action::Slos,
    ];

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}
