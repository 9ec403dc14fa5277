//! What Prometheus remembers about an alert: its expression over a window,
//! the threshold the expression compares against, and how often the alert
//! fired in the last day. Plain data and arithmetic; the queries live in
//! `source::prom_range`, the pictures in `core::panes::detail::context`.

use super::alert::Labels;

/// The history chart's time window, cycled with `w` in the detail view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Window {
    M15,
    #[default]
    H1,
    H6,
    H24,
}

impl Window {
    pub const ALL: [Window; 4] = [Window::M15, Window::H1, Window::H6, Window::H24];

    pub fn secs(self) -> i64 {
        match self {
            Window::M15 => 15 * 60,
            Window::H1 => 3600,
            Window::H6 => 6 * 3600,
            Window::H24 => 24 * 3600,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::M15 => "15m",
            Window::H1 => "1h",
            Window::H6 => "6h",
            Window::H24 => "24h",
        }
    }

    pub fn next(self) -> Window {
        let i = Window::ALL.iter().position(|w| *w == self).unwrap_or(0);
        Window::ALL[(i + 1) % Window::ALL.len()]
    }

    /// About 240 points a window: more than the widest chart has columns,
    /// never finer than Prometheus usually evaluates.
    pub fn step_secs(self) -> i64 {
        (self.secs() / 240).max(5)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    /// True when the alert fires on low values (the chart then shows each
    /// column's lowest point rather than its highest).
    pub fn fires_low(self) -> bool {
        matches!(self, CmpOp::Lt | CmpOp::Le)
    }
}

/// `expr > 0.5`: the number the expression is compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    pub op: CmpOp,
    pub value: f64,
}

/// Splits `lhs OP number` (a comparison at the top level of the expression,
/// with a number on the right, `bool` allowed) into the left side, which is
/// what to draw (the whole expression would only return the points above
/// the line), and the threshold. Anything else is drawn as it is.
pub fn split_threshold(expr: &str) -> (String, Option<Threshold>) {
    let whole = (expr.trim().to_string(), None);
    let Some((at, op, len)) = last_top_level_comparison(expr) else {
        return whole;
    };
    let rhs = expr[at + len..].trim();
    let rhs = rhs.strip_prefix("bool").map_or(rhs, str::trim_start);
    let Some(value) = number(rhs) else {
        return whole;
    };
    let lhs = expr[..at].trim();
    if lhs.is_empty() {
        return whole;
    }
    (lhs.to_string(), Some(Threshold { op, value }))
}

fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let inner = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    inner.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Byte offset, operator and its length of the last comparison outside
/// brackets, braces, parentheses and strings.
fn last_top_level_comparison(expr: &str) -> Option<(usize, CmpOp, usize)> {
    let bytes = expr.as_bytes();
    let (mut depth, mut quote, mut found) = (0i32, None::<u8>, None);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        match c {
            b'"' | b'\'' | b'`' => quote = Some(c),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'>' | b'<' | b'=' | b'!' if depth == 0 => {
                let op = match (c, next) {
                    (b'>', Some(b'=')) => Some((CmpOp::Ge, 2)),
                    (b'<', Some(b'=')) => Some((CmpOp::Le, 2)),
                    (b'=', Some(b'=')) => Some((CmpOp::Eq, 2)),
                    (b'!', Some(b'=')) => Some((CmpOp::Ne, 2)),
                    (b'>', _) => Some((CmpOp::Gt, 1)),
                    (b'<', _) => Some((CmpOp::Lt, 1)),
                    _ => None,
                };
                if let Some((op, len)) = op {
                    found = Some((i, op, len));
                    i += len;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The expression Prometheus put in an alert's generatorURL
/// (`.../graph?g0.expr=...&g0.tab=1`), percent-decoded.
pub fn generator_expr(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "g0.expr")
            .then(|| percent_decode(v))
            .filter(|e| !e.trim().is_empty())
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One series of a range query: its labels and (unix seconds, value).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<(i64, f64)>,
}

/// The series that belongs to the alert: every label it has agrees with
/// the alert's (the alert may carry more: rule and external labels), the
/// one agreeing on most labels first.
pub fn pick_series<'a>(series: &'a [Series], alert: &Labels) -> Option<&'a Series> {
    series
        .iter()
        .filter(|s| {
            s.labels
                .iter()
                .filter(|(k, _)| *k != "__name__")
                .all(|(k, v)| alert.get(k).is_none_or(|a| a == v))
        })
        .max_by_key(|s| {
            s.labels
                .iter()
                .filter(|(k, v)| alert.get(k) == Some(*v))
                .count()
        })
}

/// The value at `t`: the last sample at or before it, else the first after.
pub fn value_at(points: &[(i64, f64)], t: i64) -> Option<f64> {
    let before = points.iter().rev().find(|(at, _)| *at <= t);
    before.or(points.first()).map(|(_, v)| *v)
}

/// The points over `[from, to)` in `n` equal columns: each column's highest
/// value (lowest when the alert fires on low values), None where no sample.
pub fn columns(points: &[(i64, f64)], from: i64, to: i64, n: usize, low: bool) -> Vec<Option<f64>> {
    let mut out = vec![None::<f64>; n];
    let span = (to - from).max(1) as f64;
    for &(t, v) in points {
        if t < from || t > to || !v.is_finite() || n == 0 {
            continue;
        }
        let i = (((t - from) as f64 / span) * n as f64) as usize;
        let slot = &mut out[i.min(n - 1)];
        *slot = Some(match *slot {
            Some(old) if low => old.min(v),
            Some(old) => old.max(v),
            None => v,
        });
    }
    out
}

/// When each firing episode began: a sample after a gap longer than one
/// step starts a new one. The first episode counts only when it begins
/// after the window's start (an alert already firing at `from` did not
/// fire in the window).
pub fn episode_starts(points: &[(i64, f64)], step: i64, from: i64) -> Vec<i64> {
    let mut starts = Vec::new();
    let mut last: Option<i64> = None;
    for &(t, _) in points {
        let new = match last {
            None => t > from + step,
            Some(prev) => t - prev > step,
        };
        if new {
            starts.push(t);
        }
        last = Some(t);
    }
    starts
}

/// Episodes per hour over the 24 hours before `now`; index 23 is the last hour.
pub fn per_hour(starts: &[i64], now: i64) -> [u32; 24] {
    let mut hours = [0u32; 24];
    for &t in starts {
        let ago = now - t;
        if (0..24 * 3600).contains(&ago) {
            hours[23 - (ago / 3600) as usize] += 1;
        }
    }
    hours
}

/// A value for a person: trimmed digits, SI prefixes for the large, and
/// the alert's own unit (its `unit` annotation) when it has one.
pub fn format_value(v: f64, unit: Option<&str>) -> String {
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let number = match unit {
        Some("%") | Some("percent") => return format!("{}%", trim_digits(v, 3)),
        _ => humanize(v),
    };
    match unit {
        Some(u) => format!("{number} {u}"),
        None => number,
    }
}

fn humanize(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    let (scaled, suffix) = match a {
        a if a >= 1e12 => (v / 1e12, "T"),
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e4 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    format!("{}{suffix}", trim_digits(scaled, 3))
}

/// At most `sig` significant digits after the point for small numbers, no
/// trailing zeros.
fn trim_digits(v: f64, sig: usize) -> String {
    let a = v.abs();
    let decimals = if a == 0.0 || a >= 100.0 {
        usize::from(a.fract() != 0.0)
    } else {
        (sig as i64 - 1 - a.log10().floor() as i64).clamp(0, 9) as usize
    };
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_at_the_top_level_only() {
        let (lhs, t) = split_threshold("histogram_quantile(0.99, rate(x[5m])) > 0.3");
        assert_eq!(lhs, "histogram_quantile(0.99, rate(x[5m]))");
        assert_eq!(
            t,
            Some(Threshold {
                op: CmpOp::Gt,
                value: 0.3
            })
        );
        let (lhs, t) = split_threshold(r#"up{job!="a",x=~"<b>"} == 0"#);
        assert_eq!(lhs, r#"up{job!="a",x=~"<b>"}"#);
        assert_eq!(t.unwrap().op, CmpOp::Eq);
        assert_eq!(split_threshold("a < bool 5").1.unwrap().op, CmpOp::Lt);
        assert_eq!(split_threshold("a <= (10)").1.unwrap().value, 10.0);
        // Not a number on the right, or no comparison: drawn whole.
        assert_eq!(split_threshold("a > b").1, None);
        assert_eq!(split_threshold("rate(x[5m])").0, "rate(x[5m])");
        assert_eq!(split_threshold("sum(a > 1)").1, None);
        assert_eq!(split_threshold("> 1").1, None);
    }

    #[test]
    fn generator_urls_decode() {
        let url = "http://prom:9090/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+0.5&g0.tab=1";
        assert_eq!(generator_expr(url).as_deref(), Some("rate(x[5m]) > 0.5"));
        assert_eq!(generator_expr("http://prom/graph?g0.tab=1"), None);
        assert_eq!(generator_expr("http://prom/graph"), None);
        assert_eq!(generator_expr("x?g0.expr=100%"), Some("100%".into()));
    }

    #[test]
    fn episodes_and_hours() {
        // Firing 0..100 (began before the window), gap, then 400..500, 900.
        let pts: Vec<(i64, f64)> = (0..=100)
            .step_by(10)
            .chain((400..=500).step_by(10))
            .chain([900])
            .map(|t| (t, 1.0))
            .collect();
        assert_eq!(episode_starts(&pts, 10, 0), vec![400, 900]);
        let now = 10 * 3600;
        let hours = per_hour(&[now - 10, now - 3599, now - 3600, now - 90_000], now);
        assert_eq!(hours[23], 2);
        assert_eq!(hours[22], 1);
        assert_eq!(hours.iter().sum::<u32>(), 3);
    }

    #[test]
    fn columns_keep_the_extreme_and_values_read_well() {
        let pts = [(0, 1.0), (5, 3.0), (10, 2.0), (99, 7.0)];
        assert_eq!(
            columns(&pts, 0, 100, 4, false),
            vec![Some(3.0), None, None, Some(7.0)]
        );
        assert_eq!(columns(&pts, 0, 100, 4, true)[0], Some(1.0));
        assert_eq!(value_at(&pts, 7), Some(3.0));
        assert_eq!(value_at(&pts, -5), Some(1.0));
        assert_eq!(format_value(0.41234, Some("s")), "0.412 s");
        assert_eq!(format_value(412.0, Some("ms")), "412 ms");
        assert_eq!(format_value(87.456, Some("%")), "87.5%");
        assert_eq!(format_value(123_456.0, None), "123.5k");
        assert_eq!(format_value(0.0, None), "0");
    }
}
