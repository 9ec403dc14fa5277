//! The escalation pane: its own cursor; `E` or Esc go back to the alerts.

pub mod view;

use super::{done, moved, step};
use crate::core::escalations::escalation_rows;
use crate::core::msg::Effect;
use crate::core::state::{Pane, State};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        let len = escalation_rows(state).len();
        state.escalation_cursor = moved(state.escalation_cursor, len, delta);
        return done();
    }
    match action {
        Action::Back | Action::Escalations => state.pane = Pane::Alerts,
        _ => return None,
    }
    done()
}
