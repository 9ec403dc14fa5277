//! The silences pane: its own cursor and filter; `x` extends the selected
//! silence, `S` or Esc go back to the alerts.

pub mod view;

use super::{done, moved, step};
use crate::core::msg::Effect;
use crate::core::silences::rebuild_silence_rows;
use crate::core::state::{InputKind, InputLine, Pane, State, StatusLevel};
use crate::core::Action;
use crate::model::SilenceState;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if let Some(delta) = step(action, state.page_rows) {
        state.silence_cursor = moved(state.silence_cursor, state.silence_rows.len(), delta);
        return done();
    }
    match action {
        Action::Filter => {
            state.input = Some(InputLine {
                kind: InputKind::SilenceFilter,
                text: state.silence_filter.clone(),
            });
        }
        Action::Back if !state.silence_filter.is_empty() => {
            state.silence_filter.clear();
            state.say(StatusLevel::Info, "filter cleared");
            rebuild_silence_rows(state);
        }
        Action::Back | Action::Silences => state.pane = Pane::Alerts,
        Action::Extend => extend(state),
        _ => return None,
    }
    done()
}

fn extend(state: &mut State) {
    let Some(s) = state.selected_silence() else {
        state.say(StatusLevel::Info, "no silence selected");
        return;
    };
    if s.state_at(state.now) == SilenceState::Expired {
        // Reviving a silence someone ended on purpose must be a choice.
        state.say(
            StatusLevel::Info,
            "that silence has ended; Enter makes a new one from it",
        );
        return;
    }
    state.filter_error = None;
    state.input = Some(InputLine {
        kind: InputKind::Extend,
        text: "1h".into(),
    });
}
