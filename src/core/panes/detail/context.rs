//! The detail view's pictures: the alert's expression over a window as a
//! block chart with its threshold line and the alert's start marked, fires
//! per hour over the day, and what else is broken nearby. Lines of the
//! detail document, so they scroll with it.

use ratatui::style::{Modifier, Style};

use crate::core::context::{ContextState, Fires, History, Load};
use crate::core::related::{recently_expired, related};
use crate::core::State;
use crate::draw::text::severity_tag;
use crate::draw::text::{seg, Doc, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::{format_age, format_age_long};
use crate::model::history::{columns, format_value, value_at, Threshold};
use crate::model::Alert;

/// The detail view's label column: these lines sit under its fields.
const KEY_W: usize = super::view::KEY_W;
/// Rows of the chart, and the width of its value axis.
const CHART_H: usize = 5;
const AXIS_W: usize = 11;
const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn key(theme: &Theme) -> Style {
    theme.dim.add_modifier(Modifier::BOLD)
}

/// History and fires, or why they are missing.
pub fn prometheus(doc: &mut Doc, state: &State, theme: &Theme, a: &Alert) {
    let Some(ctx) = state
        .context
        .as_ref()
        .filter(|c| c.fingerprint == a.fingerprint)
    else {
        return;
    };
    doc.blank();
    let unit = a.annotation("unit");
    let mut head = vec![
        seg(" History", theme.title),
        seg(format!("   last {}", ctx.window.label()), theme.text),
        seg("   w: next window (15m 1h 6h 24h)", theme.dim),
    ];
    if let Some(expr) = &ctx.expr {
        head.push(seg(format!("   {expr}"), theme.dim));
    }
    doc.line(cut(head, doc.width));
    // Which Prometheus drew it: with several, a chart from the wrong one
    // would look just as sure.
    if let Some(from) = &ctx.from {
        doc.field("", KEY_W, key(theme), from, theme.dim);
    }
    match &ctx.history {
        Load::Loading => doc.field("", KEY_W, key(theme), "loading…", theme.dim),
        Load::Failed(why) => doc.field("", KEY_W, key(theme), why, theme.stale),
        Load::Ready(h) if h.points.is_empty() => doc.field(
            "",
            KEY_W,
            key(theme),
            "no samples over the window",
            theme.dim,
        ),
        Load::Ready(h) => {
            chart(doc, theme, a, ctx, h);
            values(doc, theme, a, ctx, h, unit);
        }
    }
    match &ctx.fires {
        Load::Loading => doc.field(" Fired", KEY_W, key(theme), "loading…", theme.dim),
        // The same reason as the chart's (no Prometheus at all): said once.
        Load::Failed(why) if matches!(&ctx.history, Load::Failed(h) if h == why) => {}
        Load::Failed(why) => doc.field(" Fired", KEY_W, key(theme), why, theme.stale),
        Load::Ready(f) => fired(doc, theme, f),
    }
}

/// Segments cut to the document's width (a long expression must not wrap
/// the heading).
fn cut(segs: Vec<Seg>, width: usize) -> Vec<Seg> {
    let mut left = width;
    let mut out = Vec::new();
    for (text, style) in segs {
        let fitted = crate::sanitize::fit(&text, left);
        left = left.saturating_sub(crate::sanitize::width(&fitted));
        out.push((fitted, style));
        if left == 0 {
            break;
        }
    }
    out
}

fn chart(doc: &mut Doc, theme: &Theme, a: &Alert, ctx: &ContextState, h: &History) {
    let n = doc.width.saturating_sub(AXIS_W + 1).max(4);
    let low = ctx.threshold.is_some_and(|t| t.op.fires_low());
    let cols = columns(&h.points, h.from, h.to, n, low);
    let mut values: Vec<f64> = cols.iter().flatten().copied().collect();
    values.extend(ctx.threshold.map(|t| t.value));
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let steps = (CHART_H * 8) as f64;
    let height = |v: f64| (((v - lo) / (hi - lo)) * (steps - 1.0)).round() as usize + 1;
    let thr_row = ctx
        .threshold
        .map(|t| CHART_H - 1 - ((height(t.value) - 1) / 8).min(CHART_H - 1));
    let unit = a.annotation("unit");
    let breach = |v: f64| ctx.threshold.is_some_and(|t| beyond(t, v));
    let bar = |v: f64| {
        if breach(v) {
            theme.severity(a.severity())
        } else {
            theme.ok
        }
    };
    for row in 0..CHART_H {
        let from_bottom = CHART_H - 1 - row;
        let on_thr = thr_row == Some(row);
        let label = match (ctx.threshold, row) {
            (Some(t), _) if on_thr => format!("{} {}", t.op.symbol(), format_value(t.value, unit)),
            (_, 0) => format_value(hi, unit),
            (_, r) if r == CHART_H - 1 => format_value(lo, unit),
            _ => String::new(),
        };
        let label_style = if on_thr { theme.warning } else { theme.dim };
        let mut segs = vec![seg(format!("{label:>w$} ┤", w = AXIS_W - 2), label_style)];
        for c in &cols {
            let fill = c.map_or(0, |v| height(v).saturating_sub(from_bottom * 8).min(8));
            let (ch, style) = match (fill, c) {
                (0, _) if on_thr => ('┄', theme.warning),
                (0, _) | (_, None) => (' ', theme.text),
                (f, Some(v)) => (EIGHTHS[f], bar(*v)),
            };
            push_char(&mut segs, ch, style);
        }
        doc.line(segs);
    }
    axis(doc, theme, a, h, n);
}

fn beyond(t: Threshold, v: f64) -> bool {
    use crate::model::history::CmpOp::*;
    match t.op {
        Gt => v > t.value,
        Ge => v >= t.value,
        Lt => v < t.value,
        Le => v <= t.value,
        Eq => v == t.value,
        Ne => v != t.value,
    }
}

/// Appends one cell, joining it to the last run when the style is the same.
fn push_char(segs: &mut Vec<Seg>, ch: char, style: Style) {
    let joinable = segs.len() > 1;
    match segs.last_mut() {
        Some((text, s)) if *s == style && joinable => text.push(ch),
        _ => segs.push((ch.to_string(), style)),
    }
}

/// `└────▲────` with the window's ends and the alert's start under it.
fn axis(doc: &mut Doc, theme: &Theme, a: &Alert, h: &History, n: usize) {
    let start = a.starts_at.timestamp();
    let span = (h.to - h.from).max(1);
    let at = (start >= h.from).then(|| (((start - h.from) * n as i64) / span) as usize);
    let mut line: String = " ".repeat(AXIS_W - 2) + " └";
    line.extend((0..n).map(|i| if Some(i) == at { '▲' } else { '─' }));
    doc.line(vec![seg(line, theme.dim)]);
    let left = format!("-{}", format_age(span));
    let total = AXIS_W + n;
    let mut under: Vec<char> = vec![' '; total];
    let mut place = |from: usize, text: &str| {
        for (i, c) in text.chars().enumerate() {
            if let Some(cell) = under.get_mut(from + i) {
                *cell = c;
            }
        }
    };
    place(AXIS_W, &left);
    let free_from = AXIS_W + left.chars().count() + 2;
    let free_to = total.saturating_sub(5);
    let mut label_end = 0;
    match at.map(|col| AXIS_W + col) {
        // Under its mark: after it when it fits, else ending at it.
        Some(col) => {
            let after = format!("▲ started {}", a.starts_at.format("%H:%M UTC"));
            let before = format!("started {} ▲", a.starts_at.format("%H:%M UTC"));
            let len = after.chars().count();
            if col >= free_from && col + len <= free_to {
                place(col, &after);
            } else if col + 1 >= free_from + len && col < total {
                place(col + 1 - len, &before);
                label_end = col + 1;
            } else {
                place(free_from.min(total), &after);
            }
        }
        None => {
            let text = format!(
                "started {} ago, before the window",
                format_age_long((h.to - start).max(0))
            );
            place(free_from.min(total), &text);
        }
    }
    if label_end + 1 < total.saturating_sub(3) {
        place(total.saturating_sub(3), "now");
    }
    let line: String = under.into_iter().collect();
    doc.line(vec![seg(line.trim_end().to_string(), theme.dim)]);
}

/// Now vs at the start, in the alert's units.
fn values(
    doc: &mut Doc,
    theme: &Theme,
    a: &Alert,
    ctx: &ContextState,
    h: &History,
    unit: Option<&str>,
) {
    let now = h.points.last().map(|p| p.1);
    let start = a.starts_at.timestamp();
    let then = (start >= h.from)
        .then(|| value_at(&h.points, start))
        .flatten();
    let mut parts = Vec::new();
    if let Some(v) = now {
        parts.push(format!("now {}", format_value(v, unit)));
    }
    match then {
        Some(v) => parts.push(format!("at start {}", format_value(v, unit))),
        None => parts.push(format!(
            "at start: before the {} window",
            ctx.window.label()
        )),
    }
    if let Some(t) = ctx.threshold {
        parts.push(format!(
            "fires when {} {}",
            t.op.symbol(),
            format_value(t.value, unit)
        ));
    }
    let style = match (now, ctx.threshold) {
        (Some(v), Some(t)) if beyond(t, v) => theme.severity(a.severity()),
        (Some(_), Some(_)) => theme.ok,
        _ => theme.text,
    };
    doc.field(" Value", KEY_W, key(theme), &parts.join(" · "), style);
}

/// `Fired  3× in 24h  ·····▂··▄·· (per hour, now at right) · flapping`.
fn fired(doc: &mut Doc, theme: &Theme, f: &Fires) {
    let total = f.total();
    let last6: u32 = f.hours[18..].iter().sum();
    let (verdict, style) = match total {
        0 => (
            "no firing recorded in ALERTS over 24h".to_string(),
            theme.dim,
        ),
        1 => ("fired once in 24h: new".to_string(), theme.text),
        n if n >= 4 || last6 >= 3 => (format!("fired {n}× in 24h: flapping"), theme.warning),
        n => (format!("fired {n}× in 24h"), theme.text),
    };
    let cells: String = f
        .hours
        .iter()
        .map(|n| match n {
            0 => '·',
            1 => '▂',
            2 => '▄',
            3 => '▆',
            _ => '█',
        })
        .collect();
    let k = key(theme);
    doc.line(vec![
        seg(crate::sanitize::pad(" Fired", KEY_W), k),
        seg(cells, theme.warning),
        seg("  per hour, now at right", theme.dim),
    ]);
    doc.field("", KEY_W, k, &verdict, style);
}

/// Other alerts sharing the related labels, and silences that ended lately.
pub fn nearby(doc: &mut Doc, state: &State, theme: &Theme, a: &Alert) {
    let groups = related(state, a);
    let expired = recently_expired(state, a);
    if groups.is_empty() && expired.is_empty() {
        return;
    }
    doc.blank();
    doc.line(vec![seg(" Related", theme.title)]);
    let k = key(theme);
    let quiet: Vec<String> = groups
        .iter()
        .filter(|g| g.alerts.is_empty())
        .map(|g| format!("{}=\"{}\"", g.label, g.value))
        .collect();
    for g in groups.iter().filter(|g| !g.alerts.is_empty()) {
        let n = g.alerts.len();
        let head = format!(
            "{}=\"{}\": {n} other alert{}",
            g.label,
            g.value,
            if n == 1 { "" } else { "s" }
        );
        doc.field("", 3, k, &head, theme.text);
        for x in g.alerts.iter().take(5) {
            doc.line(vec![
                seg("     ", theme.text),
                seg(severity_tag(x.severity()), theme.severity(x.severity())),
                seg(format!(" {}", x.alertname()), theme.text),
                seg(
                    format!(
                        "  {} {}",
                        x.state_word(),
                        format_age((state.now - x.starts_at).num_seconds())
                    ),
                    theme.dim,
                ),
            ]);
        }
        if n > 5 {
            doc.field("", 5, k, &format!("… and {} more", n - 5), theme.dim);
        }
    }
    if !quiet.is_empty() {
        let text = format!("no other alert shares {}", quiet.join(", "));
        doc.field("", 3, k, &text, theme.dim);
    }
    for s in expired.iter().take(5) {
        let is_ack = s.is_ack(&state.ack_prefix);
        let kind = if is_ack { "ack" } else { "silence" };
        let text = format!(
            "{kind} by {} ended {} ago: {}",
            s.created_by,
            format_age_long((state.now - s.ends_at).num_seconds()),
            if is_ack {
                s.ack_text(&state.ack_prefix)
            } else {
                &s.comment
            }
        );
        doc.field("", 3, k, &text, theme.silenced);
    }
}
