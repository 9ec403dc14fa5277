//! The message history (`:messages`, `M`): movement scrolls; Esc or `M`
//! go back to the pane it was opened from.

pub mod view;

use super::detail::scroll;
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
        Action::Back | Action::Messages => state.pane = state.back_to,
        _ => return None,
    }
    done()
}

/// Opens the history: reading it clears the header's badge.
pub fn open(state: &mut State) {
    if state.pane != Pane::Messages {
        state.back_to = state.pane;
    }
    state.pane = Pane::Messages;
    state.scroll = 0;
    state.messages.unread = 0;
    state.status_seen = true;
}
