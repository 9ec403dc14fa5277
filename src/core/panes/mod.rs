//! The panes. Each is a folder: `mod.rs` its keys (`act`), `view.rs` its
//! view (`render`), and what else it alone uses. `act` first gives an
//! action to the pane on screen (one match, one line per pane); what the
//! pane leaves (`None`), the console's global keys do (`core::act`).
//! `render` draws the pane on screen into the body of the screen
//! (`ui::views::draw` lays out the header, status bar and forms around it).
//! A new pane: its folder, a `Pane` variant and a line in `act` and in
//! `render` here, its keys in `core::keymap` (and a line in the action
//! table, `core::action`, for a new action).

pub mod alerts;
pub mod detail;
pub mod escalations;
pub mod help;
pub mod incident_form;
pub mod incidents;
pub mod messages;
pub mod runbook;
pub mod silence_form;
pub mod silences;
pub mod slos;
pub mod timeline;
pub mod wall;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::keymap::Keymap;
use super::msg::Effect;
use super::state::State;
use super::Action;
use crate::draw::theme::Theme;

/// The panes of the console. The wall (`wall/`) is a mode of its own,
/// drawn instead of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Alerts,
    Detail,
    Help,
    Silences,
    Incidents,
    Timeline,
    /// The runbook stepper of one alert.
    Runbook,
    /// Every escalating group with its countdown.
    Escalations,
    /// Service level objectives: SLI, error budget, burn rates.
    Slos,
    /// The message history (`:messages`).
    Messages,
}

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
        Pane::Messages => messages::act(state, action),
    }
}

/// Draws the pane on screen into `area` (the body of the screen).
pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    match state.pane {
        Pane::Alerts => alerts::view::render(state, theme, area, buf),
        Pane::Detail => detail::view::render(state, theme, area, buf),
        Pane::Help => help::view::render(state, theme, keymap, area, buf),
        Pane::Silences => silences::view::render(state, theme, keymap, area, buf),
        Pane::Incidents => incidents::view::render(state, theme, keymap, area, buf),
        Pane::Timeline => timeline::view::render(state, theme, keymap, area, buf),
        Pane::Runbook => runbook::view::render(state, theme, keymap, area, buf),
        Pane::Escalations => escalations::view::render(state, theme, keymap, area, buf),
        Pane::Slos => slos::view::render(state, theme, keymap, area, buf),
        Pane::Messages => messages::view::render(state, theme, area, buf),
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
