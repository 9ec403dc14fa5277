//! The escalation pane: one row per escalating group, the soonest next
//! escalation first, with its level, targets (schedules resolved to who is
//! on call), a live countdown, and who holds it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::core::escalations::{escalation_rows, targets_now, EscalationRow};
use crate::core::keymap::Keymap;
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, title_row};
use crate::draw::theme::Theme;
use crate::sanitize::{fit, pad};

/// `mm:ss`, or `h:mm:ss` past an hour.
pub fn countdown(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// What the row says about where the group stands (also on the wall board).
pub fn standing_text(state: &State, r: &EscalationRow) -> (String, String) {
    let policy = state.policies.iter().find(|p| p.name == r.policy);
    let level = r.standing.reached.last().map_or_else(
        || "not yet paged".to_string(),
        |d| {
            let targets = policy
                .and_then(|p| p.levels.get(d.level))
                .map(|l| targets_now(state, &l.targets))
                .unwrap_or_default();
            format!("L{} {targets}", d.level + 1)
        },
    );
    let next = match (&r.standing.held_by, r.standing.next) {
        (Some(s), _) => {
            let left = crate::model::duration::format_age((s.ends_at - state.now).num_seconds());
            let what = if s.is_ack(&state.ack_prefix) {
                "acked"
            } else {
                "silenced"
            };
            format!("held: {what} by {}, {left} left", s.created_by)
        }
        (None, Some((pass, level, left))) => {
            let targets = policy
                .and_then(|p| p.levels.get(level))
                .map(|l| targets_now(state, &l.targets))
                .unwrap_or_default();
            let again = if pass > 0 {
                format!(" (repeat {pass})")
            } else {
                String::new()
            };
            format!(
                "L{} in {}{again} → {targets}",
                level + 1,
                countdown(left.num_seconds())
            )
        }
        (None, None) => "last level reached".to_string(),
    };
    // The history, when the row has room for it: when this console paged
    // each level, or (paged elsewhere, or not at all: a wall never pages)
    // when it fell due.
    let (mut paged, mut due) = (Vec::new(), Vec::new());
    for d in &r.standing.reached {
        let key = d.key(&r.policy, &r.group, r.standing.started);
        match state.paged_at.get(&key) {
            Some(at) => paged.push(format!("L{} {}", d.level + 1, at.format("%H:%M"))),
            None => due.push(format!("L{} {}", d.level + 1, d.at.format("%H:%M"))),
        }
    }
    let mut next = next;
    for (what, list) in [("paged", paged), ("due", due)] {
        if !list.is_empty() {
            next = format!("{next} · {what} {}", list.join(", "));
        }
    }
    (level, next)
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
    if area.width == 0 || area.height == 0 {
        return;
    }
    let rows = escalation_rows(state);
    // Another process pages for this state dir: say who, in the title.
    let title = match &state.paging_held_by {
        Some(holder) => {
            // "oncall serve on HOST": the pid and start are for the lease.
            let who = holder.split(" (pid").next().unwrap_or(holder);
            format!(" Escalations ({}) · paged by {who}", rows.len())
        }
        None => format!(" Escalations ({})", rows.len()),
    };
    title_row(buf, area, &title, hint, theme.title, theme.dim);
    if area.height < 3 {
        return;
    }
    let w = area.width as usize;
    // NEXT (the countdown and who comes next) gets what the others leave.
    let widest_level = rows
        .iter()
        .map(|r| crate::sanitize::width(&standing_text(state, r).0) + 1)
        .max()
        .unwrap_or(8)
        .max(8);
    let (pw, gw, lw) = (
        (w / 6).min(22),
        (w / 5).min(28),
        (w / 4).min(32).min(widest_level),
    );
    put_segs(
        buf,
        area,
        area.y + 1,
        &[seg(
            format!(
                " {}{}{}NEXT",
                pad("POLICY", pw),
                pad("GROUP", gw),
                pad("LEVEL", lw)
            ),
            theme.dim.add_modifier(Modifier::BOLD),
        )],
    );
    let list = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    if rows.is_empty() {
        let msg = if state.policies.is_empty() {
            " No escalation policies: see `escalation:` in the README."
        } else {
            " Nothing is escalating."
        };
        put_segs(buf, list, list.y, &[seg(msg, theme.dim)]);
        return;
    }
    let cursor = state.escalation_cursor.min(rows.len() - 1);
    let h = list.height as usize;
    let first = cursor.saturating_sub(h.saturating_sub(1));
    for (k, r) in rows.iter().enumerate().skip(first).take(h) {
        let y = list.y + (k - first) as u16;
        let (level, mut next) = standing_text(state, r);
        // A page no notifier delivered says so, loudly, until one does.
        let failed = state.failed_page_for(&r.policy, &r.group);
        if let Some(f) = failed {
            next = f.words(state.now);
        }
        let group = if r.alerts > 1 {
            format!("{} ({})", r.group, r.alerts)
        } else {
            r.group.clone()
        };
        let next_style = match (&r.standing.held_by, r.standing.next) {
            _ if failed.is_some() => theme.error_text.add_modifier(Modifier::BOLD),
            (Some(_), _) => theme.silenced,
            (None, Some(_)) => theme.warning,
            (None, None) => theme.critical,
        };
        let rest = w.saturating_sub(1 + pw + gw + lw);
        put_segs(
            buf,
            list,
            y,
            &[
                seg(if k == cursor { "›" } else { " " }, theme.text),
                // One blank column between cells, also when one is cut.
                seg(pad(&r.policy, pw.saturating_sub(1)) + " ", theme.dim),
                seg(pad(&group, gw.saturating_sub(1)) + " ", theme.text),
                seg(pad(&level, lw.saturating_sub(1)) + " ", theme.text),
                seg(fit(&next, rest), next_style),
            ],
        );
        if k == cursor {
            fill_row(buf, list, y, theme.selected);
        }
    }
}

/// The pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
    format!("{} back", keymap.keys_for(Action::Back))
}
