//! Grouping and sorting of the alerts pane: pure functions of the alerts,
//! the filter and the toggles.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::filter::Filter;
use crate::model::{Alert, AlertState, LabelText, Severity};
use crate::sanitize::width;

#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    Group {
        /// The group-by label's value ("" when absent).
        key: String,
        count: usize,
        /// Alerts firing and not suppressed.
        active: usize,
        severity: Severity,
        collapsed: bool,
        /// Label names whose values differ inside the group: what tells its alerts apart.
        distinct: Vec<String>,
        /// A group of one is one row: the alert's index, and no alert row follows.
        single: Option<usize>,
    },
    Alert {
        /// Index into `State::alerts`.
        index: usize,
    },
}

/// Counts per severity of active (firing, unsuppressed) alerts, plus pending and suppressed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub by_severity: [usize; 5],
    pub pending: usize,
    pub suppressed: usize,
}

/// Counts of `alerts`, whose severities are `sev` (looked up once per merge).
pub fn counts(alerts: &[Alert], sev: &[Severity]) -> Counts {
    let mut c = Counts::default();
    for (a, s) in alerts.iter().zip(sev) {
        match a.state {
            AlertState::Firing => c.by_severity[*s as usize] += 1,
            AlertState::Pending => c.pending += 1,
            AlertState::Suppressed => c.suppressed += 1,
        }
    }
    c
}

pub fn visible(alert: &Alert, filter: &Filter, show_silenced: bool, show_inhibited: bool) -> bool {
    if !show_silenced && alert.is_silenced() {
        return false;
    }
    if !show_inhibited && alert.is_inhibited() && !alert.is_silenced() {
        return false;
    }
    filter.matches(alert)
}

fn state_rank(a: &Alert) -> u8 {
    match a.state {
        AlertState::Firing => 0,
        AlertState::Pending => 1,
        AlertState::Suppressed => 2,
    }
}

/// Sort key inside a group: firing first, then severity, then oldest first.
fn alert_key(a: &Alert, sev: Severity) -> (u8, Severity, DateTime<Utc>) {
    (state_rank(a), sev, a.starts_at)
}

/// The severity of every alert, in order: each label lookup is a walk into
/// that alert's own memory, so the rows, counts and sorts share one.
pub fn severities(alerts: &[Alert]) -> Vec<Severity> {
    alerts.iter().map(Alert::severity).collect()
}

pub fn build_rows(
    alerts: &[Alert],
    sev: &[Severity],
    filter: &Filter,
    group_by: &str,
    show_silenced: bool,
    show_inhibited: bool,
    collapsed: &HashSet<String>,
) -> Vec<Row> {
    // Members carry their sort key, computed once rather than per comparison.
    type Keyed = Vec<((u8, Severity, DateTime<Utc>), usize)>;
    let mut groups: HashMap<&str, Keyed> = HashMap::new();
    for (i, a) in alerts.iter().enumerate() {
        if visible(a, filter, show_silenced, show_inhibited) {
            let key = a.labels.get(group_by).map(LabelText::as_str).unwrap_or("");
            groups
                .entry(key)
                .or_default()
                .push((alert_key(a, sev[i]), i));
        }
    }
    let mut groups: Vec<(&str, Keyed)> = groups.into_iter().collect();
    for (_, members) in &mut groups {
        // Stable, so equal keys keep the merged order.
        members.sort_by_key(|x| x.0);
    }
    // Groups: the most urgent first member, then name for a stable order.
    groups.sort_by(|(ka, a), (kb, b)| a[0].0.cmp(&b[0].0).then_with(|| ka.cmp(kb)));
    let mut rows = Vec::with_capacity(alerts.len() + groups.len());
    for (key, keyed) in groups {
        let members: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
        let single = (members.len() == 1).then(|| members[0]);
        let is_collapsed = single.is_none() && collapsed.contains(key);
        let active = members
            .iter()
            .filter(|&&i| alerts[i].state == AlertState::Firing)
            .count();
        rows.push(Row::Group {
            key: key.to_string(),
            count: members.len(),
            active,
            severity: sev[members[0]],
            collapsed: is_collapsed,
            distinct: distinct_labels(alerts, &members, group_by),
            single,
        });
        if !is_collapsed && single.is_none() {
            rows.extend(members.into_iter().map(|index| Row::Alert { index }));
        }
    }
    rows
}

/// Labels whose values differ between the group's alerts; for a group of
/// one, every label but the grouping label and severity.
fn distinct_labels(alerts: &[Alert], members: &[usize], group_by: &str) -> Vec<String> {
    let skip = |name: &str| name == group_by || name == "severity" || name == "alertname";
    let first = &alerts[members[0]].labels;
    let mut differs: Vec<&str> = Vec::new();
    if members.len() == 1 {
        differs.extend(first.keys().map(LabelText::as_str));
    }
    // Against the first member, walking both sorted sets at once: a label
    // differs when a value differs or it is missing on one side (this ran
    // per label and member through a map, most of a rebuild at 50,000).
    // The first member's pairs once, as a plain list: walking a B-tree is
    // dearer than walking a slice.
    let mine: Vec<(&LabelText, &LabelText)> = first.iter().collect();
    for &i in &members[1..] {
        let other = &alerts[i].labels;
        if Arc::ptr_eq(first, other) {
            continue;
        }
        let (mut a, mut b) = (mine.iter().copied().peekable(), other.iter().peekable());
        loop {
            match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some((ka, _)), None) => {
                    mark(&mut differs, ka);
                    a.next();
                }
                (None, Some((kb, _))) => {
                    mark(&mut differs, kb);
                    b.next();
                }
                (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                    Ordering::Less => {
                        mark(&mut differs, ka);
                        a.next();
                    }
                    Ordering::Greater => {
                        mark(&mut differs, kb);
                        b.next();
                    }
                    Ordering::Equal => {
                        if va != vb {
                            mark(&mut differs, ka);
                        }
                        a.next();
                        b.next();
                    }
                },
            }
        }
    }
    differs.retain(|k| !skip(k));
    differs.sort_unstable();
    differs.into_iter().map(str::to_string).collect()
}

fn mark<'a>(differs: &mut Vec<&'a str>, k: &'a str) {
    if !differs.contains(&k) {
        differs.push(k);
    }
}

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

/// The alert a row shows: an alert row, or a group of one.
pub fn listed<'a>(alerts: &'a [Alert], row: &Row) -> Option<&'a Alert> {
    match row {
        Row::Alert { index }
        | Row::Group {
            single: Some(index),
            ..
        } => alerts.get(*index),
        Row::Group { .. } => None,
    }
}

/// The distinguishing labels of the group row `i` belongs to.
pub fn distinct_of(rows: &[Row], i: usize) -> &[String] {
    rows[..=i.min(rows.len().saturating_sub(1))]
        .iter()
        .rev()
        .find_map(|r| match r {
            Row::Group { distinct, .. } => Some(distinct.as_slice()),
            Row::Alert { .. } => None,
        })
        .unwrap_or(&[])
}

fn common_labels(alerts: &[Alert], rows: &[Row]) -> Vec<(String, String)> {
    let mut listed_alerts = rows.iter().filter_map(|r| listed(alerts, r));
    let Some(first) = listed_alerts.next() else {
        return vec![];
    };
    let mut common: Vec<(&str, &str)> = first
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut others = 0;
    for a in listed_alerts {
        others += 1;
        common.retain(|(k, v)| a.labels.get(*k).map(LabelText::as_str) == Some(*v));
    }
    if others == 0 {
        common.clear();
    }
    common
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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
        .filter(|(n, _)| names.iter().any(|x| x == n.as_str()))
        .filter(|(n, v)| {
            !common
                .iter()
                .any(|(cn, cv)| cn == n.as_str() && cv == v.as_str())
        });
    for (n, v) in pairs {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(n);
        out.push('=');
        out.push_str(v);
    }
}

pub fn measure(alerts: &[Alert], rows: &[Row], group_by: &str) -> RowWidths {
    let common = common_labels(alerts, rows);
    let mut w = RowWidths::default();
    let mut distinct: &[String] = &[];
    let mut scratch = String::new();
    // Grouped by alertname, a group's key is its alerts' name: measured once.
    let by_name = group_by == "alertname";
    for r in rows {
        if let Row::Group {
            distinct: d, key, ..
        } = r
        {
            distinct = d;
            if by_name {
                w.name = w.name.max(width(key));
            }
        }
        let Some(a) = listed(alerts, r) else { continue };
        if !by_name {
            w.name = w.name.max(width(a.alertname()));
        }
        w.summary = w.summary.max(width(a.summary()));
        write_label_text(&mut scratch, a, distinct, &common);
        let title = match r {
            Row::Group { key, .. } => width(key) + 2,
            Row::Alert { .. } => 0,
        };
        w.labels = w.labels.max(title + width(&scratch));
    }
    w.common = common;
    w
}
