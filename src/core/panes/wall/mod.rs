//! Wall mode (`oncall wall`): the status board's own state, the few keys it
//! answers (quit, help, pages), its page rotation, and what of the clock it
//! shows, so the event loop redraws only when the picture changes.

pub mod banner;
pub mod board;
pub mod digits;
pub mod side;
mod state;
pub mod view;

use crate::core::msg::Effect;
use crate::core::state::{Pane, State};
use crate::core::Action;
use board::{board_groups, source_troubles};

pub use crate::config::settings::WallSettings;
pub use state::WallState;

/// Puts the state into wall mode: read-only by construction, so every
/// mutating action meets the one refusal in `act`.
pub fn enter(state: &mut State, settings: &WallSettings) {
    state.read_only = true;
    if let Some(limit) = settings.stale_after {
        state.stale_after = limit;
    }
    state.wall = Some(WallState::new(settings, state.now));
}

/// What a key does on the wall. Mutating actions never get here (refused
/// before); everything but quit, help and page switching does nothing.
pub fn act(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help if state.pane == Pane::Help => state.pane = Pane::Alerts,
        Action::Help => state.pane = Pane::Help,
        Action::Back if state.pane == Pane::Help => state.pane = Pane::Alerts,
        Action::PageDown | Action::Down | Action::NextPane => turn(state, Turn::By(1)),
        Action::PageUp | Action::Up => turn(state, Turn::By(-1)),
        Action::Top => turn(state, Turn::First),
        Action::Bottom => turn(state, Turn::Last),
        _ => {}
    }
    vec![]
}

enum Turn {
    By(isize),
    First,
    Last,
}

/// Pages by hand; the rotation then waits a whole interval again.
fn turn(state: &mut State, to: Turn) {
    let now = state.now;
    let Some(w) = state.wall.as_mut() else { return };
    let pages = w.pages.max(1);
    w.page = match to {
        // One step wraps around, as the rotation does.
        Turn::By(d) => (w.page as isize + d).rem_euclid(pages as isize) as usize,
        Turn::First => 0,
        Turn::Last => pages - 1,
    };
    w.page_since = now;
}

/// The clock moved: rotate to the next page when its time is up.
pub fn tick(state: &mut State) {
    let now = state.now;
    let Some(w) = state.wall.as_mut() else { return };
    let every = chrono::Duration::from_std(w.page_interval).unwrap_or(chrono::Duration::MAX);
    if w.pages > 1 && now - w.page_since >= every {
        w.page = (w.page + 1) % w.pages;
        w.page_since = now;
    }
}

/// The data or the size changed: how many pages the groups take now.
pub fn repaginate(state: &mut State) {
    if state.wall.is_none() {
        return;
    }
    let per_page = state.page_rows.max(1);
    let groups = board_groups(state).len();
    let pages = groups.div_ceil(per_page).max(1);
    if let Some(w) = state.wall.as_mut() {
        w.pages = pages;
        w.page = w.page.min(pages - 1);
    }
}

/// Everything time changes on the board, at the resolution the board shows
/// it: equal keys draw the same picture, so a tick that leaves the key alone
/// needs no redraw. Ages and durations show minutes; escalation countdowns
/// and the banner of a failing source count seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameKey {
    bucket: i64,
    page: usize,
    status: bool,
    /// Per failing source: which, how (connecting, down, stale), past the limit.
    troubles: Vec<(usize, u8, bool)>,
}

pub fn frame_key(state: &State) -> FrameKey {
    let troubles = source_troubles(state)
        .iter()
        .map(|t| (t.source, t.kind as u8, t.over_limit))
        .collect::<Vec<_>>();
    let counting_down = !state.policies.is_empty()
        && crate::core::escalations::escalation_rows(state)
            .iter()
            .any(|r| r.standing.held_by.is_none() && r.standing.next.is_some());
    let per = if counting_down || !troubles.is_empty() {
        1
    } else {
        60
    };
    FrameKey {
        bucket: state.now.timestamp().div_euclid(per),
        page: state.wall.as_ref().map_or(0, |w| w.page),
        status: state.status.is_some(),
        troubles,
    }
}
