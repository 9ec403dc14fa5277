//! The alerts pane's column widths: measured over every listed row once
//! per merge, so that a frame only reads them.

use super::rows::Row;
use crate::model::{prefetch, Alert};
use crate::sanitize::width;

/// What the alerts pane's columns need from every listed row, measured once
/// per rebuild rather than on every frame (at 10,000 alerts that measuring
/// was most of a frame's time).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowWidths {
    /// Widest alertname, label text (with a group-of-one's title) and summary, in cells.
    pub name: usize,
    pub labels: usize,
    pub summary: usize,
    /// Labels with the same value on every listed alert (`team=ml-platform`
    /// on a team's console): they tell nothing apart, so rows leave them out.
    pub common: Vec<(String, String)>,
}

/// `name=value` pairs joined by spaces, written into `out` (cleared first)
/// so measuring every row needs no allocation per row.
pub fn write_label_text(
    out: &mut String,
    alert: &Alert,
    names: &[String],
    common: &[(String, String)],
) {
    out.clear();
    // One walk over the alert's (sorted) labels rather than a lookup per
    // name; `names` come sorted from `distinct_labels`, so the order holds.
    let pairs = alert
        .labels
        .iter()
        .filter(|(n, _)| names.iter().any(|x| x == n))
        .filter(|(n, v)| !common.iter().any(|(cn, cv)| cn == n && cv == v));
    for (n, v) in pairs {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(n);
        out.push('=');
        out.push_str(v);
    }
}

/// The widths of the listed rows among the alerts `part`, walking them in
/// merged order (`listed_under`: each alert's group row, MAX when not listed).
pub(super) fn measure(
    alerts: &[Alert],
    part: std::ops::Range<usize>,
    rows: &[Row],
    listed_under: &[usize],
    group_by: &str,
    common: &[(String, String)],
) -> RowWidths {
    let mut w = RowWidths::default();
    // Grouped by alertname, a group's key is its alerts' name: measured once.
    let by_name = group_by == "alertname";
    if by_name {
        for r in rows {
            if let Row::Group { key, .. } = r {
                w.name = w.name.max(width(key));
            }
        }
    }
    for i in part {
        prefetch::alert_sets(alerts, i + prefetch::AHEAD);
        let a = &alerts[i];
        let Some(Row::Group {
            key,
            distinct,
            single,
            ..
        }) = rows.get(listed_under[i])
        else {
            continue;
        };
        if !by_name {
            w.name = w.name.max(width(a.alertname()));
        }
        w.summary = w.summary.max(width(a.summary()));
        // A group of one is one row: the group's name comes first.
        let title = if single.is_some() { width(key) + 2 } else { 0 };
        w.labels = w.labels.max(title + label_text_width(a, distinct, common));
    }
    w
}

impl RowWidths {
    /// The wider of each column (the common labels are set apart).
    pub(super) fn widest(a: RowWidths, b: RowWidths) -> RowWidths {
        RowWidths {
            name: a.name.max(b.name),
            labels: a.labels.max(b.labels),
            summary: a.summary.max(b.summary),
            common: a.common,
        }
    }
}

/// The width `write_label_text` would write, without writing it.
fn label_text_width(alert: &Alert, names: &[String], common: &[(String, String)]) -> usize {
    let mut total = 0;
    let mut pairs = 0usize;
    for (n, v) in alert.labels.iter() {
        let shown =
            names.iter().any(|x| x == n) && !common.iter().any(|(cn, cv)| cn == n && cv == v);
        if shown {
            total += width(n) + 1 + width(v);
            pairs += 1;
        }
    }
    total + pairs.saturating_sub(1)
}
