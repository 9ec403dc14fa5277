//! What an empty alerts list says: no sources, connecting, every source
//! down (loudly, in the error colour, with the reasons), a filter or view
//! that matches nothing, or all clear (never "clear" on stale data).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::core::{Health, State};
use crate::draw::text::{put, seg, wrap, Seg};
use crate::draw::theme::Theme;
use crate::sanitize::{fit, width};

fn lines_at(buf: &mut Buffer, area: Rect, lines: &[Seg]) {
    // A long line (a source's reason) wraps under itself rather than
    // losing its end: the end says why.
    let room = (area.width as usize).saturating_sub(3);
    let mut y = area.y.saturating_add(1);
    for (text, style) in lines {
        let clean = crate::sanitize::line(text);
        for (k, part) in wrap(&clean, room.saturating_sub(2).max(1))
            .iter()
            .enumerate()
        {
            let (x, part) = match k {
                0 if width(&clean) <= room => (2, clean.to_string()),
                0 => (2, part.clone()),
                _ => (4, part.clone()),
            };
            put(
                buf,
                area,
                area.x.saturating_add(x),
                y,
                &fit(&part, room),
                *style,
            );
            y = y.saturating_add(1);
            if k == 0 && width(&clean) <= room {
                break;
            }
        }
    }
}

/// What an empty list means, said plainly: connecting, unreachable, a
/// filter that matches nothing, or all clear (never "clear" on stale data).
pub(super) fn empty(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
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
            // A name made from the URL (`127.0.0.1:9093`) says it already.
            let host = s.url.split("://").last().unwrap_or("").split('/').next();
            let name = match host == Some(s.name.as_str()) {
                true => s.name.clone(),
                false => format!("{}  {}", s.name, s.url),
            };
            lines.push(seg(format!("{name}  {what}"), style));
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

/// When no Alertmanager answers (every one down or stale, none of its
/// cluster answering for it), the list says so above the rows, in the
/// error colour with each one's reason, as the wall does: the rows left
/// are Prometheus's or old, with no acks or silences known.
pub(super) fn blind_lines(state: &State, theme: &Theme) -> Vec<Seg> {
    use crate::source::SourceKind;
    let ams: Vec<usize> = (0..state.sources.len())
        .filter(|&i| state.sources[i].kind == SourceKind::Alertmanager)
        .collect();
    let blind = !ams.is_empty()
        && ams
            .iter()
            .all(|&i| matches!(state.health(i), Health::Down { .. } | Health::Stale { .. }));
    if !blind {
        return Vec::new();
    }
    let mut lines = vec![seg(
        format!(
            "NO ALERTMANAGER ANSWERS: {n} of {n} down; acks and silences unknown",
            n = ams.len()
        ),
        theme.error_text.add_modifier(Modifier::BOLD),
    )];
    for &i in &ams {
        let why = match state.health(i) {
            Health::Down { reason } => format!("down: {reason}"),
            Health::Stale { reason, .. } => format!("stale: {reason}"),
            _ => continue,
        };
        lines.push(seg(
            format!("{}  {why}", state.sources[i].name),
            theme.error_text,
        ));
    }
    lines
}
