//! The wall board's side sections (escalation countdowns, open incidents,
//! SLO tiles), a failing source's word at the foot, and the help box.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::board::{Board, SourceTrouble, TroubleKind};
use super::view::wall_age;
use crate::core::escalations::escalation_rows;
use crate::core::panes::escalations::view::standing_text;
use crate::core::panes::incidents::view::{sev_style, status_style};
use crate::core::State;
use crate::draw::text::{put, put_segs, seg, segs_width};
use crate::draw::theme::Theme;
use crate::model::duration::format_age_long;
use crate::sanitize::{fit, pad};

/// The keys the wall answers, as the key map binds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WallKeys {
    pub quit: String,
    pub help: String,
    pub next: String,
    pub previous: String,
}

impl WallKeys {
    /// The wall's keys, from the key map in force.
    pub fn of(keymap: &crate::core::keymap::Keymap) -> WallKeys {
        use crate::core::Action;
        let k = |a| keymap.keys_for(a);
        WallKeys {
            quit: k(Action::Quit),
            help: k(Action::Help),
            next: format!("{} {}", k(Action::PageDown), k(Action::Down)),
            previous: format!("{} {}", k(Action::PageUp), k(Action::Up)),
        }
    }
}

/// How a failing source reads at the foot of the board; `reasons` adds
/// why (left out when the line cannot hold every source with them).
pub fn trouble_word(
    state: &State,
    t: &SourceTrouble,
    theme: &Theme,
    reasons: bool,
) -> (String, Style) {
    let how_long = format_age_long((state.now - t.since).num_seconds());
    let why = |word: String| match reasons {
        true => format!("{word}: {}", t.reason),
        false => word,
    };
    match (t.kind, t.over_limit) {
        (TroubleKind::Connecting, false) => ("connecting…".into(), theme.dim),
        (TroubleKind::Connecting, true) => (format!("NO ANSWER {how_long}"), theme.down),
        (TroubleKind::Down, _) => (why("DOWN".into()), theme.down),
        // Another member answers for its cluster: the data is not stale.
        (TroubleKind::Stale, true) if t.covered => {
            (why(format!("not answering {how_long}")), theme.warning)
        }
        (TroubleKind::Stale, true) => (why(format!("STALE {how_long}")), theme.stale),
        // Within the limit: said, but the board keeps its colour.
        (TroubleKind::Stale, false) => (why("last poll failed".into()), theme.warning),
    }
}

/// Splits `area` into stacked sections of equal height.
fn sections(area: Rect, n: u16) -> Vec<Rect> {
    let h = area.height / n.max(1);
    (0..n)
        .map(|k| {
            let extra = if k == n - 1 { area.height - h * n } else { 0 };
            Rect::new(area.x, area.y + k * h, area.width, h + extra)
        })
        .collect()
}

pub fn render(state: &State, theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height < 2 || area.width < 10 {
        return;
    }
    // SLO tiles take a third when there are any.
    let parts = sections(area, if b.slos.is_empty() { 2 } else { 3 });
    render_escalations(state, theme, parts[0], buf);
    render_incidents(state, theme, b, parts[1], buf);
    if let Some(&area) = parts.get(2) {
        render_slos(theme, b, area, buf);
    }
}

fn render_escalations(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let rows = escalation_rows(state);
    put(
        buf,
        area,
        area.x,
        area.y,
        &format!(" ESCALATIONS ({})", rows.len()),
        theme.title,
    );
    if rows.is_empty() {
        let blind = state.sources.iter().all(|s| s.last_ok.is_none());
        let (msg, style) = if state.policies.is_empty() {
            (" no escalation policies", theme.dim)
        } else if blind {
            (" no data: no source has answered", theme.stale)
        } else {
            (" nothing escalating", theme.dim)
        };
        put(buf, area, area.x, area.y + 1, msg, style);
        return;
    }
    let w = area.width as usize;
    let gw = (w / 3).min(30);
    let shown = room(buf, area, theme, rows.len());
    for (k, r) in rows.iter().take(shown).enumerate() {
        let (level, mut next) = standing_text(state, r);
        let mut style = match (&r.standing.held_by, r.standing.next) {
            (Some(_), _) => theme.silenced,
            (None, Some(_)) => theme.warning,
            (None, None) => theme.critical,
        };
        // A page no notifier delivered (the engine's, read from the claims).
        if let Some(f) = state.failed_page_for(&r.policy, &r.group) {
            next = f.words(state.now);
            style = theme.error_text;
        }
        let segs = [
            seg(" ", theme.text),
            seg(pad(&r.group, gw.saturating_sub(1)) + " ", theme.text),
            seg(
                fit(&format!("{next} · {level}"), w.saturating_sub(gw + 1)),
                style,
            ),
        ];
        put_segs(buf, area, area.y + 1 + k as u16, &segs);
    }
}

/// How many of a section's `n` rows fit under its title; when not all do,
/// the last line says how many more there are (the least urgent: the
/// lists are sorted most urgent first). With one line, the most urgent
/// row is worth more than a line of count: `+N more` ends the title's line.
fn room(buf: &mut Buffer, area: Rect, theme: &Theme, n: usize) -> usize {
    let lines = area.height as usize - 1;
    if n <= lines {
        return n;
    }
    if lines <= 1 {
        // No line to spare: the count goes at the end of the title's line.
        let more = format!("+{} more ", n - lines);
        crate::draw::text::put_right(buf, area, area.y, &more, theme.dim);
        return lines;
    }
    let shown = lines.saturating_sub(1);
    let y = area.y + 1 + shown as u16;
    put(
        buf,
        area,
        area.x,
        y,
        &format!(" +{} more", n - shown),
        theme.dim,
    );
    shown
}

fn render_incidents(state: &State, theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let title = format!(" OPEN INCIDENTS ({})", b.incidents.len());
    put(buf, area, area.x, area.y, &title, theme.title);
    if b.incidents.is_empty() {
        put(
            buf,
            area,
            area.x,
            area.y + 1,
            " no open incidents",
            theme.dim,
        );
        return;
    }
    let shown = room(buf, area, theme, b.incidents.len());
    for (k, inc) in b.incidents.iter().take(shown).enumerate() {
        let open_for = wall_age((state.now - inc.started()).num_seconds());
        let mut segs = vec![
            seg(" ", theme.text),
            seg(format!("{} ", inc.severity), sev_style(theme, inc.severity)),
            seg(pad(inc.status.word(), 14), status_style(theme, inc.status)),
            seg(pad(&open_for, 8), theme.dim),
            seg(format!("{} ", inc.id), theme.dim),
        ];
        // The title ends in … when cut, not mid-word at the edge.
        let room = (area.width as usize).saturating_sub(segs_width(&segs));
        segs.push(seg(fit(&inc.title, room), theme.text));
        put_segs(buf, area, area.y + 1 + k as u16, &segs);
    }
}

fn render_slos(theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    put(buf, area, area.x, area.y, " SLO ERROR BUDGETS", theme.title);
    // Cut like every section: what is left out is counted.
    let shown = room(buf, area, theme, b.slos.len());
    for (k, s) in b.slos.iter().take(shown).enumerate() {
        let (left, style) = match s.budget_remaining {
            Some(f) if f <= 0.0 => (format!("{:.0}% budget left", f * 100.0), theme.critical),
            Some(f) if f < 0.25 => (format!("{:.0}% budget left", f * 100.0), theme.warning),
            Some(f) => (format!("{:.0}% budget left", f * 100.0), theme.ok),
            None => ("no data".to_string(), theme.dim),
        };
        let burning = if s.burning { "  BURNING" } else { "" };
        let segs = [
            seg(" ", theme.text),
            seg(pad(&s.name, 30), theme.text),
            seg(left, style),
            seg(burning, theme.critical),
        ];
        put_segs(buf, area, area.y + 1 + k as u16, &segs);
    }
}

/// The help box over the board.
pub fn render_help(state: &State, theme: &Theme, keys: &WallKeys, area: Rect, buf: &mut Buffer) {
    let every = state.wall.as_ref().map_or(0, |w| w.page_interval.as_secs());
    let lines = [
        "oncall wall: a read-only status board".to_string(),
        String::new(),
        format!("{:<12} quit", keys.quit),
        format!("{:<12} this help", keys.help),
        format!("{:<12} next page of groups", keys.next),
        format!("{:<12} previous page", keys.previous),
        String::new(),
        format!("Pages also turn every {every}s. Writes are refused"),
        "here: ack and silence from the console.".to_string(),
    ];
    let w = (lines.iter().map(|l| l.len()).max().unwrap_or(0) as u16 + 4).min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let bx = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let style = theme.input.add_modifier(Modifier::BOLD);
    buf.set_style(bx, style);
    for y in bx.top()..bx.bottom() {
        put(buf, bx, bx.x, y, &" ".repeat(w as usize), style);
    }
    for (k, line) in lines.iter().enumerate() {
        put(buf, bx, bx.x + 2, bx.y + 1 + k as u16, line, style);
    }
}
