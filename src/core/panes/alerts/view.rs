//! The grouped alert list. Columns are sized in display cells (`pad`/`fit`)
//! so wide characters in label values cannot shift what follows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use std::collections::HashMap;

use super::empty::{blind_lines, empty};
use super::state_cell::{state_cell, widest_owner};
use super::window;
use crate::core::row_widths::write_label_text;
use crate::core::rows::{distinct_of, listed};
use crate::core::{Health, Row, State};
use crate::draw::text::severity_tag;
use crate::draw::text::{fill_row, put_segs, seg, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::format_age;
use crate::model::{Alert, AlertState};
use crate::sanitize::{fit, pad, width};

/// The pane's column heading (when there is room) and the list rows.
pub fn split(body: Rect) -> (Option<Rect>, Rect) {
    if body.height >= 5 && body.width >= 40 {
        let list = Rect::new(body.x, body.y + 1, body.width, body.height - 1);
        (Some(Rect::new(body.x, body.y, body.width, 1)), list)
    } else {
        (None, body)
    }
}

/// Column widths in cells; 0 means the column is not shown. Below
/// `WIDE` columns, labels and summary share one column (labels first), so
/// an 80-column terminal does not spend its width on two truncated columns.
struct Cols {
    name: usize,
    labels: usize,
    summary: usize,
    age: usize,
    state: usize,
}

/// Cursor gutter + group indent + severity tag + space.
const LEAD: usize = 1 + 2 + 4 + 1;
const WIDE: usize = 120;
/// Marks a row whose sources are not answering, in words (no color needed).
const STALE: &str = "STALE ";
/// Marks a row gone with a restarted source (its state cell may say
/// PAGE FAILED instead of `unknown`).
const UNKNOWN: &str = "UNKNOWN ";
/// Marks an alert that appeared since the list was last looked at.
const NEW: &str = "new ";

/// `ack_w`: the widest owner cell (`acked NAME 12m INC-…`) a row may
/// need, so who owns an alert shows wherever a fifth (wide: a quarter) of
/// the width holds it.
fn columns(w: usize, show_name: bool, max: (usize, usize, usize), ack_w: usize) -> Cols {
    let (max_name, max_labels, max_summary) = max;
    let age = if w >= 24 { 4 } else { 0 };
    let state = match w {
        w if w >= 150 => 24.max(ack_w.min(w / 4)),
        w if w >= 56 => 9.max(ack_w.min(w / 5)),
        _ => 0,
    };
    let mut rest = w
        .saturating_sub(LEAD + (age + 1) * (age > 0) as usize + (state + 1) * (state > 0) as usize);
    let name = if show_name {
        max_name.min((rest / 3).max(12)).min(rest)
    } else {
        0
    };
    rest = rest.saturating_sub(if name > 0 { name + 1 } else { 0 });
    let mut labels = if w >= WIDE && max_labels > 0 {
        max_labels.min(rest * 2 / 5).max(8)
    } else {
        0
    };
    rest = rest.saturating_sub(if labels > 0 { labels + 1 } else { 0 });
    // On wide screens age and state stay next to the text, not at the far edge.
    let summary = if labels > 0 {
        rest.min(max_summary.max(20))
    } else {
        rest
    };
    if labels > 0 {
        // Room the summaries do not need goes to labels that were cut.
        labels += (rest - summary).min(max_labels.saturating_sub(labels));
    }
    Cols {
        name,
        labels,
        summary,
        age,
        state,
    }
}

fn label_text(alert: &Alert, names: &[String], common: &[(String, String)]) -> String {
    let mut out = String::new();
    write_label_text(&mut out, alert, names, common);
    out
}

/// An alert row; `title` is the group's name on a group-of-one row.
fn alert_segs(
    state: &State,
    theme: &Theme,
    alert: &Alert,
    title: Option<&str>,
    labels: &str,
    c: &Cols,
    paged: &HashMap<String, (usize, String, bool)>,
) -> Vec<Seg> {
    let suppressed = alert.state == AlertState::Suppressed;
    let unknown = alert.state == AlertState::Unknown;
    let text = if suppressed {
        theme.silenced
    } else if unknown {
        theme.stale
    } else {
        theme.text
    };
    let sev = alert.severity();
    let sev_style = if unknown {
        theme.stale
    } else {
        theme.severity(sev)
    };
    let mut segs = vec![
        seg("   ", text),
        seg(pad(severity_tag(sev), 4), sev_style),
        seg(" ", text),
    ];
    if c.name > 0 {
        segs.push(seg(
            pad(alert.alertname(), c.name),
            text.add_modifier(Modifier::BOLD),
        ));
        segs.push(seg(" ", text));
    }
    // A stale alert is marked in words, so it reads the same without color;
    // the marker takes its room from the labels (or, without them, the summary).
    let stale = state.is_stale(alert);
    let mark = if unknown {
        Some(UNKNOWN)
    } else if stale {
        Some(STALE)
    } else {
        super::is_new(state, alert).then_some(NEW)
    };
    let marker = mark.map_or(0, str::len);
    let (mut labels_w, mut summary_w) = (c.labels, c.summary);
    if c.labels > 0 {
        labels_w = labels_w.saturating_sub(marker);
    } else {
        summary_w = summary_w.saturating_sub(marker);
    }
    if let Some(m) = mark {
        let style = if m == NEW {
            theme.key.add_modifier(Modifier::BOLD)
        } else {
            theme.stale
        };
        segs.push(seg(m, style));
    }
    if let Some(title) = title {
        // The title takes its room from the labels (or the shared column).
        // In the wide layout the labels column was sized to hold titles too.
        let wide = c.labels > 0;
        let room = if wide { &mut labels_w } else { &mut summary_w };
        let t = fit(
            title,
            if wide {
                room.saturating_sub(2)
            } else {
                *room / 2
            }
            .max(1),
        );
        let tw = width(&t);
        let used = (tw + 2).min(*room);
        *room -= used;
        segs.push(seg(t, text.add_modifier(Modifier::BOLD)));
        segs.push(seg(" ".repeat(used - tw.min(used)), text));
    }
    if c.labels > 0 {
        segs.push(seg(pad(labels, labels_w), theme.dim));
        segs.push(seg(" ", text));
        segs.push(seg(pad(alert.summary(), summary_w), text));
    } else {
        // Narrow: one column, the distinguishing labels then the summary;
        // the labels leave the summary at least part of the room.
        // A group-of-one row already spent room on its title: the summary,
        // which says what is broken, keeps most of the rest.
        let share = if title.is_some() { 7 } else { 11 };
        let lw = width(labels).min(if summary_w >= 20 {
            summary_w * share / 20
        } else {
            summary_w
        });
        let lead = if lw > 0 {
            fit(labels, lw)
        } else {
            String::new()
        };
        let lead_w = width(&lead);
        let gap = if lead_w > 0 && lead_w + 2 < summary_w {
            2
        } else {
            0
        };
        segs.push(seg(lead, theme.dim));
        segs.push(seg(" ".repeat(gap), text));
        segs.push(seg(
            pad(alert.summary(), summary_w.saturating_sub(lead_w + gap)),
            text,
        ));
    }
    if c.age > 0 {
        let age = format_age((state.now - alert.starts_at).num_seconds());
        segs.push(seg(format!(" {age:>4}"), theme.dim));
    }
    if c.state > 0 {
        segs.push(seg(" ", text));
        segs.extend(state_cell(state, theme, alert, c.state, paged));
    }
    segs
}

fn group_segs(row: &Row, state: &State, theme: &Theme, w: usize) -> Vec<Seg> {
    let Row::Group {
        key,
        count,
        active,
        severity,
        collapsed,
        ..
    } = row
    else {
        return vec![];
    };
    let fold = if *collapsed { " ▸ " } else { " ▾ " };
    let name = if key.is_empty() {
        format!("(no {})", state.group_by)
    } else {
        key.clone()
    };
    let noun = if *count == 1 { "alert" } else { "alerts" };
    let tally = if w >= 50 {
        format!("  {count} {noun} · {active} firing")
    } else {
        format!(" ({count})")
    };
    let fresh = state.triage.new_in.get(key).copied().unwrap_or(0);
    let fresh = if fresh > 0 && *collapsed {
        format!(" · {fresh} new")
    } else {
        String::new()
    };
    let name_w = w
        .saturating_sub(LEAD + width(&tally) + width(&fresh))
        .max(1);
    vec![
        seg(fold, theme.title),
        seg(pad(severity_tag(*severity), 4), theme.severity(*severity)),
        seg(" ", theme.text),
        seg(fit(&name, name_w), theme.text.add_modifier(Modifier::BOLD)),
        seg(tally, theme.dim),
        seg(fresh, theme.key.add_modifier(Modifier::BOLD)),
    ]
}

fn heading(c: &Cols, theme: &Theme) -> Vec<Seg> {
    let mut s = String::from("   SEV  ");
    if c.name > 0 {
        s += &pad("ALERTNAME", c.name + 1);
    }
    if c.labels > 0 {
        s += &pad("LABELS", c.labels + 1);
        s += &pad("SUMMARY", c.summary);
    } else {
        s += &pad("LABELS · SUMMARY", c.summary);
    }
    if c.age > 0 {
        s += "  AGE";
    }
    if c.state > 0 {
        s += " STATE";
    }
    vec![seg(s, theme.dim.add_modifier(Modifier::BOLD))]
}

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    if state.rows.is_empty() {
        return empty(state, theme, area, buf);
    }
    let blind = blind_lines(state, theme);
    let area = if !blind.is_empty() && area.height as usize > blind.len() + 4 {
        for (k, (text, style)) in blind.iter().enumerate() {
            let text = crate::sanitize::fit_middle(text, (area.width as usize).saturating_sub(2));
            put_segs(
                buf,
                area,
                area.y + k as u16,
                &[seg(format!(" {text}"), *style)],
            );
        }
        let used = blind.len() as u16;
        Rect::new(area.x, area.y + used, area.width, area.height - used)
    } else {
        area
    };
    let (head, list) = split(area);
    let w = area.width as usize;
    let show_name = state.group_by != "alertname";
    // Measured over every row once per rebuild (`core::row_widths::measure`), so
    // columns do not jump while scrolling and a frame costs only its rows.
    // The STALE marker takes its room from the labels column: while any
    // source is not answering, the column keeps room for it.
    let m = &state.row_widths;
    let any_stale = (0..state.sources.len()).any(|i| !matches!(state.health(i), Health::Ok));
    let marker = if state.counts.unknown > 0 {
        UNKNOWN.len()
    } else if any_stale {
        STALE.len()
    } else if state.triage.new > 0 {
        NEW.len()
    } else {
        0
    };
    let paged = &state.triage.paged;
    let c = columns(
        w,
        show_name,
        (m.name, m.labels + marker, m.summary),
        widest_owner(state, paged),
    );
    if let Some(h) = head {
        put_segs(buf, h, h.y, &heading(&c, theme));
    }
    let cursor = state.cursor.min(state.rows.len() - 1);
    // Stateless scrolling: the cursor row is always on screen; rows cut
    // off above and below are counted on lines of their own.
    let win = window(cursor, state.rows.len(), list.height as usize);
    let more = theme.dim.add_modifier(Modifier::BOLD);
    if win.top_line {
        let text = format!("   ↑ {} more", win.above);
        put_segs(buf, list, list.y, &[seg(text, more)]);
    }
    if win.bottom_line && win.below > 0 {
        let text = format!("   ↓ {} more", win.below);
        put_segs(buf, list, list.bottom() - 1, &[seg(text, more)]);
    }
    let first_y = list.y + u16::from(win.top_line);
    let offset = win.offset;
    for (i, row) in state.rows.iter().enumerate().skip(offset).take(win.shown) {
        let y = first_y + (i - offset) as u16;
        let labels = |a| label_text(a, distinct_of(&state.rows, i), &m.common);
        let mut segs = match (row, listed(&state.alerts, row)) {
            (Row::Group { key, .. }, Some(a)) => {
                alert_segs(state, theme, a, Some(key), &labels(a), &c, paged)
            }
            (_, Some(a)) => alert_segs(state, theme, a, None, &labels(a), &c, paged),
            (_, None) => group_segs(row, state, theme, w),
        };
        // The cursor is also marked in text, for screens without color.
        match segs.first_mut() {
            Some((first, _)) if i == cursor && first.starts_with(' ') => {
                first.replace_range(0..1, "›")
            }
            _ => {}
        }
        put_segs(buf, list, y, &segs);
        if i == cursor {
            fill_row(buf, list, y, theme.selected);
        }
    }
}
