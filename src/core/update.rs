//! `update(state, msg) -> effects`: the only place state changes. Pure: no
//! I/O, no clock (time arrives as `Msg::Tick`). It dispatches each message
//! to the module that owns it (keys to `act`/`input`, polls to
//! `poll_landing`, the journal's answers to `journal_replies`, ...) and
//! counts the writes it sends. Imports the pane modules; none of them
//! imports it (they return `Effect`s from `msg`).
use super::ack_actions;
use super::act::act;
use super::input::input;
use super::journal_replies::journaled;
pub use super::msg::{Effect, FormKey, InputEdit, Msg};
use super::panes::incident_form::{iform_edit, iform_key};
use super::panes::silence_form::{form_edit, form_key};
pub use super::poll_landing::rebuild;
use super::silences::rebuild_silence_rows;
use super::state::{Confirm, Pane, State, StatusLevel};

/// A status message stays this many seconds.
const STATUS_SECS: i64 = 8;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let by_user = matches!(
        msg,
        Msg::Action(_) | Msg::Form(_) | Msg::Confirm(_) | Msg::ConfirmPick(_) | Msg::Input(_)
    );
    if by_user {
        // A key pressed: the screen before it has been seen, the error on
        // the status line too (from now it may go), and what was new on
        // the list is no longer.
        state.status_seen = true;
        super::news::looked(state);
    }
    let mut effects = step(state, msg);
    if by_user {
        super::journal_replies::say_if_unrecorded(state, &effects);
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
                // Warnings stay long enough to be read; errors until a key
                // was pressed after them (and then as long as warnings).
                let keep = match level {
                    StatusLevel::Info => STATUS_SECS,
                    StatusLevel::Warn => STATUS_SECS * 4,
                    StatusLevel::Error if !state.status_seen => i64::MAX,
                    StatusLevel::Error => STATUS_SECS * 4,
                };
                if (now - *at).num_seconds() >= keep {
                    state.status = None;
                }
            }
            if state.pane == Pane::Silences {
                rebuild_silence_rows(state);
            }
            super::panes::wall::tick(state);
            let mut effects = super::page_outcome::pages(state);
            if state.merge.waiting {
                effects.extend(super::poll_landing::merge_here_or_later(state));
            }
            effects
        }
        Msg::Polled { source, at, result } => {
            super::poll_landing::polled(state, source, at, result)
        }
        Msg::MergeNow => vec![Effect::Merge(Box::new(super::poll_landing::merge_job(
            state,
        )))],
        Msg::Merged(result) => super::poll_landing::merged(state, result),
        Msg::Paged {
            page,
            claimed,
            results,
        } => super::page_outcome::paged(state, page, claimed, results),
        Msg::Resized { list_rows } => {
            state.page_rows = list_rows.max(1);
            super::panes::wall::repaginate(state);
            vec![]
        }
        Msg::ScrollLimit(max) => {
            state.scroll_max = max;
            state.scroll = state.scroll.min(max);
            vec![]
        }
        Msg::Notice(level, text) => {
            state.say(level, text);
            vec![]
        }
        Msg::Noted(level, text) => {
            state.note(level, text);
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
        Msg::ConfirmPick(n) => {
            let pick = state.confirm.as_ref().and_then(|c| c.picks.get(n)).cloned();
            if pick.is_some() {
                state.confirm = None;
                state.confirm_scroll = 0;
            }
            pick.unwrap_or_default()
        }
        Msg::Dismiss => {
            state.confirm_scroll = 0;
            state.rb.awaiting_incident = None;
            if state.confirm.take().is_some() {
                state.say(StatusLevel::Info, "cancelled; nothing was done");
            }
            vec![]
        }
        Msg::Journal(reply) => journaled(state, reply),
        Msg::Wrote(report) => ack_actions::wrote(state, report),
        Msg::PollAgain => vec![Effect::RefreshNow],
        Msg::Step(m) => super::runbook::step_msg(state, m),
        Msg::Choose(n) => super::runbook::choose(state, n),
        Msg::Context(reply) => {
            super::context::answered(state, reply);
            vec![]
        }
        Msg::PagingHeldBy(holder) if holder == state.paging_held_by => vec![],
        Msg::PagingHeldBy(holder) => {
            // Paging changed hands: what this process tried or retried is
            // the claims' to settle now. Every due level is claimed afresh
            // when paging comes back; claims say which were delivered, and
            // which another still holds (taken over once its hold runs out).
            state.paging_held_by = holder;
            state.paged.clear();
            state.failed_pages.clear();
            state.claimed_elsewhere.clear();
            vec![]
        }
        Msg::PagesSeen(outcomes) => {
            super::page_outcome::seen_elsewhere(state, &outcomes);
            vec![]
        }
        Msg::SloRead(r) => {
            state.slo.read(r);
            vec![]
        }
    }
}

/// `y` or `n` on the open question.
fn answered(state: &mut State, yes: bool) -> Vec<Effect> {
    state.confirm_scroll = 0;
    match state.confirm.take() {
        Some(c) if yes => {
            ack_actions::mark_unacked_here(state, &c.yes);
            c.yes
        }
        Some(Confirm { no: Some(no), .. }) => no,
        Some(c) if c.yes.iter().any(|e| matches!(e, Effect::Step(_))) => {
            state.say(StatusLevel::Info, "cancelled; nothing was run");
            vec![]
        }
        Some(_) => {
            state.say(StatusLevel::Info, "cancelled; nothing was sent");
            vec![]
        }
        None => vec![],
    }
}
