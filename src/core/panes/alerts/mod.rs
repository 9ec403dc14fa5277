//! The alerts list: Enter opens an alert (or folds a group), Esc clears
//! the filter. Movement, filtering and the writes are the global keys'.

mod state_cell;
pub mod view;

use super::done;
use crate::core::filter::Filter;
use crate::core::msg::Effect;
use crate::core::poll_landing::rebuild;
use crate::core::rows::Row;
use crate::core::state::{Pane, State, StatusLevel};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Open => open(state),
        Action::Back if !state.filter.is_empty() => {
            state.filter = Filter::default();
            state.filter_error = None;
            state.say(StatusLevel::Info, "filter cleared");
            rebuild(state);
        }
        Action::Back => {}
        _ => return None,
    }
    done()
}

fn open(state: &mut State) {
    match state.rows.get(state.cursor).cloned() {
        Some(
            Row::Alert { index }
            | Row::Group {
                single: Some(index),
                ..
            },
        ) => {
            state.detail = Some(state.alerts[index].fingerprint.to_string());
            state.pane = Pane::Detail;
            state.scroll = 0;
        }
        Some(Row::Group { key, .. }) => {
            if !state.collapsed.remove(&key) {
                state.collapsed.insert(key);
            }
            rebuild(state);
        }
        None => {}
    }
}
