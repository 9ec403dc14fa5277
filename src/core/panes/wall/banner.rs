//! The wall board's banner: the whole width in the level's colour (green,
//! amber, red), or in the stale colour naming every source that is silent
//! past the limit and for how long. A member silent while its cluster
//! answers is named beside the data's colour (`DEGRADED`, amber, when that
//! colour would be green).

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use super::board::{Board, Level, SourceTrouble, TroubleKind};
use crate::core::State;
use crate::draw::text::put;
use crate::draw::theme::Theme;
use crate::model::duration::format_age_long;
use crate::sanitize::{fit, width};

/// A whole area in a level's colour: the style's colour as background.
pub fn banner_style(s: Style) -> Style {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    match (s.bg, s.fg) {
        (Some(bg), fg) if !matches!(bg, Color::Black | Color::Reset) => {
            bold.bg(bg).fg(fg.unwrap_or_else(|| contrast(bg)))
        }
        (_, Some(fg)) => bold.bg(fg).fg(contrast(fg)),
        _ => bold.add_modifier(Modifier::REVERSED),
    }
}

/// Black on light colours, white on dark ones.
fn contrast(c: Color) -> Color {
    let dark = match c {
        Color::Rgb(r, g, b) => (r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000 < 128,
        Color::Black | Color::Red | Color::Green | Color::Blue | Color::Magenta => true,
        Color::DarkGray => true,
        _ => false,
    };
    if dark {
        Color::White
    } else {
        Color::Black
    }
}

fn spaced(word: &str) -> String {
    word.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

/// The banner's word, its detail line and its style; the detail leaves
/// the reasons out when with them it would not fit in `room` cells.
fn banner_text(state: &State, theme: &Theme, b: &Board, room: usize) -> (String, String, Style) {
    let now = state.now;
    if b.stale {
        let shown = |why: bool| -> String {
            b.troubles
                .iter()
                .filter(|t| t.blinds())
                .map(|t| trouble_text(t, now, why))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        let word = if b
            .troubles
            .iter()
            .any(|t| t.blinds() && t.over_limit && t.kind == TroubleKind::Stale)
        {
            "STALE"
        } else if b.troubles.iter().any(|t| t.blinds() && t.over_limit) {
            "UNREACHABLE"
        } else {
            "CONNECTING"
        };
        let last = match b.last_refresh {
            Some(t) => format!(" · counts from {}", t.format("%H:%M:%S UTC")),
            None => " · no data yet".into(),
        };
        let mut detail = shown(true) + &last;
        if width(&detail) > room {
            detail = shown(false) + &last;
        }
        // Narrower: every silent source by name, then at least how many,
        // so a second one down is never cut off unsaid.
        if width(&detail) > room {
            let silent: Vec<&str> = b
                .troubles
                .iter()
                .filter(|t| t.blinds())
                .map(|t| t.name.as_str())
                .collect();
            let n = state.sources.len();
            let k = silent.len();
            detail = format!("{k} of {n} silent: {}{last}", silent.join(", "));
            if width(&detail) > room {
                detail = format!("{k} of {n} silent: {}", silent.join(", "));
            }
            // As many names as fit, the rest counted (`+5 more`), as every
            // list on the wall does; at the least the count.
            for shown in (1..k).rev() {
                if width(&detail) <= room {
                    break;
                }
                detail = format!(
                    "{k} of {n} silent: {} +{} more",
                    silent[..shown].join(", "),
                    k - shown
                );
            }
            if width(&detail) > room {
                detail = format!("{k} of {n} silent");
            }
        }
        return (word.into(), detail, theme.stale);
    }
    // Members down in clusters another member answers for: the colour is
    // the data's, said with who is missing; an all clear becomes amber.
    let degraded: Vec<String> = b
        .troubles
        .iter()
        .filter(|t| t.degrades())
        .map(|t| trouble_text(t, now, false))
        .collect();
    if !degraded.is_empty() {
        let missing = degraded.join(" · ");
        let (word, detail, style) = level_text(state, theme, b);
        return match b.level {
            // Amber for the missing member alone: say it first.
            Level::Green => (
                "DEGRADED".into(),
                format!("{missing} · {detail}"),
                theme.warning,
            ),
            _ => (word, format!("{detail} · {missing}"), style),
        };
    }
    level_text(state, theme, b)
}

/// What a source in trouble is said to be doing; `why` adds the reason.
fn trouble_text(t: &SourceTrouble, now: DateTime<Utc>, why: bool) -> String {
    let how_long = format_age_long((now - t.since).num_seconds());
    let why = if t.reason.is_empty() || !why {
        String::new()
    } else {
        format!(" ({})", t.reason)
    };
    // Beside the data's own detail: short.
    if t.covered {
        let what = match t.kind {
            TroubleKind::Stale => format!("{} down {how_long}", t.name),
            TroubleKind::Down => format!("{} never answered", t.name),
            TroubleKind::Connecting => format!("waiting for {}", t.name),
        };
        return what + " (its cluster answers)";
    }
    match t.kind {
        TroubleKind::Stale => format!("{} has not answered for {how_long}{why}", t.name),
        TroubleKind::Down => format!("{} never answered in {how_long}{why}", t.name),
        TroubleKind::Connecting => format!("waiting {how_long} for {}", t.name),
    }
}

/// The banner's word, detail and style from the data's level alone.
fn level_text(state: &State, theme: &Theme, b: &Board) -> (String, String, Style) {
    let t = &b.tally;
    // Alerts gone with a restarted Alertmanager are neither firing nor clear.
    let unknown = match t.unknown {
        0 => String::new(),
        n => format!(" · {n} unknown (an Alertmanager restarted)"),
    };
    match b.level {
        Level::Red => (
            "CRITICAL".into(),
            format!(
                "{} critical firing, {} unacknowledged · {} warning{unknown}",
                t.critical, t.critical_unacked, t.warning
            ),
            theme.critical,
        ),
        Level::Amber if t.warning == 0 && t.unknown > 0 => (
            "UNKNOWN".into(),
            format!(
                "{} alerts gone with a restarted Alertmanager, not yet re-sent",
                t.unknown
            ),
            theme.warning,
        ),
        Level::Amber => (
            "WARNING".into(),
            format!(
                "{} warning firing, {} unacknowledged{unknown}",
                t.warning, t.unacked
            ),
            theme.warning,
        ),
        Level::Green => {
            let threshold = state
                .wall
                .as_ref()
                .map_or("warning", |w| w.threshold.name());
            (
                "ALL CLEAR".into(),
                format!("nothing firing at {threshold} or above"),
                theme.ok,
            )
        }
    }
}

pub fn render(state: &State, theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let (word, detail, style) =
        banner_text(state, theme, b, (area.width as usize).saturating_sub(2));
    let style = banner_style(style);
    buf.set_style(area, style);
    let word = if area.height >= 5 && width(&word) * 2 + 4 < area.width as usize {
        spaced(&word)
    } else {
        word
    };
    let w = area.width as usize;
    if area.height == 1 {
        let line = fit(&format!(" {word} · {detail}"), w);
        put(buf, area, area.x, area.y, &line, style);
        return;
    }
    let mid = area.y + (area.height - 1) / 2;
    let centre = |text: &str| {
        let t = fit(text, w.saturating_sub(2));
        (area.x + (w.saturating_sub(width(&t)) / 2) as u16, t)
    };
    let (x, t) = centre(&word);
    put(buf, area, x, mid, &t, style);
    let (x, t) = centre(&detail);
    put(
        buf,
        area,
        x,
        mid + 1,
        &t,
        style.remove_modifier(Modifier::BOLD),
    );
}
