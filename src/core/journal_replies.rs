//! How the journal thread's answers fold into the state.

pub use super::journal_ops::{JournalOp, JournalReply};
use super::msg::Effect;
use super::state::{Pane, State, StatusLevel};
use crate::model::{Event, Incident};

pub fn journaled(state: &mut State, reply: JournalReply) -> Vec<Effect> {
    match reply {
        JournalReply::Read { batches, problems } => {
            let keep = state.selected_incident().map(|i| i.id.clone());
            for (id, events) in batches {
                fold(state, &id, events);
            }
            state
                .incidents
                .sort_by(|a, b| b.is_open().cmp(&a.is_open()).then_with(|| b.id.cmp(&a.id)));
            if let Some(id) = keep {
                if let Some(pos) = state.incidents.iter().position(|i| i.id == id) {
                    state.incident_cursor = pos;
                }
            }
            state.incident_cursor = state
                .incident_cursor
                .min(state.incidents.len().saturating_sub(1));
            if !problems.is_empty() {
                state.say(StatusLevel::Warn, problems.join(" · "));
            }
            let first = !state.journal_loaded;
            state.journal_loaded = true;
            if first {
                return super::observe::observe(state);
            }
        }
        JournalReply::Declared { id, existed, show } => {
            state.declaring.clear();
            if existed {
                state.say(
                    StatusLevel::Info,
                    format!("already part of open incident {id}"),
                );
            } else {
                state.say(StatusLevel::Info, format!("declared {id}"));
            }
            if show {
                state.timeline = Some(id);
                state.timeline_cursor = usize::MAX;
                state.pane = Pane::Timeline;
            } else {
                return super::runbook::declared(state, &id);
            }
        }
        JournalReply::Wrote => {
            state.journal_error = None;
            state.journal_failing_since = None;
        }
        JournalReply::Failed(e) => {
            state.declaring.clear();
            state.rb.awaiting_incident = None;
            // The journal retries every few seconds; the same failure again
            // must not overwrite what the status line says meanwhile (the
            // header keeps saying JOURNAL FAILING).
            if state.journal_error.as_ref() != Some(&e) {
                state.say(StatusLevel::Error, format!("JOURNAL FAILING: {e}"));
            }
            if state.journal_error.is_none() {
                state.journal_failing_since = Some(state.now);
            }
            state.journal_error = Some(e);
        }
        JournalReply::Said(level, text) => state.say(level, text),
        JournalReply::Pending(n) => state.journal_pending = n,
        JournalReply::Readable => {
            state.journal_failing_since = None;
            if state.journal_error.take().is_some() {
                state.say(StatusLevel::Info, "the journal can be read again");
            }
        }
    }
    vec![]
}

fn fold(state: &mut State, id: &str, events: Vec<Event>) {
    if let Some(inc) = state.incidents.iter_mut().find(|i| i.id == id) {
        for e in events {
            inc.apply(e);
        }
    } else if let Some(inc) = Incident::replay(id, events) {
        state.incidents.push(inc);
    }
}

/// A change the user made while the journal is failing is not on disk (it
/// waits in the journal's queue, or its write fails again): say so at once,
/// rather than let the closed form look like success.
pub(super) fn say_if_unrecorded(state: &mut State, effects: &[Effect]) {
    let Some(e) = &state.journal_error else {
        return;
    };
    let records = effects
        .iter()
        .any(|f| matches!(f, Effect::Journal(op) if !matches!(op, JournalOp::Activity(_))));
    if records {
        // The news first: a long path in the reason is cut at the screen's edge.
        let text = format!("JOURNAL FAILING, not recorded yet (it waits for the journal): {e}");
        state.say(StatusLevel::Error, text);
    }
}
