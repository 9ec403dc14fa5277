//! Escalation with a fake clock: levels fall due on time, an ack holds the
//! clock and its end lets it go on, repeat stops after its count, and the
//! first matching policy applies.

use crate::common::build;

use chrono::{DateTime, Duration, TimeZone, Utc};
use oncall::model::escalation::{policy_for, standing, ClockStart, Level, Policy};
use oncall::model::{parse_matchers, Alert, Silence, SilenceState};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap() + Duration::minutes(min)
}

fn alert(name: &str) -> Alert {
    build::alert(&[
        ("alertname", name),
        ("team", "ml-platform"),
        ("severity", "critical"),
    ])
    .started(t(0))
    .build()
}

fn policy(repeat: u32) -> Policy {
    Policy {
        name: "ml-model-serving".into(),
        matchers: parse_matchers(r#"team="ml-platform",severity="critical""#).unwrap(),
        levels: vec![
            Level {
                after: Duration::minutes(5),
                targets: vec!["fraud-model-oncall".into()],
                notify: vec!["pager".into()],
            },
            Level {
                after: Duration::minutes(15),
                targets: vec!["ml-platform-lead".into()],
                notify: vec!["pager".into(), "terminal".into()],
            },
        ],
        repeat,
        active_time_intervals: vec![],
        clock: ClockStart::AlertStart,
    }
}

fn ack(from: i64, to: i64) -> Silence {
    Silence {
        id: "ack-1".into(),
        matchers: parse_matchers(r#"alertname="ModelServerDown""#).unwrap(),
        starts_at: t(from),
        ends_at: t(to),
        created_by: "bob".into(),
        comment: "ACK! on it".into(),
        state: SilenceState::Active,
        source: "am".into(),
    }
}

#[test]
fn levels_fall_due_on_time() {
    let a = alert("ModelServerDown");
    let p = policy(0);
    let at4 = standing(&p, &[&a], &[], None, t(4)).unwrap();
    assert!(at4.reached.is_empty());
    assert_eq!(at4.next, Some((0, 0, Duration::minutes(1))));
    let at5 = standing(&p, &[&a], &[], None, t(5)).unwrap();
    assert_eq!(at5.reached.len(), 1);
    assert_eq!(at5.reached[0].at, t(5));
    assert_eq!(at5.next, Some((0, 1, Duration::minutes(10))));
    let at20 = standing(&p, &[&a], &[], None, t(20)).unwrap();
    assert_eq!(at20.reached.len(), 2);
    assert_eq!(at20.next, None, "no repeat: done after the last level");
}

#[test]
fn an_ack_holds_the_clock_and_its_end_lets_it_go_on() {
    let a = alert("ModelServerDown");
    let p = policy(0);
    // Acked from minute 3 to minute 13: the 5-minute level waits.
    let held = standing(&p, &[&a], &[ack(3, 13)], None, t(10)).unwrap();
    assert!(held.reached.is_empty(), "{held:?}");
    assert_eq!(
        held.held_by.as_ref().map(|s| s.created_by.as_str()),
        Some("bob")
    );
    assert_eq!(held.elapsed, Duration::minutes(3));
    // The ack ran out at 13 while it still fires: 2 more minutes to level 1.
    let after = standing(&p, &[&a], &[ack(3, 13)], None, t(14)).unwrap();
    assert!(after.held_by.is_none());
    assert_eq!(after.next, Some((0, 0, Duration::minutes(1))));
    let due = standing(&p, &[&a], &[ack(3, 13)], None, t(15)).unwrap();
    assert_eq!(due.reached[0].at, t(15), "5 minutes of escalation time");
}

#[test]
fn repeat_runs_the_levels_again_and_then_stops() {
    let a = alert("ModelServerDown");
    let p = policy(1);
    // Loop length 15m: pass 1's levels at 20m and 30m.
    let s = standing(&p, &[&a], &[], None, t(21)).unwrap();
    let keys: Vec<(u32, usize)> = s.reached.iter().map(|d| (d.pass, d.level)).collect();
    assert_eq!(keys, [(0, 0), (0, 1), (1, 0)]);
    assert_eq!(s.next, Some((1, 1, Duration::minutes(9))));
    let end = standing(&p, &[&a], &[], None, t(600)).unwrap();
    assert_eq!(end.reached.len(), 4, "two passes, then nothing more");
    assert_eq!(end.next, None);
}

#[test]
fn the_first_matching_policy_applies_and_keys_are_per_pass_and_level() {
    let a = alert("ModelServerDown");
    let mut catch_all = policy(0);
    catch_all.name = "everything".into();
    catch_all.matchers = vec![];
    let policies = [policy(0), catch_all];
    assert_eq!(
        policy_for(&a, &policies, &[], t(0)).unwrap().name,
        "ml-model-serving"
    );
    let mut other = alert("Other");
    other.labels.insert("team".into(), "search".into());
    assert_eq!(
        policy_for(&other, &policies, &[], t(0)).unwrap().name,
        "everything"
    );
    let s = standing(&policies[0], &[&a], &[], None, t(16)).unwrap();
    let k0 = s.reached[0].key("ml-model-serving", "ModelServerDown", s.started);
    let k1 = s.reached[1].key("ml-model-serving", "ModelServerDown", s.started);
    assert_ne!(k0, k1);
    assert!(k0.ends_with("/0/0") && k1.ends_with("/0/1"), "{k0} {k1}");
}

#[test]
fn a_policy_applies_only_inside_its_time_intervals() {
    let yaml = "- name: business_hours\n  time_intervals:\n    - {times: [{start_time: \"09:00\", end_time: \"17:00\"}], weekdays: [\"monday:friday\"], location: Europe/Berlin}\n";
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let intervals = oncall::config::time_intervals_value(Some(&value)).unwrap();
    let mut office = policy(0);
    office.name = "page-in-office-hours".into();
    office.active_time_intervals = vec!["business_hours".into()];
    let mut channel = policy(0);
    channel.name = "channel-otherwise".into();
    let policies = [office, channel];
    let a = alert("ModelServerDown");
    // Monday 2026-11-23 10:00 Berlin (09:00 UTC) vs Sunday 2026-11-22 10:00.
    let monday = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let sunday = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    assert_eq!(
        policy_for(&a, &policies, &intervals, monday).unwrap().name,
        "page-in-office-hours"
    );
    assert_eq!(
        policy_for(&a, &policies, &intervals, sunday).unwrap().name,
        "channel-otherwise"
    );
}

#[test]
fn a_clock_started_by_the_declaration_waits_for_an_incident() {
    let a = alert("ModelServerDown");
    let mut p = policy(0);
    p.clock = ClockStart::IncidentDeclared;
    assert_eq!(
        standing(&p, &[&a], &[], None, t(30)),
        None,
        "no incident: no escalation"
    );
    // Declared at minute 20: level 1 is due at 25, not at 5.
    let s = standing(&p, &[&a], &[], Some(t(20)), t(24)).unwrap();
    assert!(s.reached.is_empty());
    assert_eq!(s.next, Some((0, 0, Duration::minutes(1))));
}
