//! The SLO pane: one block per SLO with its objective, SLI, error budget
//! left as a gauge, and the burn rate of every alert window (a burning pair
//! in the critical color), or why it cannot be shown yet.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::core::keymap::Keymap;
use crate::core::slo::{slo_rows, BurnRow, SloRow, SloSource, SloStatus, WindowBurn};
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, title_row, wrap, Seg};
use crate::draw::theme::Theme;
use crate::sanitize::{fit, pad, width};

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
            let style = if r > factor {
                theme.warning
            } else {
                theme.text
            };
            seg(format!("{} {}", w.label, rate_text(r)), style)
        }
        None if failed => seg(format!("{} ?", w.label), theme.dim),
        None => seg(format!("{} …", w.label), theme.dim),
    }
}

fn burn_segs(theme: &Theme, b: &BurnRow, failed: bool, narrow: bool) -> Vec<Seg> {
    let mut segs = vec![
        window_seg(theme, &b.long, b.factor, failed),
        seg(" · ", theme.dim),
        window_seg(theme, &b.short, b.factor, failed),
    ];
    let factor = factor_text(b.factor);
    if b.burning {
        let word = if narrow {
            " BURNING".to_string()
        } else {
            format!(" BURNING >{factor}")
        };
        segs.push(seg(word, theme.critical.add_modifier(Modifier::BOLD)));
        for s in segs.iter_mut().take(3) {
            s.1 = theme.critical;
        }
    } else if !narrow {
        segs.push(seg(format!(" (>{factor})"), theme.dim));
    }
    segs
}

/// Below this width the objective column and the gauge give way.
const NARROW: usize = 60;

/// Column widths: name (the longest, within a third of the width),
/// objective, SLI; the gauge gets the rest.
#[derive(Clone, Copy)]
struct Cols {
    name: usize,
    objective: usize,
    sli: usize,
    narrow: bool,
}

fn columns(rows: &[SloRow], w: usize) -> Cols {
    let longest = rows.iter().map(|r| width(&r.name)).max().unwrap_or(0);
    let narrow = w < NARROW;
    Cols {
        name: (longest + 2).clamp(6, (w / 3).max(6)),
        objective: if narrow { 0 } else { 12 },
        sli: 10,
        narrow,
    }
}

/// The first line's last cell: the budget gauge, or what stands instead.
fn budget_segs(theme: &Theme, r: &SloRow, rest: usize, nothing: bool) -> Vec<Seg> {
    match (&r.status, r.budget) {
        (SloStatus::Unavailable(_), _) => vec![seg("not measured", theme.dim)],
        (_, Some(b)) => {
            // The same bar length on every row, so the percentages line up.
            let bar = rest.saturating_sub(9).min(40);
            let bar = if bar < 5 { 0 } else { bar };
            let style = budget_style(theme, b);
            vec![
                seg(gauge(b, bar), style),
                seg(
                    format!(" {:.1} %", b * 100.0),
                    style.add_modifier(Modifier::BOLD),
                ),
            ]
        }
        (SloStatus::Failed, None) => vec![seg("failed", theme.error_text)],
        (SloStatus::Loading, None) if nothing => {
            vec![seg(format!("loading… ({} windows)", r.loading), theme.dim)]
        }
        (_, None) => vec![seg("loading…", theme.dim)],
    }
}

/// The block of one SLO: its first line, then burns and the reason a
/// window failed.
fn block(theme: &Theme, r: &SloRow, c: Cols, w: usize, selected: bool) -> Vec<Vec<Seg>> {
    let objective = format!("{} % {}", r.objective, r.window);
    let sli = r
        .sli
        .map_or_else(|| "—".to_string(), |v| percent(v, r.objective));
    let nothing = r
        .burns
        .iter()
        .all(|b| b.long.rate.is_none() && b.short.rate.is_none());
    let mut first = vec![
        seg(if selected { "›" } else { " " }, theme.text),
        seg(
            pad(&r.name, c.name.saturating_sub(1)) + " ",
            theme.text.add_modifier(Modifier::BOLD),
        ),
        seg(pad(&objective, c.objective), theme.dim),
        seg(pad(&sli, c.sli), theme.text),
    ];
    let rest = w.saturating_sub(1 + c.name + c.objective + c.sli);
    first.extend(budget_segs(theme, r, rest, nothing));
    let mut lines = vec![first];
    let indent = || seg("   ", theme.text);
    let shown = !matches!(r.status, SloStatus::Unavailable(_)) && !nothing;
    if shown && !r.burns.is_empty() {
        let mut segs = vec![indent()];
        if !c.narrow {
            segs.push(seg("burn ", theme.dim));
        }
        for (i, b) in r.burns.iter().enumerate() {
            if i > 0 {
                segs.push(seg("   ", theme.text));
            }
            segs.extend(burn_segs(theme, b, r.error.is_some(), c.narrow));
        }
        lines.push(segs);
    }
    if let Some(e) = &r.error {
        // Prometheus's reasons are long: two lines of it, then cut.
        let room = w.saturating_sub(4);
        let mut parts = wrap(&crate::sanitize::line(&format!("✗ {e}")), room);
        if parts.len() > 2 {
            parts.truncate(2);
            parts[1] = fit(&format!("{}…", parts[1]), room);
        }
        for p in parts {
            lines.push(vec![indent(), seg(p, theme.error_text)]);
        }
    }
    lines
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
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
    if rows.is_empty() {
        let msg = " No SLOs configured: see `slos:` in the README.";
        put_segs(buf, area, y, &[seg(msg, theme.dim)]);
        return;
    }
    let cols = columns(&rows, w);
    let heading = format!(
        " {}{}{}{}",
        pad("SLO", cols.name),
        pad("OBJECTIVE", cols.objective),
        pad("SLI", cols.sli),
        if cols.narrow {
            "BUDGET"
        } else {
            "ERROR BUDGET LEFT"
        }
    );
    put_segs(
        buf,
        area,
        y,
        &[seg(heading, theme.dim.add_modifier(Modifier::BOLD))],
    );
    y += 1;
    if y >= area.bottom() {
        return;
    }
    let list = Rect::new(area.x, y, area.width, area.bottom() - y);
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
    // What the selected SLO asks Prometheus, where there is room for it.
    let queries = &rows[cursor].queries;
    if (list.bottom() as usize) > y as usize + queries.len() {
        let top = list.bottom() - queries.len() as u16;
        for (k, q) in queries.iter().enumerate() {
            let text = fit(&format!(" {q}"), w);
            put_segs(buf, list, top + k as u16, &[seg(text, theme.dim)]);
        }
    }
}

/// The pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!("{} move · {} back", k(Action::Down), k(Action::Back))
}
