//! An incident's timeline: its own cursor and filter by event kind; `r`
//! resolves the incident, Esc clears the filter or goes back.

pub mod view;

use super::{done, moved, step};
use crate::core::msg::Effect;
use crate::core::state::{InputKind, InputLine, Pane, State, StatusLevel};
use crate::core::Action;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        let len = state.timeline_rows().len();
        state.timeline_cursor = moved(state.timeline_cursor, len, delta);
        return done();
    }
    match action {
        Action::Filter => {
            let words: Vec<&str> = state.timeline_filter.iter().map(|k| k.word()).collect();
            state.input = Some(InputLine {
                kind: InputKind::TimelineFilter,
                text: words.join(" "),
            });
        }
        Action::Resolve => crate::core::incidents::start_resolve(state),
        Action::Back if !state.timeline_filter.is_empty() => {
            state.timeline_filter.clear();
            state.say(StatusLevel::Info, "timeline filter cleared");
        }
        Action::Back => state.pane = Pane::Incidents,
        _ => return None,
    }
    done()
}
