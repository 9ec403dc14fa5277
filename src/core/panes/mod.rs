//! Each pane's own keys. `act` first gives an action to the pane on screen
//! (one match, one line per pane); what the pane leaves (`None`), the
//! console's global keys do (`core::act`). A pane's sub-state lives in
//! `State` (its type in a leaf module of `core`), its view in
//! `ui::views::<pane>`. A new pane: a file here, a line in `act` and in
//! `ui::views::draw`, its keys in `ui::keymap`.

mod alerts;
mod detail;
mod escalations;
mod help;
mod incidents;
mod runbook;
mod silences;
mod slos;
mod timeline;

use super::msg::Effect;
use super::state::{Pane, State};
use super::Action;

/// What `action` means on the pane on screen (Enter on a silence edits it,
/// Enter in the runbook runs the step), before the read-only check.
pub fn meaning(state: &State, action: Action) -> Action {
    match (state.pane, action) {
        (Pane::Silences, Action::Open) => Action::Silence,
        (Pane::Runbook, Action::Open) => Action::RunStep,
        (_, a) => a,
    }
}

/// The pane's answer to `action`, or `None` when it leaves it to the
/// global keys.
pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match state.pane {
        Pane::Alerts => alerts::act(state, action),
        Pane::Detail => detail::act(state, action),
        Pane::Help => help::act(state, action),
        Pane::Silences => silences::act(state, action),
        Pane::Incidents => incidents::act(state, action),
        Pane::Timeline => timeline::act(state, action),
        Pane::Runbook => runbook::act(state, action),
        Pane::Escalations => escalations::act(state, action),
        Pane::Slos => slos::act(state, action),
    }
}

/// How far a movement key moves a cursor (`page`: the rows on screen).
pub fn step(action: Action, page: usize) -> Option<isize> {
    let page = page as isize;
    Some(match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => -(isize::MAX / 2),
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// `cursor` moved by `delta` within `len` rows.
pub fn moved(cursor: usize, len: usize, delta: isize) -> usize {
    let last = len.saturating_sub(1) as isize;
    let from = cursor.min(len.saturating_sub(1)) as isize;
    (from + delta).clamp(0, last.max(0)) as usize
}

/// Nothing to send: the answer of a pane that took an action.
fn done() -> Option<Vec<Effect>> {
    Some(vec![])
}
