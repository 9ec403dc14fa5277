//! One view function per pane, `fn(&State, &Theme, Rect, &mut Buffer)`, and
//! `draw`, which lays them out. Views only read the state.
//!
//! Layout: header (2 rows from 16 rows of height, else 1), body, status bar
//! (2 rows from 16 rows, else 1). Below 3 rows only the body is drawn.

pub mod alerts;
pub mod confirm;
pub mod context;
pub mod detail;
pub mod escalations;
pub mod header;
pub mod help;
pub mod incident_form;
pub mod incidents;
pub mod runbook;
pub mod silence_form;
pub mod silences;
pub mod slos;
pub mod status;
pub mod text;
pub mod timeline;
pub mod wall;
pub mod wall_banner;
pub mod wall_digits;
pub mod wall_side;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::keymap::Keymap;
use super::theme::Theme;
use crate::core::{Action, Pane, State};

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
    alerts::split(areas(area).body).1.height as usize
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
        Pane::Detail => detail::doc(state, theme, body.width).lines.len(),
        Pane::Help => help::doc(state, theme, keymap, body.width).lines.len(),
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
        wall::render(state, theme, &wall_keys(keymap), area, buf);
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
                text::put_right(buf, row, row.y, &hint, theme.dim.patch(theme.header));
            }
        }
    }
    match state.pane {
        Pane::Alerts => alerts::render(state, theme, a.body, buf),
        Pane::Detail => detail::render(state, theme, a.body, buf),
        Pane::Help => help::render(state, theme, keymap, a.body, buf),
        Pane::Silences => silences::render(state, theme, &silences_hint(keymap), a.body, buf),
        Pane::Incidents => incidents::render(state, theme, &incidents_hint(keymap), a.body, buf),
        Pane::Timeline => timeline::render(state, theme, &timeline_hint(keymap), a.body, buf),
        Pane::Runbook => runbook::render(state, theme, &runbook_hint(keymap), a.body, buf),
        Pane::Escalations => {
            let hint = format!("{} back", keymap.keys_for(Action::Back));
            escalations::render(state, theme, &hint, a.body, buf)
        }
        Pane::Slos => {
            let k = |a| keymap.keys_for(a);
            let hint = format!("{} move · {} back", k(Action::Down), k(Action::Back));
            slos::render(state, theme, &hint, a.body, buf)
        }
    }
    if state.form.is_some() {
        silence_form::render(state, theme, a.body, buf);
    }
    if state.iform.is_some() {
        incident_form::render(state, theme, a.body, buf);
    }
    status::render(state, theme, a.status, buf);
    confirm::render(state, theme, area, buf);
}

fn wall_keys(keymap: &Keymap) -> wall_side::WallKeys {
    let k = |a| keymap.keys_for(a);
    wall_side::WallKeys {
        quit: k(Action::Quit),
        help: k(Action::Help),
        next: format!("{} {}", k(Action::PageDown), k(Action::Down)),
        previous: format!("{} {}", k(Action::PageUp), k(Action::Up)),
    }
}

/// The silences pane's keys, from the key map in force.
fn silences_hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} expire · {} extend · {} edit · {} filter · {} back",
        k(Action::Expire),
        k(Action::Extend),
        k(Action::Open),
        k(Action::Filter),
        k(Action::Back)
    )
}

fn incidents_hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} timeline · {} note · {} update · {} resolve · {} postmortem · {} back",
        k(Action::Open),
        k(Action::Note),
        k(Action::StatusUpdate),
        k(Action::Resolve),
        k(Action::Postmortem),
        k(Action::Back)
    )
}

fn runbook_hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} run · {} done · {} failed · {} skip · 1-9 choose · {} stop · {} back",
        k(Action::Open),
        k(Action::StepDone),
        k(Action::StepFailed),
        k(Action::StepSkip),
        k(Action::StopStep),
        k(Action::Back)
    )
}

fn timeline_hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} note · {} pin · {} update · {} types · :status · {} resolve · {} postmortem",
        k(Action::Note),
        k(Action::Pin),
        k(Action::StatusUpdate),
        k(Action::Filter),
        k(Action::Resolve),
        k(Action::Postmortem)
    )
}
