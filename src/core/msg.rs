//! The messages `update` takes and the effects it returns: plain data, the
//! vocabulary between the engine and the core. Imports only leaf types.

use chrono::{DateTime, Utc};

use super::action::Action;
use super::context_types::{ContextQuery, ContextReply};
use super::journal_ops::{JournalOp, JournalReply};
use super::merge_view::{MergeJob, Merged};
use super::page::Page;
use super::status::StatusLevel;
use super::step_msg::StepMsg;
use crate::runbook::exec::ExecRequest;
use crate::source::alertmanager_writes::{WriteReport, WriteRequest};
use crate::source::slo_query::SloRead;
use crate::source::{Snapshot, SourceError};

/// Everything that can happen to the state.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The clock; the only way time enters `update`.
    Tick(DateTime<Utc>),
    Action(Action),
    Input(InputEdit),
    /// A source answered (or failed to).
    Polled {
        source: usize,
        at: DateTime<Utc>,
        result: Result<Snapshot, SourceError>,
    },
    /// Time to send out the merge a big poll asked for (`Effect::MergeSoon`).
    MergeNow,
    /// A merge run on a worker thread (`Effect::Merge`), or why it failed.
    Merged(Result<Box<Merged>, String>),
    /// The alerts list can show this many rows.
    Resized {
        list_rows: usize,
    },
    /// How far the detail or help view can scroll now (from the view).
    ScrollLimit(u16),
    /// A message for the status line (a theme that failed to load, ...).
    Notice(StatusLevel, String),
    /// A message for the history only, with a badge (startup warnings).
    Noted(StatusLevel, String),
    /// A key in the silence form (not while a field is being edited).
    Form(FormKey),
    /// The answer to a confirmation question.
    Confirm(bool),
    /// `1`-`9` on a question with numbered choices (0-based).
    ConfirmPick(usize),
    /// Esc on a question whose `n` is an answer of its own: do nothing.
    Dismiss,
    /// j/k on a question taller than the screen.
    ConfirmScroll(isize),
    /// The journal task answered.
    Journal(JournalReply),
    /// Alertmanager answered a write.
    Wrote(WriteReport),
    /// Poll every source now, without a word (a follow-up after a write).
    PollAgain,
    /// A running runbook step, or the stepper's own next move.
    Step(StepMsg),
    /// A numbered branch of the runbook stepper (0-based).
    Choose(usize),
    /// A page went out (or did not): per notifier, attempts or the reason.
    Paged {
        page: Page,
        claimed: bool,
        results: Vec<(String, Result<u32, String>)>,
    },
    /// Prometheus answered the detail view's questions.
    Context(ContextReply),
    /// Who pages for this state dir when it is not this process: the
    /// holder of the engine lease (`oncall serve`), or `None`.
    PagingHeldBy(Option<String>),
    /// The claims' record of every level (read while another process
    /// pages, or always on a read-only console that never pages).
    PagesSeen(std::collections::HashMap<String, crate::store::page_claims::Outcome>),
    /// An SLO window's SLI was read (or could not be).
    SloRead(SloRead),
}

/// Keys of the silence form while no field is being edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKey {
    Up,
    Down,
    /// Keep/drop a matcher, select/unselect a cluster.
    Toggle,
    /// The next operator of a matcher.
    CycleOp,
    /// Remove a matcher line.
    Delete,
    /// Edit the field, or submit on the submit line.
    Enter,
    Cancel,
}

/// Keys while a text line (filter or command) is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputEdit {
    Char(char),
    Backspace,
    ClearLine,
    Submit,
    Cancel,
}

/// What `update` asks the outside world to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    RefreshNow,
    /// Fed back as `Msg::MergeNow`, after the messages already queued.
    MergeSoon,
    /// Merge on a worker thread; the result comes back as `Msg::Merged`.
    Merge(Box<MergeJob>),
    /// Poll again shortly: gossip needs a moment to reach every member.
    RefreshSoon,
    /// Copy to the clipboard of the user's terminal (OSC 52).
    Copy(String),
    /// Send a write to Alertmanager; the answer comes back as `Msg::Wrote`.
    Write(WriteRequest),
    /// Journal an incident event (answers come back as `Msg::Journal`).
    Journal(JournalOp),
    /// Fed back as `Msg::Step` (what an answered question goes on with).
    Step(StepMsg),
    /// Start a runbook step's command; its output comes back as `Msg::Step`.
    RunStep {
        run: u64,
        request: ExecRequest,
    },
    /// Run a runbook's PromQL step against the first configured Prometheus.
    RunQuery {
        run: u64,
        query: String,
        timeout: std::time::Duration,
    },
    /// Ask Prometheus for the detail view's history and fire counts.
    QueryContext(ContextQuery),
    /// Page a level: claim it in the state dir, then deliver to its notifiers.
    Page(Page),
    /// Ring the terminal's bell (the `terminal` notifier).
    Bell,
    /// Stop that command's whole process group.
    KillStep {
        run: u64,
    },
    /// Remember the list's sort mode (by name) in the state dir.
    RememberSort(&'static str),
    Quit,
}
