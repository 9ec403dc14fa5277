//! The escalation pane from a console state: groups by policy and
//! alertname, the soonest next escalation first, held groups after, targets
//! resolved through the on-call schedule, and the countdown on screen.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::fixtures::{one_source, poll_alerts};
use oncall::config::local_time;
use oncall::core::escalations::escalation_rows;
use oncall::core::{update, Action, Msg, Pane};
use oncall::model::escalation::{Level, Policy};
use oncall::model::schedule::Schedule;
use oncall::model::{parse_matchers, Alert, AlertState, Labels, Silence, SilenceState};
use oncall::source::Snapshot;

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap() + Duration::minutes(min)
}

fn alert(name: &str, started: i64) -> Alert {
    let labels: Labels = [("alertname", name), ("team", "ml-platform")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut a = Alert::new(labels, AlertState::Firing, t(started));
    a.sources = vec!["am".into()];
    a
}

/// A `New` alert of one pod (two pods make a group of two).
fn new_on(pod: &str, started: i64) -> Alert {
    let mut labels = alert("New", started).labels;
    labels.insert("pod".into(), pod.into());
    let mut a = Alert::new(labels, AlertState::Firing, t(started));
    a.sources = vec!["am".into()];
    a
}

fn policy() -> Policy {
    Policy {
        name: "ml-model-serving".into(),
        matchers: parse_matchers(r#"team="ml-platform""#).unwrap(),
        levels: vec![
            Level {
                after: Duration::minutes(5),
                targets: vec!["fraud-model-oncall".into()],
                notify: vec![],
            },
            Level {
                after: Duration::minutes(15),
                targets: vec!["ml-platform-lead".into()],
                notify: vec![],
            },
        ],
        repeat: 0,
        active_time_intervals: vec![],
    }
}

#[test]
fn groups_are_sorted_by_the_next_escalation_and_held_ones_come_last() {
    let mut s = one_source("am", t(10));
    s.policies = vec![policy()];
    s.schedules = vec![Schedule {
        name: "fraud-model-oncall".into(),
        time_zone: "UTC".parse().unwrap(),
        turn: Duration::weeks(1),
        start: local_time("2026-11-16T09:00:00").unwrap(),
        users: vec!["bob".into()],
        overrides: vec![],
    }];
    let ack = Silence {
        id: "a1".into(),
        matchers: parse_matchers(r#"alertname="Acked""#).unwrap(),
        starts_at: t(0),
        ends_at: t(30),
        created_by: "carol".into(),
        comment: "ACK! looking".into(),
        state: SilenceState::Active,
        source: "am".into(),
    };
    let snap = Snapshot {
        alerts: vec![
            alert("Old", 0),
            new_on("a", 8),
            new_on("b", 9),
            alert("Acked", 0),
        ],
        silences: vec![ack],
        ..Snapshot::default()
    };
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t(10),
            result: Ok(snap),
        },
    );
    let rows = escalation_rows(&s);
    let names: Vec<(&str, usize)> = rows.iter().map(|r| (r.group.as_str(), r.alerts)).collect();
    // New: 3 minutes to L1. Old: L1 paged, 5 minutes to L2. Acked: held.
    assert_eq!(names, [("New", 2), ("Old", 1), ("Acked", 1)]);
    update(&mut s, Msg::Action(Action::Escalations));
    assert_eq!(s.pane, Pane::Escalations);
    let screen = common::screen::screen(&s, 120, 24);
    assert!(
        screen.contains("L1 in 03:00 → fraud-model-oncall (bob)"),
        "{screen}"
    );
    assert!(screen.contains("L1 fraud-model-oncall (bob)"), "{screen}");
    assert!(
        screen.contains("held: acked by carol, 20m left"),
        "{screen}"
    );
    // A second later the countdown moved.
    update(&mut s, Msg::Tick(t(10) + Duration::seconds(1)));
    assert!(common::screen::screen(&s, 120, 24).contains("L1 in 02:59"));
    poll_alerts(&mut s, vec![]);
    assert!(escalation_rows(&s).is_empty());
}
