//! The bottom bar: each source's health (never hidden: stale data must be
//! visible), then the status message or the open input line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::core::{Health, InputKind, State, StatusLevel};
use crate::draw::text::{fill_row, put_segs, seg, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::format_age;
use crate::sanitize::{fit, fit_middle, width};

/// Each source as (name, short word, full text, style).
fn source_items(state: &State, theme: &Theme) -> Vec<(String, &'static str, String, Style)> {
    let age = |t: chrono::DateTime<chrono::Utc>| format_age((state.now - t).num_seconds());
    state
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (short, full, style) = match state.health(i) {
                Health::Connecting => ("conn…", "connecting…".to_string(), theme.dim),
                Health::Ok => (
                    "ok",
                    format!("ok {}", s.last_ok.map(age).unwrap_or_default()),
                    theme.ok,
                ),
                Health::Stale { since, reason } => (
                    "stale",
                    format!("stale {}: {reason}", age(since)),
                    theme.stale,
                ),
                Health::Down { reason } => ("down", format!("down: {reason}"), theme.down),
            };
            (s.name.clone(), short, full, style)
        })
        .collect()
}

/// The sources line. When it does not fit, healthy sources shrink to
/// "ok" first, so the room goes to the reasons of the failing ones.
fn sources_line(state: &State, theme: &Theme, w: usize) -> Vec<Seg> {
    let bar = theme.status_bar;
    let items = source_items(state, theme);
    if items.is_empty() {
        return vec![seg(" no sources", bar.patch(theme.warning))];
    }
    let full: usize = items
        .iter()
        .map(|(n, _, what, _)| width(n) + width(what) + 3)
        .sum();
    let squeeze = full > w;
    let healthy = |short: &str| short == "ok" || short == "conn…";
    // Squeezed: healthy sources say "ok"; the failing ones share the rest
    // equally, so every source keeps its name and its down/stale word.
    let fixed: usize = items
        .iter()
        .map(|(n, short, _, _)| {
            fit(n, 24).len().min(width(n)) + 4 + if healthy(short) { width(short) } else { 0 }
        })
        .sum();
    let failing = items
        .iter()
        .filter(|(_, short, _, _)| !healthy(short))
        .count()
        .max(1);
    let share = (w.saturating_sub(fixed) / failing).max(6);
    let mut segs = Vec::new();
    for (i, (name, short, what, style)) in items.iter().enumerate() {
        segs.push(seg(if i == 0 { " " } else { " │ " }, bar.patch(theme.dim)));
        segs.push(seg(fit(name, 24), bar));
        segs.push(seg(" ", bar));
        let text = match (squeeze, healthy(short)) {
            (true, true) => short.to_string(),
            (true, false) => fit_middle(what, share),
            (false, _) => what.clone(),
        };
        segs.push(seg(text, bar.patch(*style)));
    }
    segs
}

/// The last `max` columns of `s`, with `…` in front when cut.
fn tail(s: &str, max: usize) -> String {
    let clean = crate::sanitize::line(s);
    if width(&clean) <= max {
        return clean.into_owned();
    }
    let mut out: Vec<char> = Vec::new();
    let mut used = 1;
    for c in clean.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > max {
            break;
        }
        used += cw;
        out.push(c);
    }
    std::iter::once('…').chain(out.into_iter().rev()).collect()
}

fn input_line(state: &State, theme: &Theme, w: usize) -> Option<Vec<Seg>> {
    let line = state.input.as_ref()?;
    let prompt = match line.kind {
        InputKind::Filter | InputKind::SilenceFilter => "/",
        InputKind::Command => ":",
        InputKind::Extend => "extend by (30m, 2h, 1d): ",
        InputKind::Note => "note: ",
        InputKind::Resolution => "resolution (one line): ",
        InputKind::TimelineFilter => "show types (note status alerts …; empty: all): ",
    };
    // Long input shows its end, where the cursor is; the error, when there
    // is one, keeps at least half of the row.
    let room = (w.saturating_sub(2) / if state.filter_error.is_some() { 2 } else { 1 }).max(4);
    let text = tail(&line.text, room);
    let mut segs = vec![
        seg(prompt, theme.input.patch(theme.key)),
        seg(text, theme.input),
        seg(
            " ",
            theme.input.add_modifier(ratatui::style::Modifier::REVERSED),
        ),
    ];
    if let Some(err) = &state.filter_error {
        segs.push(seg("  ✗ ", theme.input.patch(theme.error_text)));
        segs.push(seg(err.clone(), theme.input.patch(theme.error_text)));
    }
    Some(segs)
}

/// The newest message, cut in the middle when it does not fit (its end
/// often says why); `:messages` has it whole.
fn message_line(state: &State, theme: &Theme, w: usize) -> Option<Vec<Seg>> {
    let (level, text, _) = state.status.as_ref()?;
    let style = match level {
        StatusLevel::Info => theme.status_bar,
        StatusLevel::Warn => theme.status_bar.patch(theme.warning),
        StatusLevel::Error => theme.status_bar.patch(theme.error_text),
    };
    Some(vec![
        seg(" ", theme.status_bar),
        seg(fit_middle(text, w.saturating_sub(1)), style),
    ])
}

/// When nothing else is to be said: how fresh the data is. A part that
/// does not fit is left out whole (the poll interval first, then the
/// clock, then the count), never cut mid-word.
fn freshness_line(state: &State, theme: &Theme, w: usize) -> Vec<Seg> {
    let dim = theme.status_bar.patch(theme.dim);
    let last = state.sources.iter().filter_map(|s| s.last_ok).max();
    let all_down = !state.sources.is_empty()
        && (0..state.sources.len()).all(|i| matches!(state.health(i), Health::Down { .. }));
    let when = match last {
        Some(t) => format!(
            "refreshed {} ago",
            format_age((state.now - t).num_seconds())
        ),
        // Refused, not slow: "waiting" would read as calm.
        None if all_down => "no source has answered".to_string(),
        None => "waiting for the first answer".to_string(),
    };
    // Who holds the pager, from the first configured rotation.
    let on_call = state.schedules.first().and_then(|s| {
        let on = s.at(state.now)?;
        let until = on.until.with_timezone(&s.time_zone).format("%a %H:%M");
        Some(format!("on call: {} until {until}", on.user))
    });
    // (text, the order it goes in when the line is short)
    let mut parts: Vec<(String, u8)> = vec![(when, 9)];
    parts.extend(on_call.map(|t| (t, 8)));
    parts.push((format!("every {}s", state.refresh.as_secs()), 1));
    parts.push((
        format!(
            "{} alerts from {} source(s)",
            state.alerts.len(),
            state.sources.len()
        ),
        3,
    ));
    parts.push((state.now.format("%H:%M:%S UTC").to_string(), 2));
    let total = |p: &[(String, u8)]| p.iter().map(|(t, _)| width(t) + 3).sum::<usize>() - 2;
    while parts.len() > 1 && total(&parts) > w {
        let least = (0..parts.len()).min_by_key(|&i| parts[i].1).unwrap_or(0);
        parts.remove(least);
    }
    let text: Vec<&str> = parts.iter().map(|(t, _)| t.as_str()).collect();
    vec![seg(format!(" {}", text.join(" · ")), dim)]
}

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let w = area.width as usize;
    for y in area.top()..area.bottom() {
        fill_row(buf, area, y, theme.status_bar);
    }
    let extra = input_line(state, theme, w).or_else(|| message_line(state, theme, w));
    let sources = sources_line(state, theme, w);
    let last = area.bottom() - 1;
    if area.height >= 2 {
        let top = extra.unwrap_or_else(|| freshness_line(state, theme, w));
        put_segs(buf, area, last - 1, &top);
        put_segs(buf, area, last, &sources);
    } else {
        // One row: typing and messages win; the sources come back after.
        put_segs(buf, area, last, &extra.unwrap_or(sources));
    }
}
