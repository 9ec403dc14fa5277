//! The incidents pane: its own cursor; Enter opens the timeline, `r`
//! resolves the selected incident, `I` or Esc go back to the alerts.

pub mod view;

use super::{done, moved, step};
use crate::core::msg::Effect;
use crate::core::state::{Pane, State};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        state.incident_cursor = moved(state.incident_cursor, state.incidents.len(), delta);
        return done();
    }
    match action {
        Action::Open => {
            if let Some(id) = state.selected_incident().map(|i| i.id.clone()) {
                state.timeline = Some(id);
                state.timeline_cursor = usize::MAX;
                state.pane = Pane::Timeline;
            }
        }
        Action::Resolve => crate::core::incidents::start_resolve(state),
        Action::Back | Action::Incidents => state.pane = Pane::Alerts,
        _ => return None,
    }
    done()
}
