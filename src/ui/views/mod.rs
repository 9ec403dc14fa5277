//! One view function per pane, `fn(&State, &Theme, Rect, &mut Buffer)`, and
//! `draw`, which lays them out. Views only read the state.
//!
//! Layout: header (2 rows from 16 rows of height, else 1), body, status bar
//! (2 rows from 16 rows, else 1). Below 3 rows only the body is drawn.

pub mod confirm;
pub mod header;
pub mod status;

use ratatui::layout::Rect;
use ratatui::Frame;

use crate::core::keymap::Keymap;
use crate::core::{Action, Pane, State};
use crate::draw::theme::Theme;

/// Terminal height from which header and status bar get two rows each.
const TALL: u16 = 16;

/// Where each part of the screen goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let (top, bottom) = match area.height {
        h if h >= TALL => (2, 2),
        h if h >= 3 => (1, 1),
        _ => (0, 0),
    };
    let body_h = area.height.saturating_sub(top + bottom);
    Areas {
        header: Rect::new(area.x, area.y, area.width, top),
        body: Rect::new(area.x, area.y.saturating_add(top), area.width, body_h),
        status: Rect::new(
            area.x,
            area.y.saturating_add(top + body_h),
            area.width,
            bottom,
        ),
    }
}

/// How many list rows the alerts pane shows on a terminal of this size
/// (sent to `update` as `Msg::Resized` for paging).
pub fn list_rows(area: Rect) -> usize {
    crate::core::panes::alerts::view::split(areas(area).body)
        .1
        .height as usize
}

/// How far the detail or help view can scroll on a terminal of this size,
/// so `update` can clamp (`Msg::ScrollLimit`).
pub fn scroll_limit(state: &State, theme: &Theme, keymap: &Keymap, area: Rect) -> u16 {
    let body = areas(area).body;
    let lines = match state.pane {
        Pane::Alerts
        | Pane::Silences
        | Pane::Incidents
        | Pane::Timeline
        | Pane::Runbook
        | Pane::Escalations
        | Pane::Slos => return 0,
        Pane::Detail => crate::core::panes::detail::view::doc(state, theme, body.width)
            .lines
            .len(),
        Pane::Help => crate::core::panes::help::view::doc(state, theme, keymap, body.width)
            .lines
            .len(),
        Pane::Messages => crate::core::panes::messages::view::doc(state, theme, body.width)
            .lines
            .len(),
    };
    lines
        .saturating_sub(body.height as usize)
        .min(u16::MAX as usize) as u16
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, keymap: &Keymap) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    buf.set_style(area, theme.text);
    if state.wall.is_some() {
        let keys = crate::core::panes::wall::side::WallKeys::of(keymap);
        crate::core::panes::wall::view::render(state, theme, &keys, area, buf);
        return;
    }
    let a = areas(area);
    header::render(state, theme, a.header, buf);
    // The help hint is drawn here because only `draw` knows the key map.
    if a.header.height >= 2 {
        let keys = keymap.keys_for(Action::Help);
        if !keys.is_empty() {
            let row = Rect::new(a.header.x, a.header.y + 1, a.header.width, 1);
            let hint = format!("{keys} help ");
            if (row.width as usize) >= header::context_width(state, theme) + hint.len() + 2 {
                crate::draw::text::put_right(buf, row, row.y, &hint, theme.dim.patch(theme.header));
            }
        }
    }
    crate::core::panes::render(state, theme, keymap, a.body, buf);
    if state.form.is_some() {
        crate::core::panes::silence_form::view::render(state, theme, a.body, buf);
    }
    if state.iform.is_some() {
        crate::core::panes::incident_form::view::render(state, theme, a.body, buf);
    }
    status::render(state, theme, a.status, buf);
    confirm::render(state, theme, area, buf);
}
