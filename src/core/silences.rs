//! The silences pane's list: active first (ending soonest first), then
//! pending, then those that ended in the last day (latest first), filtered
//! by free text over matchers, author, comment and id.

use chrono::{DateTime, Utc};

use super::state::State;
use crate::model::{Silence, SilenceState};

/// Expired silences older than this are not listed.
const RECENT_SECS: i64 = 24 * 3600;

fn rank(s: &Silence, now: DateTime<Utc>) -> (u8, i64) {
    match s.state_at(now) {
        SilenceState::Active => (0, s.ends_at.timestamp()),
        SilenceState::Pending => (1, s.starts_at.timestamp()),
        SilenceState::Expired => (2, -s.ends_at.timestamp()),
    }
}

pub fn matches_text(s: &Silence, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let needle = needle.to_lowercase();
    let hit = |t: &str| t.to_lowercase().contains(&needle);
    hit(&s.id)
        || hit(&s.created_by)
        || hit(&s.comment)
        || s.matchers.iter().any(|m| hit(&m.to_string()))
}

/// Recomputes the pane's rows, keeping the cursor on the same silence.
pub fn rebuild_silence_rows(state: &mut State) {
    let before = state.selected_silence().map(|s| s.id.clone());
    rebuild_silence_rows_keeping(state, before);
}

/// Same, with the selected silence's id taken before `silences` changed.
pub fn rebuild_silence_rows_keeping(state: &mut State, before: Option<String>) {
    let now = state.now;
    let mut rows: Vec<usize> = (0..state.silences.len())
        .filter(|&i| {
            let s = &state.silences[i];
            (s.state_at(now) != SilenceState::Expired
                || (now - s.ends_at).num_seconds() < RECENT_SECS)
                && matches_text(s, &state.silence_filter)
        })
        .collect();
    rows.sort_by_key(|&i| (rank(&state.silences[i], now), state.silences[i].id.clone()));
    state.silence_rows = rows;
    if let Some(id) = before {
        if let Some(pos) = state
            .silence_rows
            .iter()
            .position(|&i| state.silences[i].id == id)
        {
            state.silence_cursor = pos;
        }
    }
    state.silence_cursor = state
        .silence_cursor
        .min(state.silence_rows.len().saturating_sub(1));
}

impl State {
    /// The silences pane's selected silence.
    pub fn selected_silence(&self) -> Option<&crate::model::Silence> {
        let i = *self.silence_rows.get(self.silence_cursor)?;
        self.silences.get(i)
    }
}
