//! The activity `oncall stats` counts is journaled once per alert start and
//! once per ack, however many polls see it (pure `update()` tests).

use crate::common::build;

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::fixtures::{one_source, poll};
use oncall::core::incidents::JournalOp;
use oncall::core::merge_view::{compute, MergeJob};
use oncall::core::{update, Effect, Msg, State};
use oncall::model::matcher::{MatchOp, Matcher};
use oncall::model::{ActivityKind, Alert, AlertState, Silence, SilenceState, ACK_PREFIX};
use oncall::source::{Snapshot, SourceError};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn alert(started: DateTime<Utc>) -> Alert {
    build::alert(&[("alertname", "Disk"), ("pod", "db-0")])
        .started(started)
        .build()
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
        alerts: alerts.into(),
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
    // It resolved and, half an hour later, fired again: a new start.
    assert!(journaled(&mut s, vec![], vec![]).is_empty());
    s.now = t0() + Duration::minutes(30);
    let again = alert(t0() + Duration::minutes(30));
    assert_eq!(
        journaled(&mut s, vec![again], vec![]),
        [ActivityKind::Fired]
    );
}

/// Both Alertmanagers restarted: the alert is gone, then sent again by
/// Prometheus (here with a new start, as a re-sent alert may carry). Within
/// `resolve_grace` that is the same firing: `oncall stats` counts it once.
#[test]
fn an_alert_back_within_the_grace_is_not_a_new_firing() {
    let mut s = one_source("am1", t0());
    s.journal_loaded = true;
    assert_eq!(
        journaled(&mut s, vec![alert(t0())], vec![]),
        [ActivityKind::Fired]
    );
    s.now = t0() + Duration::seconds(10);
    assert!(journaled(&mut s, vec![], vec![]).is_empty());
    s.now = t0() + Duration::seconds(60);
    let resent = alert(t0() + Duration::seconds(55));
    assert!(
        journaled(&mut s, vec![resent.clone()], vec![]).is_empty(),
        "no second firing"
    );
    assert!(journaled(&mut s, vec![resent], vec![]).is_empty());
}

/// A console that merges every poll on a worker thread (the worker here is
/// a call to `merge_view::compute`, all the worker runs).
fn background() -> State {
    let mut s = one_source("am1", t0());
    s.journal_loaded = true;
    s.merge.background_from = 1;
    s
}

/// Sends out the merge a poll asked for; returns its job.
fn merge_job(s: &mut State, effects: Vec<Effect>) -> MergeJob {
    assert!(effects.contains(&Effect::MergeSoon), "{effects:?}");
    update(s, Msg::MergeNow)
        .into_iter()
        .find_map(|e| match e {
            Effect::Merge(j) => Some(*j),
            _ => None,
        })
        .expect("MergeNow sends out a merge")
}

fn activity_kinds(effects: &[Effect]) -> Vec<ActivityKind> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Journal(JournalOp::Activity(list)) => Some(list),
            _ => None,
        })
        .flatten()
        .map(|a| a.kind)
        .collect()
}

#[test]
fn a_merge_on_a_worker_finds_the_activity_and_the_console_journals_it_once() {
    let mut s = background();
    let first = alert(t0());
    for expected in [vec![ActivityKind::Fired], vec![]] {
        let effects = poll(
            &mut s,
            0,
            Snapshot {
                alerts: vec![first.clone()].into(),
                ..Snapshot::default()
            },
        );
        let job = merge_job(&mut s, effects);
        let merged = compute(job);
        let found = merged.activity.as_ref().expect("the worker looked");
        assert_eq!(
            found.new.iter().map(|a| a.kind).collect::<Vec<_>>(),
            expected
        );
        let effects = update(&mut s, Msg::Merged(Ok(Box::new(merged))));
        assert_eq!(activity_kinds(&effects), expected);
    }
}

#[test]
fn activity_found_against_keys_that_changed_meanwhile_is_not_journaled_twice() {
    let mut s = background();
    let snap = || Snapshot {
        alerts: vec![alert(t0())].into(),
        ..Snapshot::default()
    };
    // Merged before the journal was read: nothing observed yet.
    s.journal_loaded = false;
    let asked = poll(&mut s, 0, snap());
    let job = merge_job(&mut s, asked);
    assert!(job.activity.is_none(), "no observer before the journal");
    let effects = update(&mut s, Msg::Merged(Ok(Box::new(compute(job)))));
    assert!(activity_kinds(&effects).is_empty());
    s.journal_loaded = true;
    let asked = poll(&mut s, 0, snap());
    let job = merge_job(&mut s, asked);
    // While that merge is out, a failed poll lands: the observer looks at
    // the alerts merged last and journals the start.
    let failed = update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t0(),
            result: Err(SourceError::Timeout(std::time::Duration::from_secs(1))),
        },
    );
    assert_eq!(activity_kinds(&failed), [ActivityKind::Fired]);
    // The worker found the same start against the keys it left with.
    let merged = compute(job);
    assert_eq!(merged.activity.as_ref().unwrap().new.len(), 1);
    let effects = update(&mut s, Msg::Merged(Ok(Box::new(merged))));
    assert!(activity_kinds(&effects).is_empty(), "journaled once");
}
