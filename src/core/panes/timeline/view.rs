//! The timeline pane: an incident's header (severity, status, milestones)
//! and its events, oldest first, with UTC time, time since the incident
//! started, actor, type and text. Pinned events carry a ★.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::core::keymap::Keymap;
use crate::core::panes::incidents::view::{sev_style, status_style};
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, Seg};
use crate::draw::theme::Theme;
use crate::model::{short_duration, Event, EventKind, Incident, Milestone};
use crate::sanitize::{fit, pad};

fn milestones(inc: &Incident) -> String {
    let mut parts = Vec::new();
    for m in Milestone::ALL {
        if let Some(at) = inc.milestone(m) {
            let mark = if inc.milestone_by_hand(m) { "*" } else { "" };
            parts.push(format!("{}{mark} {}", m.word(), at.format("%H:%M")));
        }
    }
    parts.join(" · ")
}

fn kind_style(theme: &Theme, kind: EventKind) -> ratatui::style::Style {
    match kind {
        EventKind::AlertFired | EventKind::Declared => theme.critical,
        EventKind::AlertResolved => theme.ok,
        EventKind::Ack | EventKind::SilenceCreated => theme.silenced,
        EventKind::Note | EventKind::StatusUpdate => theme.title,
        EventKind::Status | EventKind::Severity | EventKind::Milestone => theme.warning,
        _ => theme.dim,
    }
}

fn row(inc: &Incident, e: &Event, theme: &Theme, w: usize, wide: bool) -> Vec<Seg> {
    let pin = if inc.is_pinned(e) { "★" } else { " " };
    let since = e.time - inc.started();
    let since = if since.num_seconds() < 0 {
        format!("-{}", short_duration(-since))
    } else {
        format!("+{}", short_duration(since))
    };
    let mut segs = vec![
        seg(pin, theme.warning),
        seg(e.time.format("%H:%M:%S ").to_string(), theme.dim),
        seg(pad(&since, 8), theme.dim),
    ];
    let mut used = 1 + 9 + 8;
    if wide {
        segs.push(seg(pad(&e.actor, 13), theme.text));
        used += 13;
    }
    segs.push(seg(pad(e.kind.word(), 11), kind_style(theme, e.kind)));
    used += 11;
    let text = match e.data.status {
        // A resolution's text is the resolution itself.
        Some(crate::model::Status::Resolved) if e.kind == EventKind::Status => {
            format!("→ resolved: {}", e.text)
        }
        _ => e.text.clone(),
    };
    segs.push(seg(fit(&text, w.saturating_sub(used)), theme.text));
    segs
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
    if area.width == 0 || area.height == 0 {
        return;
    }
    let w = area.width as usize;
    let Some(inc) = state.timeline_incident() else {
        put_segs(
            buf,
            area,
            area.y,
            &[seg(" No incident selected (I lists them).", theme.dim)],
        );
        return;
    };
    put_segs(
        buf,
        area,
        area.y,
        &[
            seg(format!(" {} ", inc.id), theme.title),
            seg(format!("{} ", inc.severity), sev_style(theme, inc.severity)),
            seg(format!("{} ", inc.status), status_style(theme, inc.status)),
            seg(
                fit(&inc.title, w.saturating_sub(inc.id.len() + 22)),
                theme.text.add_modifier(Modifier::BOLD),
            ),
        ],
    );
    if area.height < 4 {
        return;
    }
    let running = short_duration(state.now - inc.started());
    put_segs(
        buf,
        area,
        area.y + 1,
        &[seg(
            fit(&format!(" {running} since start · {}", milestones(inc)), w),
            theme.dim,
        )],
    );
    let rows = state.timeline_rows();
    let filter = if state.timeline_filter.is_empty() {
        String::new()
    } else {
        let words: Vec<&str> = state.timeline_filter.iter().map(|k| k.word()).collect();
        format!(" showing {} (Esc: all)", words.join(" "))
    };
    put_segs(
        buf,
        area,
        area.y + 2,
        &[
            seg(
                format!(
                    " {} event{}{filter}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                ),
                theme.dim.add_modifier(Modifier::BOLD),
            ),
            seg(
                fit(&format!("  {hint}"), w.saturating_sub(20 + filter.len())),
                theme.dim,
            ),
        ],
    );
    let mut list = Rect::new(area.x, area.y + 3, area.width, area.height - 3);
    if rows.is_empty() {
        put_segs(
            buf,
            list,
            list.y,
            &[seg(" No events of these types.", theme.dim)],
        );
        return;
    }
    let cursor = state.timeline_cursor.min(rows.len() - 1);
    // The selected event in full when its row cannot hold it (updates are
    // several lines).
    let selected = &inc.events[rows[cursor]];
    let full_text = event_in_full(selected);
    let full = crate::draw::text::wrap_lines(&full_text, w.saturating_sub(4));
    if (full.len() > 1 || full_text.contains('\n')) && list.height >= 8 {
        let n = (full.len() as u16).min(list.height / 2 - 1);
        let top = list.bottom() - n - 1;
        put_segs(
            buf,
            list,
            top,
            &[seg(
                format!(" ── {} by {} ", selected.kind.word(), selected.actor),
                theme.dim,
            )],
        );
        for (k, l) in full.iter().take(n as usize).enumerate() {
            put_segs(
                buf,
                list,
                top + 1 + k as u16,
                &[seg(format!("   {l}"), theme.text)],
            );
        }
        list.height -= n + 1;
    }
    let h = list.height as usize;
    let first = cursor.saturating_sub(h.saturating_sub(1));
    let wide = w >= 90;
    for (k, &i) in rows.iter().enumerate().skip(first).take(h) {
        let y = list.y + (k - first) as u16;
        put_segs(buf, list, y, &row(inc, &inc.events[i], theme, w, wide));
        if k == cursor {
            fill_row(buf, list, y, theme.selected);
        }
    }
}

/// What the selected event shows below the list: a runbook step also shows
/// its command and the output kept in the journal.
fn event_in_full(e: &crate::model::Event) -> String {
    let mut text = e.text.clone();
    if e.kind != crate::model::EventKind::RunbookStep {
        return text;
    }
    if let Some(c) = e
        .data
        .command
        .as_deref()
        .filter(|_| e.data.output.is_some())
    {
        text.push_str(&format!("\n$ {c}"));
    }
    if let Some(o) = &e.data.output {
        text.push('\n');
        text.push_str(o);
    }
    text
}

/// The pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
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
