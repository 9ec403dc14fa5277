//! The wall board (`oncall wall`): a banner in the board's colour, block
//! numerals, the oldest unacknowledged critical, the firing groups a page
//! at a time, escalations, incidents and SLOs beside or below, and the
//! sources' health at the foot. The layout depends on the size alone, so
//! nothing jumps when data changes.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::board::{board, Board};
use super::side::{self as wall_side, WallKeys};
use super::{banner as wall_banner, digits as wall_digits};
use crate::core::State;
use crate::draw::text::{fill_row, put, put_right, put_segs, seg, segs_width, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::format_age;
use crate::sanitize::{fit, pad, width};

/// Where each part of the board goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallLayout {
    pub banner: Rect,
    pub tiles: Rect,
    pub oldest: Rect,
    pub groups: Rect,
    /// Escalations, incidents and SLOs: right of the groups on wide
    /// screens, below them on narrow ones.
    pub side: Rect,
    pub footer: Rect,
}

pub fn layout(area: Rect) -> WallLayout {
    let (w, h) = (area.width, area.height);
    let banner_h = if h >= 16 {
        (h / 8).clamp(3, 9)
    } else {
        h.min(1)
    };
    let footer_h = match h {
        40.. => 2,
        6.. => 1,
        _ => 0,
    };
    let tiles_h = match h {
        20.. => (h / 4).clamp(6, 22),
        10.. => 2,
        _ => 0,
    };
    let oldest_h = u16::from(h >= 10);
    let rest = h.saturating_sub(banner_h + footer_h + tiles_h + oldest_h);
    let mut y = area.y;
    let mut take = |rows: u16| {
        let r = Rect::new(area.x, y, w, rows);
        y += rows;
        r
    };
    let banner = take(banner_h);
    let tiles = take(tiles_h);
    let oldest = take(oldest_h);
    let body = take(rest);
    let footer = take(footer_h);
    let (groups, side) = if w >= 140 {
        let left = w * 3 / 5;
        (
            Rect::new(body.x, body.y, left, body.height),
            Rect::new(body.x + left + 1, body.y, w - left - 1, body.height),
        )
    } else {
        let below = if body.height >= 8 {
            body.height * 2 / 5
        } else {
            0
        };
        let top = body.height - below;
        (
            Rect::new(body.x, body.y, w, top),
            Rect::new(body.x, body.y + top, w, below),
        )
    };
    WallLayout {
        banner,
        tiles,
        oldest,
        groups,
        side,
        footer,
    }
}

/// Groups one page shows at this terminal size (sent as `Msg::Resized`).
pub fn page_rows(area: Rect) -> usize {
    (layout(area).groups.height as usize)
        .saturating_sub(1)
        .max(1)
}

/// A duration on the board, to the minute (so an idle board redraws once a minute).
pub fn wall_age(secs: i64) -> String {
    match secs.max(0) {
        0..=59 => "<1m".into(),
        s @ 3600..=86_399 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        s => format_age(s),
    }
}

fn render_tiles(theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width < 10 {
        return;
    }
    let t = &b.tally;
    let lit = |n: usize, s: Style| if n > 0 { s } else { theme.dim };
    let tiles: [(&str, usize, Style); 5] = [
        ("CRITICAL", t.critical, lit(t.critical, theme.critical)),
        ("WARNING", t.warning, lit(t.warning, theme.warning)),
        ("INFO", t.info, lit(t.info, theme.info)),
        ("UNACKED", t.unacked, lit(t.unacked, theme.critical)),
        ("ACKED", t.acked, lit(t.acked, theme.text)),
    ];
    let n = tiles.len() as u16;
    let tw = (area.width + 1) / n;
    let numbers: Vec<String> = tiles.iter().map(|(_, v, _)| v.to_string()).collect();
    let digits_h = area.height - 1;
    let scale = wall_digits::fitting_scale(
        numbers.iter().map(String::as_str),
        tw.saturating_sub(3),
        digits_h,
    );
    for (k, ((label, _, style), number)) in tiles.iter().zip(&numbers).enumerate() {
        let x = area.x + k as u16 * tw;
        let cell = Rect::new(x, area.y, tw.saturating_sub(1), area.height);
        let label = fit(label, cell.width as usize);
        let lx = x + (cell.width.saturating_sub(width(&label) as u16)) / 2;
        put(
            buf,
            cell,
            lx,
            area.y,
            &label,
            theme.dim.add_modifier(Modifier::BOLD),
        );
        let digits = Rect::new(x, area.y + 1, cell.width, digits_h);
        wall_digits::draw(
            buf,
            digits,
            number,
            scale,
            style.add_modifier(Modifier::BOLD),
        );
    }
}

fn render_oldest(state: &State, theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let Some(a) = b.oldest else {
        // No answer yet is not "none": the board does not know.
        let (text, style) = match b.last_refresh {
            None => (" no data: no source has answered", theme.stale),
            Some(_) => (" no unacknowledged critical", theme.dim),
        };
        put(buf, area, area.x, area.y, text, style);
        return;
    };
    let age = wall_age((state.now - a.starts_at).num_seconds());
    let style = theme.critical.add_modifier(Modifier::BOLD);
    let segs = [
        seg(" ▶ OLDEST UNACKED CRITICAL  ", style),
        seg(format!("{}  {age}", a.alertname()), style),
        seg(format!("  {}", a.summary()), theme.text),
    ];
    put_segs(buf, area, area.y, &segs);
}

fn ack_text(g: &crate::core::panes::wall::board::WallGroup) -> String {
    let who = g.ackers.join(", ");
    match (g.acked, g.alerts) {
        (0, _) => "UNACKED".into(),
        (a, n) if a == n => format!("acked by {who}"),
        (a, n) => format!("{a}/{n} acked by {who}"),
    }
}

fn render_groups(state: &State, theme: &Theme, b: &Board, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let per_page = (area.height as usize).saturating_sub(1).max(1);
    let pages = b.groups.len().div_ceil(per_page).max(1);
    let page = state.wall.as_ref().map_or(0, |w| w.page).min(pages - 1);
    // Stale data says how old it is, here too.
    let as_of = match (b.stale, b.last_refresh) {
        (true, Some(t)) => format!(", as of {}", t.format("%H:%M:%S UTC")),
        _ => String::new(),
    };
    let mut title = format!(" FIRING GROUPS ({}), oldest first{as_of}", b.groups.len());
    // The page counter keeps its place at the right; the title gives way.
    let indicator = (pages > 1).then(|| format!("page {}/{} ", page + 1, pages));
    let room =
        (area.width as usize).saturating_sub(indicator.as_deref().map_or(0, |i| width(i) + 1));
    if width(&title) > room {
        title = fit(&format!(" FIRING GROUPS ({}){as_of}", b.groups.len()), room);
    }
    put(buf, area, area.x, area.y, &title, theme.title);
    if let Some(indicator) = indicator {
        put_right(buf, area, area.y, &indicator, theme.title);
    }
    if b.groups.is_empty() {
        let (text, style) = match b.last_refresh {
            None => (" no data: no source has answered", theme.stale),
            Some(_) => (" nothing firing", theme.dim),
        };
        put(buf, area, area.x, area.y + 1, text, style);
        return;
    }
    let w = area.width as usize;
    let (age_w, ack_w) = (8, (w / 3).min(40));
    let name_w = w.saturating_sub(6 + age_w + ack_w + 1).min(64);
    for (k, g) in b
        .groups
        .iter()
        .skip(page * per_page)
        .take(per_page)
        .enumerate()
    {
        let y = area.y + 1 + k as u16;
        let sev = theme.severity(g.severity);
        let name = if g.alerts > 1 {
            format!("{} ×{}", g.alertname, g.alerts)
        } else {
            g.alertname.to_string()
        };
        let ack = ack_text(g);
        let ack_style = if g.acked == 0 {
            theme.critical
        } else {
            theme.silenced
        };
        let mark = if g.oldest_unacked { "▶" } else { " " };
        let segs: Vec<Seg> = vec![
            seg(mark, theme.critical),
            seg(pad(crate::draw::text::severity_tag(g.severity), 5), sev),
            // One blank column before the age, also when the name is cut.
            seg(pad(&name, name_w.saturating_sub(1)) + " ", theme.text),
            seg(
                pad(&wall_age((state.now - g.since).num_seconds()), age_w),
                theme.dim,
            ),
            seg(fit(&ack, ack_w), ack_style),
        ];
        put_segs(buf, area, y, &segs);
        if g.oldest_unacked {
            fill_row(buf, area, y, theme.selected);
        }
    }
}

/// The foot: the last refresh, the clock, and every source's health.
fn render_footer(
    state: &State,
    theme: &Theme,
    b: &Board,
    keys: &WallKeys,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    let bar = theme.status_bar;
    for y in area.top()..area.bottom() {
        fill_row(buf, area, y, bar);
    }
    let last = b.last_refresh.map_or_else(
        || "no answer yet".to_string(),
        |t: DateTime<Utc>| format!("last refresh {}", t.format("%H:%M:%S UTC")),
    );
    let fresh = format!(
        " {last} · every {}s · {} · {} help ",
        state.refresh.as_secs(),
        state.now.format("%H:%M UTC"),
        keys.help
    );
    // Every source named: their reasons go first when the line is short.
    let foot = |reasons: bool| {
        let mut sources: Vec<Seg> = Vec::new();
        if area.height < 2 {
            // One row: the refresh time first, then the sources.
            sources.push(seg(format!(" {last} │"), bar.patch(theme.dim)));
        }
        for (i, s) in state.sources.iter().enumerate() {
            sources.push(seg(if i == 0 { " " } else { " │ " }, bar.patch(theme.dim)));
            sources.push(seg(s.name.clone(), bar));
            let (word, style) = match b.troubles.iter().find(|t| t.source == i) {
                None => ("ok".to_string(), theme.ok),
                Some(t) => wall_side::trouble_word(state, t, theme, reasons),
            };
            sources.push(seg(format!(" {word}"), bar.patch(style)));
        }
        sources
    };
    let mut sources = foot(true);
    if segs_width(&sources) > area.width as usize {
        sources = foot(false);
    }
    let message = state.status.as_ref().map(|(_, text, _)| text.clone());
    let bottom = area.bottom() - 1;
    if area.height >= 2 {
        let top = message.unwrap_or(fresh);
        put(buf, area, area.x, bottom - 1, &top, bar.patch(theme.dim));
        put_segs(buf, area, bottom, &sources);
    } else {
        // One row: the sources keep their place; a message takes the rest.
        let x = put_segs(buf, area, bottom, &sources);
        let room = (area.right().saturating_sub(x) as usize).saturating_sub(2);
        let (text, style) = match message {
            Some(m) => (format!("{m} "), bar.patch(theme.warning)),
            None => (format!("{} help ", keys.help), bar.patch(theme.dim)),
        };
        if room >= 6 {
            put_right(buf, area, bottom, &fit(&text, room), style);
        }
    }
}

pub fn render(state: &State, theme: &Theme, keys: &WallKeys, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let b = board(state);
    let l = layout(area);
    wall_banner::render(state, theme, &b, l.banner, buf);
    render_tiles(theme, &b, l.tiles, buf);
    render_oldest(state, theme, &b, l.oldest, buf);
    render_groups(state, theme, &b, l.groups, buf);
    wall_side::render(state, theme, &b, l.side, buf);
    render_footer(state, theme, &b, keys, l.footer, buf);
    if state.pane == crate::core::Pane::Help {
        wall_side::render_help(state, theme, keys, area, buf);
    }
}
