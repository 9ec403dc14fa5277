//! The activity log's new lines: fires and acks not yet recorded, found
//! from the alerts and silences alone (pure, so a merge on a worker thread
//! finds them too).

use std::collections::HashSet;

use crate::model::{Activity, ActivityKind, Alert, AlertState, LabelText, Silence};

/// What `activity` has already recorded: an alert's start, or an ack of it.
/// Kept as small keys, not strings: this runs over every alert at every
/// merge, and formatting and hashing 50,000 strings took 50–100 ms there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seen {
    Fired(LabelText, i64),
    Acked(String, LabelText),
}

/// The fires and acks among `alerts` that `seen` lacks, and the keys of
/// all of them now (what is gone is forgotten, so the set stays as big as
/// the alert list). Pure, so that a merge on a worker thread runs it too:
/// at 50,000 alerts it was nine tenths of a landing on the UI task.
pub fn activity_of(
    alerts: &[Alert],
    silences: &[Silence],
    seen: &HashSet<Seen>,
    ack_prefix: &str,
    gone: &HashSet<LabelText>,
) -> (HashSet<Seen>, Vec<Activity>) {
    let mut out = Vec::new();
    let mut current: HashSet<Seen> = HashSet::with_capacity(seen.len());
    for a in alerts.iter().filter(|a| a.state != AlertState::Pending) {
        let record = |time, kind, key, actor: &str| Activity {
            time,
            kind,
            alertname: a.alertname().to_string(),
            fingerprint: a.fingerprint.to_string(),
            key,
            actor: actor.to_string(),
        };
        let fired = Seen::Fired(a.fingerprint.clone(), a.starts_at.timestamp());
        // Back within the grace after an Alertmanager restart (maybe with a
        // new start): the same firing, not a new one.
        if !seen.contains(&fired) && !gone.contains(&a.fingerprint) {
            let key = format!("{}@{}", a.fingerprint, a.starts_at.timestamp());
            out.push(record(a.starts_at, ActivityKind::Fired, key, ""));
        }
        current.insert(fired);
        for s in silences_of(silences, a).filter(|s| s.is_ack(ack_prefix)) {
            let acked = Seen::Acked(s.id.clone(), a.fingerprint.clone());
            if !seen.contains(&acked) {
                let key = format!("{}/{}", s.id, a.fingerprint);
                out.push(record(s.starts_at, ActivityKind::Acked, key, &s.created_by));
            }
            current.insert(acked);
        }
    }
    (current, out)
}

/// The silences among `silences` (by id) that suppress `alert`.
pub fn silences_of<'a>(
    silences: &'a [Silence],
    alert: &'a Alert,
) -> impl Iterator<Item = &'a Silence> + 'a {
    alert
        .silenced_by
        .iter()
        .filter_map(move |id| silences.iter().find(|s| &s.id == id))
}

/// The fingerprints that fired in `before` and are not in `after`: alerts
/// that just went away.
pub fn went_away(before: &HashSet<Seen>, after: &HashSet<Seen>) -> Vec<LabelText> {
    let now: HashSet<&LabelText> = after
        .iter()
        .filter_map(|s| match s {
            Seen::Fired(fp, _) => Some(fp),
            Seen::Acked(..) => None,
        })
        .collect();
    before
        .iter()
        .filter_map(|s| match s {
            Seen::Fired(fp, _) if !now.contains(fp) => Some(fp.clone()),
            _ => None,
        })
        .collect()
}
