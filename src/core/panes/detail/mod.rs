//! An alert's detail: movement scrolls, `w` changes the history chart's
//! window, Enter shows a long "What" whole (or folds it), Esc goes back
//! to the list.

mod context;
pub mod view;

use super::{done, step};
use crate::core::msg::Effect;
use crate::core::state::{Pane, State};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        scroll(state, delta);
        return done();
    }
    match action {
        Action::HistoryWindow => crate::core::context::next_window(state),
        Action::Open => state.detail_more = !state.detail_more,
        Action::Back => state.pane = Pane::Alerts,
        _ => return None,
    }
    done()
}

/// Detail and help scroll within what the view said fits.
pub fn scroll(state: &mut State, delta: isize) {
    state.scroll = (state.scroll as isize + delta).clamp(0, state.scroll_max as isize) as u16;
}
