//! On-call rotations with a fake clock: handovers at local wall-clock time
//! across both DST changes of America/New_York, overrides, a handover in a
//! DST gap, and a rotation that has not started.

use chrono::{DateTime, TimeZone, Utc};
use oncall::config::local_time;
use oncall::model::schedule::{Override, Schedule};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Weekly turns handed over Monday 09:00 New York time, from 2026-10-26.
fn weekly() -> Schedule {
    Schedule {
        name: "fraud-model-oncall".into(),
        time_zone: "America/New_York".parse().unwrap(),
        turn: chrono::Duration::weeks(1),
        start: local_time("2026-10-26T09:00:00").unwrap(),
        users: vec!["alice".into(), "bob".into(), "carol".into()],
        overrides: vec![Override {
            user: "dave".into(),
            start: local_time("2026-12-24 00:00").unwrap(),
            end: local_time("2026-12-26 00:00").unwrap(),
        }],
    }
}

#[test]
fn a_handover_stays_at_nine_local_when_dst_ends() {
    let s = weekly();
    // Thursday 2026-10-29, EDT (UTC-4): alice, until Monday 09:00 EST = 14:00 UTC.
    let now = s.at(utc(2026, 10, 29, 12, 0)).unwrap();
    assert_eq!((now.user.as_str(), now.next.as_str()), ("alice", "bob"));
    assert_eq!(
        now.until,
        utc(2026, 11, 2, 14, 0),
        "DST ended on 2026-11-01"
    );
    assert!(!now.covering);
    assert_eq!(
        s.at(utc(2026, 11, 2, 13, 59)).unwrap().user,
        "alice",
        "08:59 local"
    );
    assert_eq!(
        s.at(utc(2026, 11, 2, 14, 0)).unwrap().user,
        "bob",
        "09:00 local"
    );
    // The first handover was 09:00 EDT = 13:00 UTC.
    assert_eq!(s.starts(), utc(2026, 10, 26, 13, 0));
}

#[test]
fn a_handover_stays_at_nine_local_when_dst_starts() {
    let s = weekly();
    // 2027-03-14 DST starts; Monday 2027-03-15 09:00 EDT = 13:00 UTC.
    let before = s.at(utc(2027, 3, 15, 12, 59)).unwrap();
    let after = s.at(utc(2027, 3, 15, 13, 0)).unwrap();
    assert_eq!(before.until, utc(2027, 3, 15, 13, 0));
    assert_ne!(before.user, after.user);
    assert_eq!(before.next, after.user);
    // 20 weeks after the start: turn 20, 20 % 3 = 2 → carol.
    assert_eq!(after.user, "carol");
}

#[test]
fn an_override_covers_its_window_and_ends_the_turn_early() {
    let s = weekly();
    let covered = s.at(utc(2026, 12, 25, 12, 0)).unwrap();
    assert_eq!(covered.user, "dave");
    assert!(covered.covering);
    assert_eq!(covered.until, utc(2026, 12, 26, 5, 0), "midnight EST");
    // The rotation's person of that week before and after the override.
    let before = s.at(utc(2026, 12, 23, 12, 0)).unwrap();
    assert_eq!(
        before.until,
        utc(2026, 12, 24, 5, 0),
        "ends when dave starts"
    );
    assert_eq!(before.next, "dave");
    assert_eq!(covered.next, before.user, "back to the rotation");
}

#[test]
fn a_handover_in_a_dst_gap_happens_at_the_first_time_that_exists() {
    let s = Schedule {
        name: "nights".into(),
        time_zone: "America/New_York".parse().unwrap(),
        turn: chrono::Duration::days(1),
        start: local_time("2027-03-10T02:30:00").unwrap(),
        users: vec!["erin".into(), "frank".into()],
        overrides: vec![],
    };
    // 02:30 on 2027-03-14 does not exist in New York: 03:00 EDT = 07:00 UTC.
    let on = s.at(utc(2027, 3, 14, 5, 0)).unwrap();
    assert_eq!(on.until, utc(2027, 3, 14, 7, 0));
}

#[test]
fn nobody_is_on_call_before_the_rotation_starts() {
    assert_eq!(weekly().at(utc(2026, 10, 1, 0, 0)), None);
}

use crate::common;

#[test]
fn the_status_bar_names_who_holds_the_pager() {
    let mut st = common::fixtures::one_source("am", utc(2026, 10, 29, 12, 0));
    st.schedules = vec![weekly()];
    common::fixtures::poll_alerts(&mut st, vec![]);
    let text = common::screen::screen(&st, 120, 24);
    assert!(text.contains("on call: alice until Mon 09:00"), "{text}");
}
