//! The SLO pane: one block per SLO with its objective, SLI, error budget
//! left as a gauge, and the burn rate of every alert window (a burning pair
//! in the critical color), or why it cannot be shown yet.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::text::{fill_row, put_segs, seg, title_row, Seg};
use crate::core::slo::{slo_rows, BurnRow, SloRow, SloSource, SloStatus, WindowBurn};
use crate::core::State;
use crate::sanitize::{pad, width};
use crate::ui::theme::Theme;

/// `99.87 %`: one decimal more than the objective has, at least two.
pub fn percent(fraction: f64, objective: f64) -> String {
    let text = format!("{objective}");
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    format!("{:.*} %", (decimals + 1).max(2), fraction * 100.0)
}

/// `16.2×`, `0.4×`, `120×`.
pub fn rate_text(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}×")
    } else {
        format!("{rate:.1}×")
    }
}

/// A configured factor as written: `14.4×`, `6×`.
fn factor_text(factor: f64) -> String {
    format!("{factor}×")
}

/// A bar of `cells` for a budget fraction; a spent budget says so inside it.
fn gauge(budget: f64, cells: usize) -> String {
    if budget <= 0.0 {
        let word = " exhausted ";
        if cells < word.len() + 2 {
            return "░".repeat(cells);
        }
        let left = (cells - word.len()) / 2;
        return "░".repeat(left) + word + &"░".repeat(cells - word.len() - left);
    }
    let filled = ((budget.min(1.0) * cells as f64).round() as usize).min(cells);
    "█".repeat(filled) + &"░".repeat(cells - filled)
}

fn budget_style(theme: &Theme, budget: f64) -> Style {
    match budget {
        b if b <= 0.2 => theme.critical,
        b if b <= 0.5 => theme.warning,
        _ => theme.ok,
    }
}

/// `1h 16.2×`, with `…` while loading and `?` when it failed.
fn window_seg(theme: &Theme, w: &WindowBurn, factor: f64, failed: bool) -> Seg {
    match w.rate {
        Some(r) => {
            let style = if r > factor { theme.warning } else { theme.text };
            seg(format!("{} {}", w.label, rate_text(r)), style)
        }
        None if failed => seg(format!("{} ?", w.label), theme.dim),
        None => seg(format!("{} …", w.label), theme.dim),
    }
}

fn burn_segs(theme: &Theme, b: &BurnRow, failed: bool) -> Vec<Seg> {
    let mut segs = vec![
        window_seg(theme, &b.long, b.factor, failed),
        seg(" · ", theme.dim),
        window_seg(theme, &b.short, b.factor, failed),
    ];
    if b.burning {
        segs.push(seg(
            format!(" BURNING >{}", factor_text(b.factor)),
            theme.critical.add_modifier(Modifier::BOLD),
        ));
        for s in segs.iter_mut().take(3) {
            s.1 = theme.critical;
        }
    } else {
        segs.push(seg(format!(" (>{})", factor_text(b.factor)), theme.dim));
    }
    segs
}

/// Column widths: name (the longest, within a third of the width),
/// objective, SLI; the gauge gets the rest.
fn columns(rows: &[SloRow], w: usize) -> (usize, usize, usize) {
    let longest = rows.iter().map(|r| width(&r.name)).max().unwrap_or(0);
    ((longest + 2).clamp(6, (w / 3).max(6)), 12, 10)
}

/// The block of one SLO: its first line, then burns or the reason.
fn block(theme: &Theme, r: &SloRow, cols: (usize, usize, usize), w: usize, selected: bool) -> Vec<Vec<Seg>> {
    let (nw, ow, sw) = cols;
    let objective = format!("{} % {}", r.objective, r.window);
    let sli = r
        .sli
        .map_or_else(|| "—".to_string(), |v| percent(v, r.objective));
    let mut first = vec![
        seg(if selected { "›" } else { " " }, theme.text),
        seg(pad(&r.name, nw.saturating_sub(1)) + " ", theme.text.add_modifier(Modifier::BOLD)),
        seg(pad(&objective, ow), theme.dim),
        seg(pad(&sli, sw), theme.text),
    ];
    let rest = w.saturating_sub(1 + nw + ow + sw);
    match (&r.status, r.budget) {
        (SloStatus::Unavailable(_), _) => first.push(seg("not measured", theme.dim)),
        (_, Some(b)) => {
            let label = format!(" {:.1} %", b * 100.0);
            // The same bar length on every row, so the percentages line up.
            let bar = rest.saturating_sub(9).min(40);
            let style = budget_style(theme, b);
            first.push(seg(gauge(b, bar), style));
            first.push(seg(label, style.add_modifier(Modifier::BOLD)));
        }
        (_, None) => {}
    }
    let mut lines = vec![first];
    let indent = || seg("   ", theme.text);
    let failed = r.error.is_some();
    match &r.status {
        SloStatus::Unavailable(_) => {}
        SloStatus::Loading if r.burns.iter().all(|b| b.long.rate.is_none()) => lines.push(vec![
            indent(),
            seg(format!("loading… ({} windows)", r.loading), theme.dim),
        ]),
        _ if !r.burns.is_empty() => {
            let mut segs = vec![indent(), seg("burn ", theme.dim)];
            for (i, b) in r.burns.iter().enumerate() {
                if i > 0 {
                    segs.push(seg("   ", theme.text));
                }
                segs.extend(burn_segs(theme, b, failed));
            }
            lines.push(segs);
        }
        _ => {}
    }
    if let Some(e) = &r.error {
        lines.push(vec![indent(), seg(format!("✗ {e}"), theme.error_text)]);
    }
    lines
}

pub fn render(state: &State, theme: &Theme, hint: &str, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let rows = slo_rows(state, state.now);
    let from = match &state.slo.source {
        SloSource::Prometheus(name) => format!(" · from {name}"),
        SloSource::Demo => " · DEMO numbers".into(),
        SloSource::None => String::new(),
    };
    let age = rows.iter().filter_map(|r| r.age).max();
    let age = age.map_or(String::new(), |a| {
        format!(" · {} ago", crate::model::duration::format_age(a))
    });
    let title = format!(" SLOs ({}){from}{age}", rows.len());
    title_row(buf, area, &title, hint, theme.title, theme.dim);
    let mut y = area.y + 1;
    if let Some(SloStatus::Unavailable(why)) = rows.first().map(|r| &r.status) {
        put_segs(buf, area, y, &[seg(format!(" ✗ {why}"), theme.error_text)]);
        y += 1;
    }
    let w = area.width as usize;
    let cols = columns(&rows, w);
    let (nw, ow, sw) = cols;
    put_segs(
        buf,
        area,
        y,
        &[seg(
            format!(
                " {}{}{}ERROR BUDGET LEFT",
                pad("SLO", nw),
                pad("OBJECTIVE", ow),
                pad("SLI", sw)
            ),
            theme.dim.add_modifier(Modifier::BOLD),
        )],
    );
    y += 1;
    if y >= area.bottom() {
        return;
    }
    let list = Rect::new(area.x, y, area.width, area.bottom() - y);
    if rows.is_empty() {
        let msg = " No SLOs configured: see `slos:` in the README.";
        put_segs(buf, list, list.y, &[seg(msg, theme.dim)]);
        return;
    }
    let cursor = state.slo.cursor.min(rows.len() - 1);
    let blocks: Vec<Vec<Vec<Seg>>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| block(theme, r, cols, w, i == cursor))
        .collect();
    // Scroll so the cursor's whole block is on screen.
    let h = list.height as usize;
    let mut first = cursor;
    let mut used = blocks[cursor].len();
    while first > 0 && used + blocks[first - 1].len() <= h {
        first -= 1;
        used += blocks[first].len();
    }
    let mut y = list.y;
    for (i, lines) in blocks.iter().enumerate().skip(first) {
        for (k, segs) in lines.iter().enumerate() {
            if y >= list.bottom() {
                return;
            }
            put_segs(buf, list, y, segs);
            if i == cursor && k == 0 {
                fill_row(buf, list, y, theme.selected);
            }
            y += 1;
        }
    }
}
