//! The grouped alert list. Columns are sized in display cells (`pad`/`fit`)
//! so wide characters in label values cannot shift what follows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::state_cell::{state_cell, widest_ack};
use crate::core::row_widths::write_label_text;
use crate::core::rows::{distinct_of, listed};
use crate::core::{Health, Row, State};
use crate::draw::text::severity_tag;
use crate::draw::text::{fill_row, put, put_segs, seg, Seg};
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

/// `ack_w`: the widest `acked NAME 12m` among the acks in force, so who
/// acked shows wherever a fifth of the width holds it.
fn columns(w: usize, show_name: bool, max: (usize, usize, usize), ack_w: usize) -> Cols {
    let (max_name, max_labels, max_summary) = max;
    let age = if w >= 24 { 4 } else { 0 };
    let state = match w {
        w if w >= 150 => 24,
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
    } else {
        stale.then_some(STALE)
    };
    let marker = mark.map_or(0, str::len);
    let (mut labels_w, mut summary_w) = (c.labels, c.summary);
    if c.labels > 0 {
        labels_w = labels_w.saturating_sub(marker);
    } else {
        summary_w = summary_w.saturating_sub(marker);
    }
    if let Some(m) = mark {
        segs.push(seg(m, theme.stale));
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
        let lw = width(labels).min(if summary_w >= 30 {
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
        let (word, style) = state_cell(state, theme, alert, c.state);
        segs.push(seg(pad(&word, c.state), style));
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
    let name_w = w.saturating_sub(LEAD + width(&tally)).max(1);
    vec![
        seg(fold, theme.title),
        seg(pad(severity_tag(*severity), 4), theme.severity(*severity)),
        seg(" ", theme.text),
        seg(fit(&name, name_w), theme.text.add_modifier(Modifier::BOLD)),
        seg(tally, theme.dim),
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
    } else {
        0
    };
    let c = columns(
        w,
        show_name,
        (m.name, m.labels + marker, m.summary),
        widest_ack(state),
    );
    if let Some(h) = head {
        put_segs(buf, h, h.y, &heading(&c, theme));
    }
    let h = list.height as usize;
    let cursor = state.cursor.min(state.rows.len() - 1);
    // Stateless scrolling: the cursor row is always on screen.
    let offset = cursor.saturating_sub(h.saturating_sub(1));
    for (i, row) in state.rows.iter().enumerate().skip(offset).take(h) {
        let y = list.y + (i - offset) as u16;
        let labels = |a| label_text(a, distinct_of(&state.rows, i), &m.common);
        let mut segs = match (row, listed(&state.alerts, row)) {
            (Row::Group { key, .. }, Some(a)) => {
                alert_segs(state, theme, a, Some(key), &labels(a), &c)
            }
            (_, Some(a)) => alert_segs(state, theme, a, None, &labels(a), &c),
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

fn lines_at(buf: &mut Buffer, area: Rect, lines: &[Seg]) {
    for (i, (text, style)) in lines.iter().enumerate() {
        let y = area.y.saturating_add(1 + i as u16);
        put(
            buf,
            area,
            area.x.saturating_add(2),
            y,
            &fit(text, (area.width as usize).saturating_sub(3)),
            *style,
        );
    }
}

/// What an empty list means, said plainly: connecting, unreachable, a
/// filter that matches nothing, or all clear (never "clear" on stale data).
fn empty(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Seg> = Vec::new();
    let answered = state.sources.iter().any(|s| s.last_ok.is_some());
    if state.sources.is_empty() {
        lines.push(seg(
            "No sources configured: use --alertmanager URL, --demo or a config file.",
            theme.warning,
        ));
    } else if !answered && state.alerts.is_empty() {
        let all_down =
            (0..state.sources.len()).all(|i| matches!(state.health(i), Health::Down { .. }));
        if all_down {
            lines.push(seg("Cannot reach any source:", theme.error_text));
        } else {
            lines.push(seg("Connecting to …", theme.text));
        }
        for (i, s) in state.sources.iter().enumerate() {
            let (what, style) = match state.health(i) {
                Health::Down { reason } => (reason, theme.down),
                _ => ("waiting for the first answer".to_string(), theme.dim),
            };
            lines.push(seg(format!("{}  {}  {what}", s.name, s.url), style));
        }
    } else if !state.alerts.is_empty() && !state.filter.is_empty() {
        lines.push(seg(
            format!("No alert matches the filter {}", state.filter.source),
            theme.warning,
        ));
        lines.push(seg(
            "A bare word matches alertname exactly, e.g. /ModelLatencyHigh",
            theme.dim,
        ));
        lines.push(seg(
            "Quote text to search labels and annotations, e.g. /\"latency\"",
            theme.dim,
        ));
        lines.push(seg("Esc clears the filter.", theme.dim));
    } else if !state.alerts.is_empty() {
        lines.push(seg(
            format!("{} suppressed alerts hidden", state.alerts.len()),
            theme.text,
        ));
        lines.push(seg(
            "z shows silenced alerts, Z shows inhibited alerts.",
            theme.dim,
        ));
    } else if let Some(bad) = uncovered_trouble(state) {
        lines.push(seg(
            "No alerts reported, but not every source is answering:",
            theme.stale,
        ));
        lines.push(seg(
            format!("{} — data may be stale.", bad.join(", ")),
            theme.stale,
        ));
    } else {
        let answering = (0..state.sources.len())
            .filter(|&i| matches!(state.health(i), Health::Ok))
            .count();
        // Never green while a source is not answering, even one its
        // cluster answers for.
        let clear = match answering == state.sources.len() {
            true => theme.ok,
            false => theme.warning,
        };
        lines.push(seg(
            "All clear: no alerts",
            clear.add_modifier(Modifier::BOLD),
        ));
        lines.push(seg(
            match state.sources.len() - answering {
                0 => format!("{answering} source(s) answering."),
                _ => format!(
                    "{answering} of {} sources answering; each cluster through one member at least.",
                    state.sources.len()
                ),
            },
            theme.dim,
        ));
    }
    lines_at(buf, area, &lines);
}

/// The sources not answering that no member of their cluster answers for.
fn uncovered_trouble(state: &State) -> Option<Vec<&str>> {
    let covered = state.covered();
    let bad: Vec<&str> = (0..state.sources.len())
        .filter(|&i| !matches!(state.health(i), Health::Ok) && !covered[i])
        .map(|i| state.sources[i].name.as_str())
        .collect();
    (!bad.is_empty()).then_some(bad)
}
