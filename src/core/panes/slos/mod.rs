//! The SLO pane: its own cursor; `O` or Esc go back to the alerts.

pub mod state;
pub mod view;

use super::{done, moved, step};
use crate::core::msg::Effect;
use crate::core::state::{Pane, State};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        state.slo.cursor = moved(state.slo.cursor, state.slo.defs.len(), delta);
        return done();
    }
    match action {
        Action::Back | Action::Slos => state.pane = Pane::Alerts,
        _ => return None,
    }
    done()
}
