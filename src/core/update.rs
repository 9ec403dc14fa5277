use chrono::{DateTime, Utc};

use super::act::act;
use super::action::Action;
use super::incident_input::{iform_edit, iform_key};
use super::incidents::{journaled, JournalOp, JournalReply};
use super::input::{form_edit, form_key, input};
pub use super::landing::rebuild;
use super::merge_view::{MergeJob, Merged};
use super::runbook::StepMsg;
use super::silences::rebuild_silence_rows;
use super::state::{Confirm, Pane, State, StatusLevel};
use super::writes;
use crate::runbook::exec::ExecRequest;
use crate::source::write::{WriteReport, WriteRequest};
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
    /// A key in the silence form (not while a field is being edited).
    Form(FormKey),
    /// The answer to a confirmation question.
    Confirm(bool),
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
        page: super::escalations::Page,
        claimed: bool,
        results: Vec<(String, Result<u32, String>)>,
    },
    /// Prometheus answered the detail view's questions.
    Context(super::context::ContextReply),
    /// An SLO window's SLI was read (or could not be).
    SloRead(super::slo::SloRead),
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
    QueryContext(super::context::ContextQuery),
    /// Page a level: claim it in the state dir, then deliver to its notifiers.
    Page(super::escalations::Page),
    /// Ring the terminal's bell (the `terminal` notifier).
    Bell,
    /// Stop that command's whole process group.
    KillStep {
        run: u64,
    },
    Quit,
}

/// A status message stays this many seconds.
const STATUS_SECS: i64 = 8;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let by_user = matches!(
        msg,
        Msg::Action(_) | Msg::Form(_) | Msg::Confirm(_) | Msg::Input(_)
    );
    let mut effects = step(state, msg);
    if by_user {
        super::journaled::say_if_unrecorded(state, &effects);
    }
    effects.extend(super::context::wanted(state));
    state.writes_in_flight += effects
        .iter()
        .filter(|e| matches!(e, Effect::Write(_)))
        .count();
    effects
}

fn step(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if let Some((level, _, at)) = &state.status {
                // Warnings and errors stay long enough to be read.
                let keep = if *level == StatusLevel::Info {
                    STATUS_SECS
                } else {
                    STATUS_SECS * 4
                };
                if (now - *at).num_seconds() >= keep {
                    state.status = None;
                }
            }
            if state.pane == Pane::Silences {
                rebuild_silence_rows(state);
            }
            super::wall::tick(state);
            pages(state)
        }
        Msg::Polled { source, at, result } => super::landing::polled(state, source, at, result),
        Msg::MergeNow => vec![Effect::Merge(Box::new(MergeJob::of(state)))],
        Msg::Merged(result) => super::landing::merged(state, result),
        Msg::Paged {
            page,
            claimed,
            results,
        } => super::paging::paged(state, page, claimed, results),
        Msg::Resized { list_rows } => {
            state.page_rows = list_rows.max(1);
            super::wall::repaginate(state);
            vec![]
        }
        Msg::ScrollLimit(max) => {
            state.scroll_max = max;
            state.scroll = state.scroll.min(max);
            vec![]
        }
        Msg::Notice(level, text) => {
            say(state, level, text);
            vec![]
        }
        Msg::Input(edit) if state.form.as_ref().is_some_and(|f| f.editing.is_some()) => {
            form_edit(state, edit);
            vec![]
        }
        Msg::Input(edit) if state.iform.as_ref().is_some_and(|f| f.editing.is_some()) => {
            iform_edit(state, edit);
            vec![]
        }
        Msg::Form(key) if state.iform.is_some() => iform_key(state, key),
        Msg::Input(edit) => input(state, edit),
        Msg::Action(action) => act(state, action),
        Msg::Form(key) => form_key(state, key),
        Msg::ConfirmScroll(delta) => {
            let len = state.confirm.as_ref().map_or(0, |c| c.lines.len());
            state.confirm_scroll =
                (state.confirm_scroll as isize + delta).clamp(0, len as isize) as usize;
            vec![]
        }
        Msg::Confirm(yes) => answered(state, yes),
        Msg::Dismiss => {
            state.confirm_scroll = 0;
            state.rb.awaiting_incident = None;
            if state.confirm.take().is_some() {
                say(state, StatusLevel::Info, "cancelled; nothing was done");
            }
            vec![]
        }
        Msg::Journal(reply) => journaled(state, reply),
        Msg::Wrote(report) => writes::wrote(state, report),
        Msg::PollAgain => vec![Effect::RefreshNow],
        Msg::Step(m) => super::runbook::step_msg(state, m),
        Msg::Choose(n) => super::runbook::choose(state, n),
        Msg::Context(reply) => {
            super::context::answered(state, reply);
            vec![]
        }
        Msg::SloRead(r) => {
            state.slo.read(r);
            vec![]
        }
    }
}

/// Levels that fell due, to be paged (escalation).
pub(super) fn pages(state: &mut State) -> Vec<Effect> {
    if state.policies.is_empty() {
        return vec![];
    }
    let mut effects = super::paging::holds_changed(state);
    effects.extend(
        super::escalations::pages_due(state)
            .into_iter()
            .map(Effect::Page),
    );
    effects
}

/// `y` or `n` on the open question.
fn answered(state: &mut State, yes: bool) -> Vec<Effect> {
    state.confirm_scroll = 0;
    match state.confirm.take() {
        Some(c) if yes => {
            writes::mark_unacked_here(state, &c.yes);
            c.yes
        }
        Some(Confirm { no: Some(no), .. }) => no,
        Some(c) if c.yes.iter().any(|e| matches!(e, Effect::Step(_))) => {
            say(state, StatusLevel::Info, "cancelled; nothing was run");
            vec![]
        }
        Some(_) => {
            say(state, StatusLevel::Info, "cancelled; nothing was sent");
            vec![]
        }
        None => vec![],
    }
}

pub(super) fn say(state: &mut State, level: StatusLevel, text: impl Into<String>) {
    state.status = Some((level, text.into(), state.now));
}
