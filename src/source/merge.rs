//! HA dedup: the same alert (same fingerprint) reported by several sources is
//! shown once, with every source that reported it.

use std::collections::HashMap;

use crate::model::{Alert, AlertState};

/// Merges per-source alert lists. For an alert seen by several sources the
/// most urgent state wins (firing over pending over suppressed), so one
/// member that has not yet heard of a silence never hides a firing alert.
pub fn merge_alerts<'a>(per_source: impl IntoIterator<Item = (&'a str, &'a [Alert])>) -> Vec<Alert> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<Alert> = Vec::new();
    for (source, alerts) in per_source {
        for alert in alerts {
            match index.get(alert.fingerprint.as_str()) {
                Some(&i) => absorb(&mut out[i], alert, source),
                None => {
                    index.insert(alert.fingerprint.as_str(), out.len());
                    let mut a = alert.clone();
                    if !a.sources.iter().any(|s| s == source) {
                        a.sources.push(source.to_string());
                    }
                    out.push(a);
                }
            }
        }
    }
    out
}

fn rank(state: AlertState) -> u8 {
    match state {
        AlertState::Firing => 0,
        AlertState::Pending => 1,
        AlertState::Suppressed => 2,
    }
}

fn absorb(into: &mut Alert, other: &Alert, source: &str) {
    if !into.sources.iter().any(|s| s == source) {
        into.sources.push(source.to_string());
    }
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
    for (k, v) in &other.annotations {
        into.annotations.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if into.generator_url.is_empty() {
        into.generator_url = other.generator_url.clone();
    }
}

fn union(into: &mut Vec<String>, more: &[String]) {
    for m in more {
        if !into.contains(m) {
            into.push(m.clone());
        }
    }
}
