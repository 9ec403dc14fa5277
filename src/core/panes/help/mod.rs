//! Help: movement scrolls; Esc or `?` go back to the pane it was opened from.

pub mod view;

use super::detail::scroll;
use super::{done, step};
use crate::core::msg::Effect;
use crate::core::state::State;
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        scroll(state, delta);
        return done();
    }
    match action {
        Action::Back | Action::Help => state.pane = state.back_to,
        _ => return None,
    }
    done()
}
