//! The incidents pane: every incident of the journal, open ones first,
//! with severity, status, age and how many linked alerts still fire.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::core::keymap::Keymap;
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, title_row};
use crate::draw::theme::Theme;
use crate::model::{short_duration, Incident, Sev, Status};
use crate::sanitize::{fit, pad};

pub fn sev_style(theme: &Theme, sev: Sev) -> Style {
    match sev {
        Sev::Sev1 | Sev::Sev2 => theme.critical.add_modifier(Modifier::BOLD),
        Sev::Sev3 => theme.warning,
        Sev::Sev4 => theme.info,
    }
}

pub fn status_style(theme: &Theme, status: Status) -> Style {
    match status {
        Status::Open => theme.critical,
        Status::Resolved => theme.ok,
        Status::Monitoring => theme.info,
        _ => theme.warning,
    }
}

fn firing(inc: &Incident) -> usize {
    inc.alerts
        .iter()
        .filter(|(fp, _)| inc.alert_firing(fp))
        .count()
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
    if area.width == 0 || area.height == 0 {
        return;
    }
    let w = area.width as usize;
    let open = state.incidents.iter().filter(|i| i.is_open()).count();
    let title = format!(" Incidents ({open} open, {} in all)", state.incidents.len());
    title_row(buf, area, &title, hint, theme.title, theme.dim);
    if area.height < 3 {
        return;
    }
    // id 16, sev 4, status 13, age 7, alerts 7, title: the rest.
    let title_w = w.saturating_sub(1 + 17 + 5 + 14 + 8 + 8);
    put_segs(
        buf,
        area,
        area.y + 1,
        &[seg(
            format!(
                " {}{}{}{}{}TITLE",
                pad("ID", 17),
                pad("SEV", 5),
                pad("STATUS", 14),
                pad("AGE", 8),
                pad("ALERTS", 8)
            ),
            theme.dim.add_modifier(Modifier::BOLD),
        )],
    );
    let list = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    if state.incidents.is_empty() {
        let msg = match &state.journal_error {
            Some(e) => format!(" The journal cannot be read: {e}"),
            None => " No incidents yet. On an alert, i declares one.".to_string(),
        };
        put_segs(buf, list, list.y, &[seg(msg, theme.dim)]);
        return;
    }
    let h = list.height as usize;
    let cursor = state.incident_cursor.min(state.incidents.len() - 1);
    let first = cursor.saturating_sub(h.saturating_sub(1));
    for (k, inc) in state.incidents.iter().enumerate().skip(first).take(h) {
        let y = list.y + (k - first) as u16;
        let text = if inc.is_open() { theme.text } else { theme.dim };
        let age = short_duration(state.now - inc.started());
        let alerts = format!("{}/{}", firing(inc), inc.alerts.len());
        let segs = vec![
            seg(if k == cursor { "›" } else { " " }, text),
            seg(pad(&inc.id, 17), text),
            seg(
                pad(&inc.severity.to_string(), 5),
                sev_style(theme, inc.severity),
            ),
            seg(pad(inc.status.word(), 14), status_style(theme, inc.status)),
            seg(pad(&age, 8), theme.dim),
            seg(pad(&alerts, 8), text),
            seg(fit(&inc.title, title_w), text),
        ];
        put_segs(buf, list, y, &segs);
        if k == cursor {
            fill_row(buf, list, y, theme.selected);
        }
    }
}

/// The pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
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
