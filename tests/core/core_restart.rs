//! An Alertmanager that restarts (or comes back from being down) answers
//! empty until Prometheus sends its alerts again: what went away with it is
//! `unknown` for `resolve_grace`, not resolved. A source that answers all
//! along and loses an alert: that is a resolution, and the row goes.

use crate::common::{self, build};

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::{update, Msg, Row, State};
use oncall::model::{Alert, AlertState};
use oncall::source::{Snapshot, SourceError};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap()
}

fn secs(s: i64) -> chrono::Duration {
    chrono::Duration::seconds(s)
}

fn alert(name: &str) -> Alert {
    build::alert(&[("alertname", name), ("severity", "critical")])
        .started(t0() - secs(600))
        .source("am")
        .build()
}

fn answer(s: &mut State, at: i64, alerts: Vec<Alert>, started: Option<i64>) {
    s.now = t0() + secs(at);
    let at = s.now;
    update(
        s,
        Msg::Polled {
            source: 0,
            at,
            result: Ok(Snapshot {
                alerts: alerts.into(),
                started: started.map(|m| t0() + secs(m)),
                ..Snapshot::default()
            }),
        },
    );
}

fn refuse(s: &mut State, at: i64) {
    s.now = t0() + secs(at);
    let at = s.now;
    update(
        s,
        Msg::Polled {
            source: 0,
            at,
            result: Err(SourceError::Connect("connection refused".into())),
        },
    );
}

/// Each alert on screen (in the rows) with its state word.
fn shown(s: &State) -> Vec<(String, &'static str)> {
    s.rows
        .iter()
        .filter_map(|r| match r {
            Row::Alert { index } => Some(&s.alerts[*index]),
            Row::Group {
                single: Some(index),
                ..
            } => Some(&s.alerts[*index]),
            Row::Group { .. } => None,
        })
        .map(|a| (a.alertname().to_string(), a.state_word()))
        .collect()
}

fn one_source() -> State {
    common::fixtures::one_source("am", t0())
}

#[test]
fn alerts_gone_with_a_member_back_from_down_are_unknown_until_prometheus_resends() {
    let mut s = one_source();
    answer(
        &mut s,
        0,
        vec![alert("HighErrorRate"), alert("DiskFull")],
        None,
    );
    refuse(&mut s, 15);
    // Back, empty: nothing is known to have resolved.
    answer(&mut s, 30, vec![], None);
    assert_eq!(
        shown(&s),
        vec![
            ("DiskFull".to_string(), "unknown"),
            ("HighErrorRate".to_string(), "unknown")
        ]
    );
    assert_eq!(s.counts.unknown, 2);
    assert_eq!(s.counts.by_severity.iter().sum::<usize>(), 0);
    // Said in words on each row and in the header, not only in colour.
    let screen = common::screen::screen(&s, 120, 24);
    assert!(screen.contains("2 unknown"), "{screen}");
    assert_eq!(screen.matches("UNKNOWN").count(), 2, "{screen}");
    // The wall: neither firing nor all clear.
    let board = oncall::core::panes::wall::board::board(&s);
    assert_eq!(board.level, oncall::core::panes::wall::board::Level::Amber);
    assert_eq!((board.tally.unknown, board.tally.critical), (2, 0));
    // Prometheus re-sends one: it fires; the other stays unknown.
    answer(&mut s, 60, vec![alert("HighErrorRate")], None);
    assert_eq!(
        shown(&s),
        vec![
            ("HighErrorRate".to_string(), "firing"),
            ("DiskFull".to_string(), "unknown")
        ]
    );
    // Past the grace (2m from when it went) the other is gone: it resolved.
    answer(&mut s, 155, vec![alert("HighErrorRate")], None);
    assert_eq!(shown(&s), vec![("HighErrorRate".to_string(), "firing")]);
    assert_eq!(s.counts.unknown, 0);
}

#[test]
fn a_new_start_time_is_a_restart_even_with_no_failed_poll() {
    let mut s = one_source();
    answer(&mut s, 0, vec![alert("HighErrorRate")], Some(-3600));
    // Restarted between two polls: its uptime says so.
    answer(&mut s, 15, vec![], Some(10));
    assert_eq!(shown(&s), vec![("HighErrorRate".to_string(), "unknown")]);
    answer(&mut s, 30, vec![alert("HighErrorRate")], Some(10));
    assert_eq!(shown(&s), vec![("HighErrorRate".to_string(), "firing")]);
    assert!(s.unknown.is_empty());
}

#[test]
fn an_alert_gone_from_a_source_that_answered_all_along_resolved() {
    let mut s = one_source();
    answer(
        &mut s,
        0,
        vec![alert("HighErrorRate"), alert("DiskFull")],
        Some(-3600),
    );
    answer(&mut s, 15, vec![alert("HighErrorRate")], Some(-3600));
    assert_eq!(shown(&s), vec![("HighErrorRate".to_string(), "firing")]);
    assert!(s.unknown.is_empty());
    assert_eq!(
        s.alerts
            .iter()
            .filter(|a| a.state == AlertState::Unknown)
            .count(),
        0
    );
}

#[test]
fn only_what_went_away_with_the_restarted_source_is_unknown() {
    let specs = [
        common::fixtures::am_spec("a"),
        common::fixtures::am_spec("b"),
    ];
    let mut s = State::new(&specs, t0(), std::time::Duration::from_secs(15));
    let from = |name: &str, source: &str| {
        build::alert(&[("alertname", name), ("severity", "critical")])
            .started(t0() - secs(600))
            .source(source)
            .build()
    };
    let answer_on = |s: &mut State, source: usize, at: i64, alerts: Vec<Alert>, ok: bool| {
        s.now = t0() + secs(at);
        let at = s.now;
        let result = if ok {
            Ok(Snapshot {
                alerts: alerts.into(),
                ..Snapshot::default()
            })
        } else {
            Err(SourceError::Connect("connection refused".into()))
        };
        update(s, Msg::Polled { source, at, result });
    };
    answer_on(&mut s, 0, 0, vec![from("OnA", "a")], true);
    answer_on(&mut s, 1, 0, vec![from("OnB", "b")], true);
    answer_on(&mut s, 1, 15, vec![], false);
    // b is back (empty); a, which answered all along, lost its alert too.
    answer_on(&mut s, 1, 30, vec![], true);
    answer_on(&mut s, 0, 31, vec![], true);
    assert_eq!(shown(&s), vec![("OnB".to_string(), "unknown")]);
}
