//! A wall board's state built through `update`, as `oncall wall` builds it:
//! two Alertmanagers of one cluster, alerts and acks, a fixed clock.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::panes::wall::{enter, WallSettings};
use oncall::core::{update, Msg, State};
use oncall::model::{label_matchers, Alert, AlertState, Silence, SilenceState};
use oncall::source::{Snapshot, SourceError, SourceKind};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap()
}

pub fn ago(minutes: i64) -> DateTime<Utc> {
    now() - chrono::Duration::minutes(minutes)
}

/// A firing alert from both members, started `minutes` ago.
pub fn alert(name: &str, severity: &str, extra: &[(&str, &str)], minutes: i64) -> Alert {
    let mut b = crate::common::build::alert(&[("alertname", name), ("severity", severity)]);
    for (k, v) in extra {
        b = b.label(k, v);
    }
    b.label("team", "ml-platform")
        .started(ago(minutes))
        .summary(&format!("{name} summary\u{1b}[2J"))
        .build()
}

/// `a` acked by `who` (a silence whose comment starts with ACK!), as
/// Alertmanager reports it: suppressed, silenced by the ack.
pub fn acked(a: &mut Alert, who: &str, silences: &mut Vec<Silence>) {
    let id = format!("ack-{}", silences.len());
    a.state = AlertState::Suppressed;
    a.silenced_by = vec![id.clone()];
    silences.push(Silence {
        id,
        matchers: label_matchers(&a.labels),
        starts_at: ago(5),
        ends_at: now() + chrono::Duration::minutes(10),
        created_by: who.into(),
        comment: "ACK! on it".into(),
        state: SilenceState::Active,
        source: "am-eu-1".into(),
    });
}

/// A wall on two Alertmanagers, both answering 3s ago with these alerts.
pub fn board(alerts: Vec<Alert>, silences: Vec<Silence>) -> State {
    let at = now() - chrono::Duration::seconds(3);
    board_at(alerts, silences, [at, at])
}

/// The same, each member answering last at its own time.
pub fn board_at(alerts: Vec<Alert>, silences: Vec<Silence>, at: [DateTime<Utc>; 2]) -> State {
    let specs = [
        crate::common::spec(
            "am-eu-1",
            SourceKind::Alertmanager,
            "http://am1:9093",
            Some("eu"),
        ),
        crate::common::spec(
            "am-eu-2",
            SourceKind::Alertmanager,
            "http://am2:9093",
            Some("eu"),
        ),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(10));
    enter(&mut st, &WallSettings::default());
    for (source, at) in at.into_iter().enumerate() {
        let result = Ok(Snapshot {
            alerts: alerts.clone().into(),
            silences: silences.clone(),
            ..Snapshot::default()
        });
        update(&mut st, Msg::Polled { source, at, result });
    }
    st
}

/// Member `source` fails its polls from `minutes` ago until now.
pub fn fail(st: &mut State, source: usize, minutes: i64) {
    let err = SourceError::Connect("connection refused".into());
    update(
        st,
        Msg::Polled {
            source,
            at: ago(minutes),
            result: Err(err),
        },
    );
}

/// Red: two criticals unacked (the older one on two pods), one acked by
/// bob, warnings and an info.
pub fn red() -> State {
    let (alerts, silences) = red_alerts();
    let mut st = board(alerts, silences);
    with_escalation_and_incident(&mut st);
    st
}

/// Criticals of the ML team escalate (5m, then 15m); an incident for
/// ModelServerDown was declared 20 minutes ago and is being investigated.
fn with_escalation_and_incident(st: &mut State) {
    use oncall::core::incidents::JournalReply;
    use oncall::model::escalation::{ClockStart, Level, Policy};
    use oncall::model::{parse_matchers, Event, EventData, EventKind, Sev, Status};
    let level = |after: i64, target: &str| Level {
        after: chrono::Duration::minutes(after),
        targets: vec![target.into()],
        notify: vec![],
    };
    st.policies = vec![Policy {
        name: "ml-critical".into(),
        matchers: parse_matchers(r#"team="ml-platform",severity="critical""#).unwrap(),
        levels: vec![
            level(5, "fraud-model-oncall"),
            level(15, "ml-platform-lead"),
        ],
        repeat: 0,
        active_time_intervals: vec![],
        clock: ClockStart::AlertStart,
    }];
    let down = st
        .alerts
        .iter()
        .find(|a| a.alertname() == "ModelServerDown")
        .unwrap()
        .clone();
    let mut declared = Event::new(ago(20), "erin", EventKind::Declared, "Fraud scoring down");
    declared.id = "e1".into();
    declared.data = EventData {
        title: Some("Fraud scoring down".into()),
        severity: Some(Sev::Sev2),
        fingerprint: Some(down.fingerprint.to_string()),
        labels: Some(down.labels.clone()),
        starts_at: Some(down.starts_at),
        ..EventData::default()
    };
    let mut status = Event::new(ago(15), "erin", EventKind::Status, "open → investigating");
    status.id = "e2".into();
    status.data = EventData {
        status: Some(Status::Investigating),
        ..EventData::default()
    };
    let batches = vec![("INC-20261122-001".to_string(), vec![declared, status])];
    update(
        st,
        Msg::Journal(JournalReply::Read {
            batches,
            problems: vec![],
        }),
    );
    st.status = None;
}

fn red_alerts() -> (Vec<Alert>, Vec<Silence>) {
    let mut silences = Vec::new();
    let mut latency = alert(
        "ModelLatencySLOBreach",
        "critical",
        &[("model", "fraud-xgb")],
        4,
    );
    acked(&mut latency, "bob", &mut silences);
    let alerts = vec![
        alert("ModelServerDown", "critical", &[("pod", "a")], 31),
        alert("ModelServerDown", "critical", &[("pod", "b")], 29),
        latency,
        alert("ModelErrorRateHigh", "critical", &[], 12),
        alert("FeatureDataDrift", "warning", &[], 135),
        alert("GPUMemoryNearlyFull", "warning", &[], 43),
        alert("LowConfidenceSurge", "info", &[], 14),
    ];
    (alerts, silences)
}

/// Amber: warnings only, one acked by carol.
pub fn amber() -> State {
    let mut silences = Vec::new();
    let mut drift = alert("FeatureDataDrift", "warning", &[], 135);
    acked(&mut drift, "carol", &mut silences);
    let alerts = vec![
        drift,
        alert("GPUMemoryNearlyFull", "warning", &[], 43),
        alert("LowConfidenceSurge", "info", &[], 14),
    ];
    board(alerts, silences)
}

/// Green: an info alert, and a critical someone silenced (not an ack).
pub fn green() -> State {
    let mut muted = alert("NightlyBatchLate", "critical", &[], 50);
    muted.state = AlertState::Suppressed;
    muted.silenced_by = vec!["maintenance".into()];
    board(
        vec![alert("LowConfidenceSurge", "info", &[], 14), muted],
        vec![],
    )
}

/// Stale: the red board, and neither member has answered for 5 minutes.
pub fn stale() -> State {
    let (alerts, silences) = red_alerts();
    let mut st = board_at(alerts, silences, [ago(5), ago(5)]);
    with_escalation_and_incident(&mut st);
    fail(&mut st, 0, 0);
    fail(&mut st, 1, 0);
    st
}

/// Degraded: the red board, and am-eu-2 has not answered for 5 minutes
/// while am-eu-1, of the same cluster, answers.
pub fn degraded() -> State {
    let (alerts, silences) = red_alerts();
    let mut st = board_at(
        alerts,
        silences,
        [now() - chrono::Duration::seconds(3), ago(5)],
    );
    with_escalation_and_incident(&mut st);
    fail(&mut st, 1, 0);
    st
}
