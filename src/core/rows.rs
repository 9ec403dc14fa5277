//! Grouping and sorting of the alerts pane: pure functions of the alerts,
//! the filter and the toggles.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::filter::Filter;
use super::row_widths::{measure, RowWidths};
use super::triage::{is_folded, owner_visible, sort_key, OwnerView, Owners, SortMode};
use crate::model::text_order::text_cmp;
use crate::model::{prefetch, Alert, AlertState, Labels, Severity};

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
    /// Gone with a restarted source, not known to be resolved.
    pub unknown: usize,
    /// Some alert (in any state) has severity `error`: only then does the
    /// header count ERR (a constant `0 ERR` reads as a category that exists).
    pub any_error: bool,
}

impl Counts {
    pub fn add(&mut self, a: &Alert) {
        let sev = a.severity();
        match a.state {
            AlertState::Firing => self.by_severity[sev as usize] += 1,
            AlertState::Pending => self.pending += 1,
            AlertState::Suppressed => self.suppressed += 1,
            AlertState::Unknown => self.unknown += 1,
        }
        self.any_error |= sev == Severity::Error;
    }

    pub fn of(alerts: &[Alert]) -> Counts {
        let mut counts = Counts::default();
        alerts.iter().for_each(|a| counts.add(a));
        counts
    }
}

/// The rows, widths and counts, or (`rows` false: no screen shows them,
/// as in `oncall serve`) only the counts: at 50,000 alerts the rows and
/// their widths were most of a merge's time and a list as long as the alerts.
pub fn view_rows_if(alerts: &[Alert], v: &ViewInputs, rows: bool) -> (Vec<Row>, RowWidths, Counts) {
    if rows {
        view_rows(alerts, v)
    } else {
        (Vec::new(), RowWidths::default(), Counts::of(alerts))
    }
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
        AlertState::Unknown => 3,
    }
}

/// Sort key inside a group (`triage::sort_key`): firing first, then as the mode says.
type SortKey = (u8, u8, i64, i64);

/// A group while the alerts are walked.
struct Group<'a> {
    key: &'a str,
    /// Its first alert in merged order; the others are compared with it.
    reference: usize,
    /// With their sort keys, computed once rather than per comparison.
    members: Vec<(SortKey, usize)>,
    active: usize,
    /// Its most urgent member's state rank and severity (firing before
    /// suppressed, then most severe): the group row's severity, whatever the sort.
    urgent: (u8, Severity),
    /// Names whose value differs from the reference's (or is missing on
    /// one side) for some member.
    differs: Vec<&'a str>,
}

/// From this many alerts the walks run on two threads: past the decodes,
/// a merge has both cores to itself.
pub const SPLIT_FROM: usize = 8_000;

/// What the rows depend on besides the alerts.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewInputs {
    pub filter: Filter,
    pub group_by: String,
    pub show_silenced: bool,
    pub show_inhibited: bool,
    pub collapsed: HashSet<String>,
    /// Large groups unfolded by hand; groups of `fold_from` or more start folded.
    pub expanded: HashSet<String>,
    pub fold_from: usize,
    pub sort: SortMode,
    pub owner_view: OwnerView,
    /// Filled only when the owner view or the sort asks.
    pub owners: Owners,
}

impl Default for ViewInputs {
    fn default() -> ViewInputs {
        ViewInputs {
            filter: Filter::default(),
            group_by: "alertname".into(),
            show_silenced: true,
            show_inhibited: true,
            collapsed: HashSet::new(),
            expanded: HashSet::new(),
            fold_from: 0,
            sort: SortMode::default(),
            owner_view: OwnerView::default(),
            owners: Owners::default(),
        }
    }
}

/// The rows, their widths and the counts of merged alerts.
///
/// Why it walks the alerts in merged order (and never in row order): each
/// alert's labels are their own allocation, and at 10,000 alerts from an
/// HA pair the rows' time was in cache misses. Walked in order, the
/// memory is read front to back; a group's members are compared with the
/// group's first alert, which stays in cache.
pub fn view_rows(alerts: &[Alert], v: &ViewInputs) -> (Vec<Row>, RowWidths, Counts) {
    view_rows_split(alerts, v, alerts.len() >= SPLIT_FROM)
}

/// `view_rows` with its two walks over the alerts split in halves, one
/// on a thread of its own, or not (`split`; public for the tests, which
/// split small lists).
pub fn view_rows_split(
    alerts: &[Alert],
    v: &ViewInputs,
    split: bool,
) -> (Vec<Row>, RowWidths, Counts) {
    let group_by = v.group_by.as_str();
    let walk_part = |part: std::ops::Range<usize>| walk(alerts, part, v);
    let Walk {
        counts, mut groups, ..
    } = in_halves(alerts.len(), split, walk_part, |a, b| join(alerts, a, b));
    for g in &mut groups {
        // Alerts of one rule often start at the same second: those are in
        // label order (instance mq-0, mq-1, mq-2), not the order they came in.
        g.members.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| alerts[a.1].labels.cmp(&alerts[b.1].labels))
        });
    }
    // Groups: the most urgent first member, then name for a stable order.
    groups.sort_by(|a, b| {
        a.members[0]
            .0
            .cmp(&b.members[0].0)
            .then_with(|| a.key.cmp(b.key))
    });
    let skip = |name: &str| name == group_by || name == "severity" || name == "alertname";
    let mut rows = Vec::with_capacity(alerts.len() + groups.len());
    // Per alert, the row of the group it is listed under (not listed: MAX).
    let mut listed_under = vec![usize::MAX; alerts.len()];
    let mut listed_groups = Vec::new();
    for g in &groups {
        let single = (g.members.len() == 1).then(|| g.members[0].1);
        let is_collapsed = single.is_none()
            && is_folded(
                g.key,
                g.members.len(),
                &v.collapsed,
                &v.expanded,
                v.fold_from,
            );
        let mut distinct: Vec<&str> = match single {
            // A group of one shows every label but the skipped ones.
            Some(i) => alerts[i].labels.keys().collect(),
            None => g.differs.clone(),
        };
        distinct.retain(|k| !skip(k));
        distinct.sort_unstable();
        let at = rows.len();
        rows.push(Row::Group {
            key: g.key.to_string(),
            count: g.members.len(),
            active: g.active,
            severity: g.urgent.1,
            collapsed: is_collapsed,
            distinct: distinct.into_iter().map(str::to_string).collect(),
            single,
        });
        if is_collapsed {
            continue;
        }
        listed_groups.push(g);
        for &(_, i) in &g.members {
            listed_under[i] = at;
        }
        if single.is_none() {
            rows.extend(g.members.iter().map(|&(_, index)| Row::Alert { index }));
        }
    }
    let common = common_labels(alerts, &listed_groups);
    let measure_part = |part: std::ops::Range<usize>| {
        measure(alerts, part, &rows, &listed_under, group_by, &common)
    };
    let mut widths = in_halves(alerts.len(), split, measure_part, RowWidths::widest);
    widths.common = common;
    (rows, widths, counts)
}

/// `part(0..n)`, or `part` over both halves of `0..n` side by side
/// (`halves::both`), put together with `join`.
fn in_halves<T: Send>(
    n: usize,
    split: bool,
    part: impl Fn(std::ops::Range<usize>) -> T + Sync,
    join: impl FnOnce(T, T) -> T,
) -> T {
    if !split || n < 2 {
        return part(0..n);
    }
    let mid = n / 2;
    let (first, second) = crate::work_split::both(|| part(0..mid), &|| part(mid..n));
    join(first, second)
}

/// The counts and groups of some alerts, in merged order.
struct Walk<'a> {
    counts: Counts,
    slots: HashMap<&'a str, usize>,
    groups: Vec<Group<'a>>,
}

fn walk<'a>(alerts: &'a [Alert], part: std::ops::Range<usize>, v: &ViewInputs) -> Walk<'a> {
    let mut w = Walk {
        counts: Counts::default(),
        slots: HashMap::new(),
        groups: Vec::new(),
    };
    for i in part {
        prefetch::alert_sets(alerts, i + prefetch::AHEAD);
        let a = &alerts[i];
        let sev = a.severity();
        w.counts.add(a);
        if !visible(a, &v.filter, v.show_silenced, v.show_inhibited)
            || !owner_visible(v.owner_view, &v.owners, a)
        {
            continue;
        }
        let key = a.labels.get(&v.group_by).unwrap_or("");
        let groups = &mut w.groups;
        let slot = *w.slots.entry(key).or_insert_with(|| {
            groups.push(Group {
                key,
                reference: i,
                members: Vec::new(),
                active: 0,
                urgent: (u8::MAX, Severity::None),
                differs: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[slot];
        if g.reference != i {
            differences(&alerts[g.reference].labels, &a.labels, &mut g.differs);
        }
        g.active += usize::from(a.state == AlertState::Firing);
        g.urgent = g.urgent.min((state_rank(a), sev));
        let owned = v.sort == SortMode::Unacked && v.owners.owned.contains(&a.fingerprint);
        g.members.push((sort_key(v.sort, a, owned), i));
    }
    w
}

/// The walk of the first half with the second's after it. A group in both
/// keeps the first half's reference alert: the names where the second
/// half's reference differs from it, and the names its members differ in
/// from that one, are the names they differ in from the first.
fn join<'a>(alerts: &'a [Alert], mut a: Walk<'a>, b: Walk<'a>) -> Walk<'a> {
    for (n, more) in a.counts.by_severity.iter_mut().zip(b.counts.by_severity) {
        *n += more;
    }
    a.counts.pending += b.counts.pending;
    a.counts.suppressed += b.counts.suppressed;
    a.counts.unknown += b.counts.unknown;
    a.counts.any_error |= b.counts.any_error;
    for g in b.groups {
        match a.slots.get(g.key) {
            Some(&slot) => {
                let into = &mut a.groups[slot];
                differences(
                    &alerts[into.reference].labels,
                    &alerts[g.reference].labels,
                    &mut into.differs,
                );
                for d in g.differs {
                    mark(&mut into.differs, d);
                }
                into.active += g.active;
                into.urgent = into.urgent.min(g.urgent);
                into.members.extend(g.members);
            }
            None => {
                a.slots.insert(g.key, a.groups.len());
                a.groups.push(g);
            }
        }
    }
    a
}

/// Marks the names whose values differ between two sorted sets, walking
/// both at once (a missing name differs too).
fn differences<'a>(reference: &'a Labels, other: &'a Labels, differs: &mut Vec<&'a str>) {
    if Labels::ptr_eq(reference, other) {
        return;
    }
    let (mut a, mut b) = (reference.iter().peekable(), other.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some((ka, _)), None) => {
                mark(differs, ka);
                a.next();
            }
            (None, Some((kb, _))) => {
                mark(differs, kb);
                b.next();
            }
            (Some((ka, va)), Some((kb, vb))) => match text_cmp(ka.as_bytes(), kb.as_bytes()) {
                Ordering::Less => {
                    mark(differs, ka);
                    a.next();
                }
                Ordering::Greater => {
                    mark(differs, kb);
                    b.next();
                }
                Ordering::Equal => {
                    if va != vb {
                        mark(differs, ka);
                    }
                    a.next();
                    b.next();
                }
            },
        }
    }
}

fn mark<'a>(differs: &mut Vec<&'a str>, k: &'a str) {
    if !differs.contains(&k) {
        differs.push(k);
    }
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

/// Labels with one value on every listed alert: the pairs each listed
/// group's alerts share (its first alert's, less the names that differ),
/// intersected over the groups. One listed alert has none.
fn common_labels(alerts: &[Alert], listed: &[&Group]) -> Vec<(String, String)> {
    let mut common: Option<Vec<(&str, &str)>> = None;
    for g in listed {
        let reference = &alerts[g.reference].labels;
        let shared = |k: &str| !g.differs.contains(&k);
        match &mut common {
            None => common = Some(reference.iter().filter(|(k, _)| shared(k)).collect()),
            Some(c) => c.retain(|&(k, v)| shared(k) && reference.get(k) == Some(v)),
        }
    }
    let listed_alerts: usize = listed.iter().map(|g| g.members.len()).sum();
    match common {
        Some(c) if listed_alerts > 1 => c
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _ => vec![],
    }
}

/// The index of the group row that row `i` is listed under (itself for a group row).
pub fn group_row_of(rows: &[Row], i: usize) -> Option<usize> {
    rows.get(..=i)?
        .iter()
        .rposition(|r| matches!(r, Row::Group { .. }))
}
