//! HA dedup: the same alert (same fingerprint) reported by several sources is
//! shown once, with every source that reported it.

use std::collections::HashMap;

use super::SourceKind;
use crate::model::text_order::less;
use crate::model::{prefetch, Alert, AlertState, LabelText, Labels};

/// Merges per-source alert lists, all treated as Alertmanagers.
pub fn merge_alerts<'a>(
    per_source: impl IntoIterator<Item = (&'a str, &'a [Alert])>,
) -> Vec<Alert> {
    merge_sources(
        per_source
            .into_iter()
            .map(|(n, a)| (n, SourceKind::Alertmanager, a)),
    )
}

/// From this many alerts in all lists together the merge runs on two
/// threads (`merge_split`).
pub const SPLIT_FROM: usize = 16_000;

/// Merges per-source alert lists. For an alert seen by several Alertmanagers
/// the most urgent state wins (firing over pending over suppressed), so one
/// member that has not yet heard of a silence never hides a firing alert.
/// Prometheus knows nothing of silences and inhibitions, so its copy only
/// decides the state of alerts no Alertmanager reports (pending ones).
/// The merged list is in the order alerts were first seen.
pub fn merge_sources<'a>(
    per_source: impl IntoIterator<Item = (&'a str, SourceKind, &'a [Alert])>,
) -> Vec<Alert> {
    let per_source: Vec<_> = per_source.into_iter().collect();
    let total: usize = per_source.iter().map(|(_, _, a)| a.len()).sum();
    merge_split(&per_source, total >= SPLIT_FROM)
}

/// One source's alerts, named.
type Source<'a> = (&'a str, SourceKind, &'a [Alert]);

/// `merge_sources`, on one thread or (`split`) on two. Public for the
/// tests, which split small lists.
pub fn merge_split(per_source: &[Source], split: bool) -> Vec<Alert> {
    // Alertmanager answers in fingerprint order: such lists are merged by
    // walking them side by side, with no index to build and look up.
    if per_source.iter().all(|(_, _, a)| ascending(a)) {
        merge_ascending(per_source, split)
    } else {
        merge_indexed(per_source, split)
    }
}

/// The merge of lists in any order, through an index of the fingerprints
/// seen. Public for the tests, which hold the other merge to it.
pub fn merge_indexed(per_source: &[Source], split: bool) -> Vec<Alert> {
    if !split {
        return merge_part(per_source, |_| true).0;
    }
    // Each thread merges the fingerprints of one half, told apart by their
    // last byte (fingerprints are hex hashes, so the halves are even), and
    // the two lists are then put back in first-seen order.
    let odd = |fingerprint: &LabelText| fingerprint.as_bytes().last().is_some_and(|b| b & 1 == 1);
    let (a, b) = crate::work_split::both(|| merge_part(per_source, |f| !odd(f)), &|| {
        merge_part(per_source, odd)
    });
    interleave(a, b)
}

/// Whether each fingerprint is greater than the one before.
fn ascending(alerts: &[Alert]) -> bool {
    alerts
        .windows(2)
        .all(|w| less(&w[0].fingerprint, &w[1].fingerprint))
}

/// Merged alerts, by the list each was first seen in, in that list's order.
type Buckets = Vec<Vec<Alert>>;

/// The merge of lists in fingerprint order. Split, one thread takes the
/// fingerprints below the longest list's middle one and the other the
/// rest, so each reads only its half of every list.
fn merge_ascending(per_source: &[Source], split: bool) -> Vec<Alert> {
    let longest = per_source
        .iter()
        .map(|(_, _, a)| *a)
        .max_by_key(|a| a.len())
        .unwrap_or_default();
    let parts = if split && longest.len() >= 2 {
        let middle = &longest[longest.len() / 2].fingerprint;
        let cut = |a: &[Alert]| a.partition_point(|x| less(&x.fingerprint, middle));
        let (low, high) =
            crate::work_split::both(|| walk_ascending(per_source, |a| &a[..cut(a)]), &|| {
                walk_ascending(per_source, |a| &a[cut(a)..])
            });
        vec![low, high]
    } else {
        vec![walk_ascending(per_source, |a| a)]
    };
    // First-seen order: the first list's alerts, then those the second
    // added, and so on; each list's low fingerprints before its high ones.
    let count: usize = parts.iter().flatten().map(Vec::len).sum();
    let mut parts: Vec<_> = parts.into_iter().map(Vec::into_iter).collect();
    let mut out: Vec<Alert> = Vec::new();
    for _ in per_source {
        for bucket in parts.iter_mut().filter_map(Iterator::next) {
            if out.is_empty() {
                // Taken, not copied: most often one bucket holds nearly all.
                out = bucket;
                out.reserve(count - out.len());
            } else {
                out.extend(bucket);
            }
        }
    }
    out
}

/// The merge of the parts (`part`) of lists in fingerprint order: the
/// lists are walked side by side, and each fingerprint's copies are folded
/// in list order, as `merge_part` folds them.
fn walk_ascending(per_source: &[Source], part: impl Fn(&[Alert]) -> &[Alert]) -> Buckets {
    let lists: Vec<&[Alert]> = per_source.iter().map(|(_, _, a)| part(a)).collect();
    let mut at = vec![0; lists.len()];
    let mut buckets: Buckets = vec![Vec::new(); lists.len()];
    if let (Some(bucket), Some(list)) = (buckets.first_mut(), lists.first()) {
        bucket.reserve(list.len());
    }
    let step = |list: usize, at: &mut [usize]| {
        at[list] += 1;
        prefetch::alert_sets(lists[list], at[list] + prefetch::AHEAD);
    };
    loop {
        // The lowest fingerprint at the lists' heads, and the first list with it.
        let mut lowest: Option<(usize, &Alert)> = None;
        for (list, alerts) in lists.iter().enumerate() {
            if let Some(a) = alerts.get(at[list]) {
                if lowest.is_none_or(|(_, l)| less(&a.fingerprint, &l.fingerprint)) {
                    lowest = Some((list, a));
                }
            }
        }
        let Some((first, alert)) = lowest else {
            break;
        };
        let (source, kind, _) = per_source[first];
        let mut merged = first_copy(alert, source);
        let mut from_am = kind != SourceKind::Prometheus;
        step(first, &mut at);
        for list in first + 1..lists.len() {
            if let Some(copy) = lists[list]
                .get(at[list])
                .filter(|c| c.fingerprint == alert.fingerprint)
            {
                let (source, kind, _) = per_source[list];
                fold(
                    &mut merged,
                    &mut from_am,
                    copy,
                    source,
                    kind != SourceKind::Prometheus,
                );
                step(list, &mut at);
            }
        }
        buckets[first].push(merged);
    }
    buckets
}

/// Merged alerts, each with the place it was first seen at (counted over
/// all lists in turn).
type Part = (Vec<Alert>, Vec<usize>);

/// The merge of the alerts whose fingerprint is `mine`.
fn merge_part(per_source: &[Source], mine: impl Fn(&LabelText) -> bool) -> Part {
    // Sized for the largest list up front: at 50,000 alerts the growing
    // table and list were a tenth of the merge.
    let most = per_source
        .iter()
        .map(|(_, _, a)| a.len())
        .max()
        .unwrap_or(0);
    // Keyed by a copy of the fingerprint (inline, 16 bytes): a lookup then
    // compares keys inside the table instead of reading the alert it came from.
    let mut index: HashMap<LabelText, usize> = HashMap::with_capacity(most);
    let mut out: Vec<Alert> = Vec::with_capacity(most);
    let mut seen_at: Vec<usize> = Vec::with_capacity(most);
    let mut from_am: Vec<bool> = Vec::with_capacity(most);
    let mut place = 0;
    for &(source, kind, alerts) in per_source {
        let is_am = kind != SourceKind::Prometheus;
        for (n, alert) in alerts.iter().enumerate() {
            place += 1;
            if alerts
                .get(n + prefetch::AHEAD)
                .is_some_and(|a| mine(&a.fingerprint))
            {
                prefetch::alert_sets(alerts, n + prefetch::AHEAD);
            }
            if !mine(&alert.fingerprint) {
                continue;
            }
            match index.get(&alert.fingerprint) {
                Some(&i) => fold(&mut out[i], &mut from_am[i], alert, source, is_am),
                None => {
                    index.insert(alert.fingerprint.clone(), out.len());
                    out.push(first_copy(alert, source));
                    seen_at.push(place);
                    from_am.push(is_am);
                }
            }
        }
    }
    (out, seen_at)
}

/// The merged alert's start: a copy of the first source's, named by it.
/// (No room is reserved for the other sources' names: an HA pair's two fit
/// inline, and reserving for ten sources made every merged alert an
/// allocation of its own, 19 MB at 50,000 alerts.)
fn first_copy(alert: &Alert, source: &str) -> Alert {
    let mut a = alert.clone();
    add_source(&mut a, source);
    a
}

/// Folds another source's copy into a merged alert. `from_am`: whether an
/// Alertmanager's copy is in it yet.
fn fold(into: &mut Alert, from_am: &mut bool, alert: &Alert, source: &str, is_am: bool) {
    if is_am && !*from_am {
        // The first Alertmanager copy replaces Prometheus's view of the state.
        let sources = std::mem::take(&mut into.sources);
        *into = Alert {
            sources,
            ..alert.clone()
        };
        *from_am = true;
    } else if !is_am && *from_am {
        add_source(into, source);
        return;
    }
    absorb(into, alert, source)
}

/// Two parts as one list, in first-seen order.
fn interleave((a, a_at): Part, (b, b_at): Part) -> Vec<Alert> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().zip(b_at).peekable();
    for (alert, at) in a.into_iter().zip(a_at) {
        while let Some((other, _)) = b.next_if(|(_, b_at)| *b_at < at) {
            out.push(other);
        }
        out.push(alert);
    }
    out.extend(b.map(|(alert, _)| alert));
    out
}

fn rank(state: AlertState) -> u8 {
    match state {
        AlertState::Firing => 0,
        AlertState::Pending => 1,
        AlertState::Suppressed => 2,
        // What a source reports now beats what was kept of a restart.
        AlertState::Unknown => 3,
    }
}

fn add_source(into: &mut Alert, source: &str) {
    if !into.sources.iter().any(|s| s == source) {
        into.sources.push(source.into());
    }
}

fn absorb(into: &mut Alert, other: &Alert, source: &str) {
    add_source(into, source);
    if rank(other.state) < rank(into.state) {
        into.state = other.state;
        if other.state != AlertState::Suppressed {
            into.silenced_by.clear();
            into.inhibited_by.clear();
        }
    } else if into.state == AlertState::Suppressed && other.state == AlertState::Suppressed {
        union(&mut into.silenced_by, &other.silenced_by);
        union(&mut into.inhibited_by, &other.inhibited_by);
    }
    union(&mut into.receivers, &other.receivers);
    if other.starts_at < into.starts_at {
        into.starts_at = other.starts_at;
    }
    if other.updated_at > into.updated_at {
        into.updated_at = other.updated_at;
    }
    // HA copies nearly always carry the same names: edit (and so copy) the
    // set only when the other copy has an annotation this one lacks.
    if !Labels::ptr_eq(&into.annotations, &other.annotations)
        && lacks_some(&into.annotations, &other.annotations)
    {
        let missing: Vec<(LabelText, LabelText)> = other
            .annotations
            .iter()
            .filter(|(k, _)| !into.annotations.contains_key(k))
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        into.annotations.extend(missing);
    }
    if into.generator_url.is_empty() {
        into.generator_url = other.generator_url.clone();
    }
}

/// Whether `other` has a name `mine` lacks: one walk over both sorted sets.
fn lacks_some(mine: &Labels, other: &Labels) -> bool {
    let mut names = mine.keys().peekable();
    other.keys().any(|k| {
        while names.next_if(|m| less(m, k)).is_some() {}
        names.next_if_eq(&k).is_none()
    })
}

/// Adds to `into` (a `Vec` or `Names`) what `more` has and it lacks.
fn union<T, V>(into: &mut V, more: &[T])
where
    T: PartialEq + Clone,
    V: std::ops::Deref<Target = [T]> + Extend<T>,
{
    for m in more {
        if !into.contains(m) {
            into.extend([m.clone()]);
        }
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
