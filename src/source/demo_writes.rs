//! Writes in the demo: acks and silences kept in memory and laid over the
//! demo Alertmanagers' answers, so the whole flow can be tried offline.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::alertmanager_writes::{WriteOp, WriteReport, WriteRequest};
use super::Snapshot;
use crate::model::{ack_prefix_of, AlertState, Silence, SilenceDraft, SilenceState};

/// Applies a write to the demo's silences and says what happened.
pub fn apply(store: &mut Vec<Silence>, req: &WriteRequest, now: DateTime<Utc>) -> WriteReport {
    let results = req
        .jobs
        .iter()
        .map(|(cluster, op)| (cluster.name.clone(), run(store, op, now)))
        .collect();
    WriteReport {
        what: req.what.clone(),
        from_form: req.from_form,
        results,
    }
}

fn run(store: &mut Vec<Silence>, op: &WriteOp, now: DateTime<Utc>) -> Result<String, String> {
    match op {
        WriteOp::Ack(d) => {
            if let Some(s) = store
                .iter()
                .find(|s| {
                    s.is_ack(ack_prefix_of(&d.comment))
                        && s.is_active(now)
                        && s.same_matchers(&d.matchers)
                })
            {
                return Ok(format!("already acked by {}", s.created_by));
            }
            let id = create(store, d, now);
            Ok(format!("acked (silence {})", &id[..8]))
        }
        WriteOp::Silence(d) => {
            if let Some(old) = &d.id {
                expire(store, old, now);
            }
            let id = create(store, d, now);
            Ok(format!("silence {} created", &id[..8]))
        }
        WriteOp::Expire(ids) => {
            for id in ids {
                expire(store, id, now);
            }
            Ok(format!("{} expired", ids.len()))
        }
        WriteOp::Extend { id, by } => {
            let s = store
                .iter_mut()
                .find(|s| s.id == *id)
                .ok_or_else(|| format!("silence {id} not found"))?;
            s.ends_at = s.ends_at.max(now) + chrono::Duration::from_std(*by).unwrap_or_default();
            s.state = SilenceState::Active;
            Ok(format!("now ends {}", s.ends_at.format("%H:%M UTC")))
        }
        WriteOp::Resolve(_) => Ok(
            "resolved (the demo's Prometheus still fires it, so it comes back, as it would for real)"
                .into(),
        ),
    }
}

fn create(store: &mut Vec<Silence>, d: &SilenceDraft, now: DateTime<Utc>) -> String {
    let id = format!(
        "dem0{:04x}-0000-4000-8000-{:012x}",
        store.len(),
        now.timestamp()
    );
    store.push(Silence {
        id: id.clone(),
        matchers: d.matchers.clone(),
        starts_at: d.starts_at.max(now),
        ends_at: d.ends_at,
        created_by: d.created_by.clone(),
        comment: d.comment.clone(),
        state: SilenceState::Active,
        source: String::new(),
    });
    id
}

fn expire(store: &mut [Silence], id: &str, now: DateTime<Utc>) {
    if let Some(s) = store.iter_mut().find(|s| s.id == id) {
        s.ends_at = s.ends_at.min(now);
        s.state = SilenceState::Expired;
    }
}

/// Lays the demo's silences over one demo Alertmanager's snapshot: the
/// store (seeded with the scenario's own silences) decides what is silenced.
pub fn overlay(snap: &mut Snapshot, store: &[Silence], source: &str, now: DateTime<Utc>) {
    for a in Arc::make_mut(&mut snap.alerts) {
        a.silenced_by.clear();
        a.state = if a.inhibited_by.is_empty() {
            AlertState::Firing
        } else {
            AlertState::Suppressed
        };
        for s in store
            .iter()
            .filter(|s| s.is_active(now) && s.covers(&a.labels))
        {
            a.state = AlertState::Suppressed;
            a.silenced_by.push(s.id.clone());
        }
    }
    snap.silences = store
        .iter()
        .map(|s| Silence {
            state: s.state_at(now),
            source: source.to_string(),
            ..s.clone()
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::label_matchers;
    use crate::source::cluster::Cluster;
    use crate::source::demo;

    fn req(op: WriteOp) -> WriteRequest {
        WriteRequest {
            what: "w".into(),
            from_form: false,
            jobs: vec![(
                Cluster {
                    name: "demo".into(),
                    members: vec![0, 1],
                },
                op,
            )],
        }
    }

    #[test]
    fn demo_acks_silence_the_scenario_until_expired() {
        let started = Utc::now();
        let now = started + chrono::Duration::seconds(30);
        let mut store = demo::snapshot(0, started, started).silences;
        let firing = demo::snapshot(0, started, now)
            .alerts
            .iter()
            .find(|a| a.state == AlertState::Firing)
            .cloned()
            .expect("the scenario has a firing alert");
        let draft = SilenceDraft {
            id: None,
            matchers: label_matchers(&firing.labels),
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(15),
            created_by: "alice".into(),
            comment: "ACK! on it".into(),
        };
        let r = apply(&mut store, &req(WriteOp::Ack(draft.clone())), now);
        assert!(r.results[0].1.as_ref().unwrap().starts_with("acked"));
        let r = apply(&mut store, &req(WriteOp::Ack(draft)), now);
        assert_eq!(r.results[0].1.as_ref().unwrap(), "already acked by alice");

        // What a demo Alertmanager reports with the store laid over it.
        let seen = |store: &[Silence]| {
            let mut snap = demo::snapshot(0, started, now);
            overlay(&mut snap, store, "am-demo-1", now);
            let a = snap
                .alerts
                .iter()
                .find(|a| a.fingerprint == firing.fingerprint)
                .cloned()
                .unwrap();
            (snap, a)
        };
        let (snap, a) = seen(&store);
        assert_eq!(a.state, AlertState::Suppressed);
        let ack_id = a.silenced_by[0].clone();
        assert!(snap
            .silences
            .iter()
            .any(|s| s.id == ack_id && s.is_ack("ACK!")));

        apply(&mut store, &req(WriteOp::Expire(vec![ack_id])), now);
        let (snap, a) = seen(&store);
        assert_eq!(a.state, AlertState::Firing);
        // The scenario's own silence still silences its alert.
        assert!(snap.alerts.iter().any(|a| !a.silenced_by.is_empty()));
    }
}
