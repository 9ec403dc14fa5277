//! The activity `oncall stats` counts is journaled once per alert start and
//! once per ack, however many polls see it (pure `update()` tests).

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::fixtures::{labels, one_source, poll};
use oncall::core::incidents::JournalOp;
use oncall::core::{Effect, State};
use oncall::model::matcher::{MatchOp, Matcher};
use oncall::model::{ActivityKind, Alert, AlertState, Silence, SilenceState, ACK_PREFIX};
use oncall::source::Snapshot;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn alert(started: DateTime<Utc>) -> Alert {
    let l = labels(&[("alertname", "Disk"), ("pod", "db-0")]);
    Alert::new(l, AlertState::Firing, started)
}

fn ack() -> Silence {
    Silence {
        id: "s1".into(),
        matchers: vec![Matcher::literal("pod", MatchOp::Eq, "db-0")],
        starts_at: t0(),
        ends_at: t0() + Duration::hours(1),
        created_by: "alice".into(),
        comment: format!("{ACK_PREFIX} looking"),
        state: SilenceState::Active,
        source: "am1".into(),
    }
}

/// The kinds of activity a poll journaled.
fn journaled(s: &mut State, alerts: Vec<Alert>, silences: Vec<Silence>) -> Vec<ActivityKind> {
    let snap = Snapshot {
        alerts,
        silences,
        ..Snapshot::default()
    };
    poll(s, 0, snap)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Journal(JournalOp::Activity(list)) => Some(list),
            _ => None,
        })
        .flatten()
        .map(|a| a.kind)
        .collect()
}

#[test]
fn a_start_and_an_ack_are_journaled_once_each() {
    let mut s = one_source("am1", t0());
    s.journal_loaded = true;
    let first = alert(t0());
    assert_eq!(
        journaled(&mut s, vec![first.clone()], vec![]),
        [ActivityKind::Fired]
    );
    assert!(journaled(&mut s, vec![first.clone()], vec![]).is_empty());
    // Alertmanager reports the acked alert silenced by the ack.
    let mut acked = first;
    acked.state = AlertState::Suppressed;
    acked.silenced_by = vec!["s1".into()];
    assert_eq!(
        journaled(&mut s, vec![acked.clone()], vec![ack()]),
        [ActivityKind::Acked]
    );
    assert!(journaled(&mut s, vec![acked], vec![ack()]).is_empty());
    // It resolved and fired again: a new start.
    assert!(journaled(&mut s, vec![], vec![]).is_empty());
    let again = alert(t0() + Duration::minutes(30));
    assert_eq!(
        journaled(&mut s, vec![again], vec![]),
        [ActivityKind::Fired]
    );
}
