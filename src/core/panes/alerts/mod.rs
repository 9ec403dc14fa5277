//! The alerts list: Enter opens an alert (or folds a group), Esc clears
//! the filter, fold all / unfold all. Movement, filtering and the writes
//! are the global keys'.

mod empty;
mod state_cell;
pub mod view;

pub use crate::core::news::{is_new, window};

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
        Action::FoldAll => fold_all(state, true),
        Action::UnfoldAll => fold_all(state, false),
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
            state.detail_more = false;
            state.pane = Pane::Detail;
            state.scroll = 0;
        }
        Some(Row::Group { key, collapsed, .. }) => {
            // Large groups start folded: unfolding one is remembered apart
            // from folding one by hand.
            if collapsed {
                state.collapsed.remove(&key);
                state.triage.expanded.insert(key);
            } else {
                state.triage.expanded.remove(&key);
                state.collapsed.insert(key);
            }
            rebuild(state);
        }
        None => {}
    }
}

/// Folds (or unfolds) every group of more than one alert.
fn fold_all(state: &mut State, fold: bool) {
    let keys: Vec<String> = state
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Group {
                key, single: None, ..
            } => Some(key.clone()),
            _ => None,
        })
        .collect();
    let n = keys.len();
    if fold {
        state.triage.expanded.clear();
        state.collapsed = keys.into_iter().collect();
    } else {
        state.collapsed.clear();
        state.triage.expanded = keys.into_iter().collect();
    }
    // The cursor stays on its group's row (an alert row folded away
    // leaves it on the group).
    let group_of_cursor = crate::core::rows::group_row_of(&state.rows, state.cursor);
    if let Some(g) = group_of_cursor {
        state.cursor = g;
    }
    rebuild(state);
    let word = if fold { "folded" } else { "unfolded" };
    let s = if n == 1 { "" } else { "s" };
    state.say(StatusLevel::Info, format!("{n} group{s} {word}"));
}
