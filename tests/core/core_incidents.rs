//! Pure tests of incidents with a fake clock: the lifecycle and milestones
//! of the fold, and what `update()` journals for the keys and for what
//! polling observes. The journal is played by `Disk` here, which numbers
//! events and hands them back the way the journal thread does; the real
//! journal has its own tests (tests/journal.rs).

use crate::common::build;

use crate::common;

use common::disk::Disk;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::incidents::{JournalOp, JournalReply};
use oncall::core::update::{FormKey, InputEdit};
use oncall::core::{update, Action, Effect, Msg, Pane, State};
use oncall::model::{
    parse_matchers, Alert, Event, EventData, EventKind, Incident, Milestone, Sev, Silence,
    SilenceState, Status,
};
use oncall::source::alertmanager_writes::WriteOp;
use oncall::source::Snapshot;

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn min(m: i64) -> chrono::Duration {
    chrono::Duration::minutes(m)
}

pub(crate) fn alert(name: &str, instance: &str, severity: &str) -> Alert {
    build::alert(&[
        ("alertname", name),
        ("severity", severity),
        ("instance", instance),
    ])
    .started(t0() - min(10))
    .summary(&format!("{name} on {instance}"))
    .source("am")
    .build()
}

fn state(alerts: Vec<Alert>) -> State {
    let mut s = common::fixtures::one_source("am", t0());
    poll(&mut s, alerts, vec![]);
    s
}

pub(crate) fn poll(s: &mut State, alerts: Vec<Alert>, silences: Vec<Silence>) -> Vec<Effect> {
    let at = s.now;
    update(
        s,
        Msg::Polled {
            source: 0,
            at,
            result: Ok(Snapshot {
                alerts: alerts.into(),
                silences: silences
                    .into_iter()
                    .map(|x| Silence {
                        source: "am".into(),
                        ..x
                    })
                    .collect(),
                ..Snapshot::default()
            }),
        },
    )
}

/// Plays the journal thread: keeps every incident's lines and answers.
pub(crate) fn loaded(alerts: Vec<Alert>) -> (State, Disk) {
    let mut s = state(alerts);
    let mut disk = Disk::default();
    let fx = update(
        &mut s,
        Msg::Journal(JournalReply::Read {
            batches: vec![],
            problems: vec![],
        }),
    );
    disk.run(&mut s, fx);
    (s, disk)
}

pub(crate) fn type_line(s: &mut State, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(s, Msg::Input(InputEdit::Char(c)));
    }
    update(s, Msg::Input(InputEdit::Submit))
}

pub(crate) fn declare_first(s: &mut State, disk: &mut Disk) -> String {
    update(s, Msg::Action(Action::Incident));
    let form = s.iform.as_ref().expect("the declare form opens");
    assert_eq!(
        form.value("Severity"),
        "SEV2",
        "critical maps to SEV2 by default"
    );
    assert!(
        form.value("Title").starts_with("ModelServerDown: "),
        "{}",
        form.value("Title")
    );
    let fx = update(s, Msg::Form(FormKey::Enter));
    disk.run(s, fx);
    s.timeline
        .clone()
        .expect("the new incident's timeline is shown")
}

#[test]
fn declaring_by_key_journals_then_shows_the_timeline() {
    let (mut s, mut disk) = loaded(vec![alert("ModelServerDown", "gpu-1", "critical")]);
    let id = declare_first(&mut s, &mut disk);
    assert_eq!(s.pane, Pane::Timeline);
    let inc = s.incident(&id).unwrap();
    assert_eq!(inc.severity, Sev::Sev2);
    assert_eq!(inc.status, Status::Open);
    assert_eq!(inc.alerts.len(), 1);
    assert_eq!(inc.responders, vec!["alice".to_string()]);
    // impact_started and detected default to the alert's start.
    assert_eq!(
        inc.milestone(Milestone::ImpactStarted),
        Some(t0() - min(10))
    );
    assert_eq!(inc.milestone(Milestone::Declared), Some(t0()));
    let first = &disk.events(&id)[0];
    assert_eq!(first.kind, EventKind::Declared);
    // The postmortem's links come from what the link stored.
    assert_eq!(
        first.data.extra["annotations"]["summary"],
        "ModelServerDown on gpu-1"
    );
}

#[test]
fn notes_status_and_pins_go_to_the_journal_first() {
    let (mut s, mut disk) = loaded(vec![alert("ModelServerDown", "gpu-1", "critical")]);
    let id = declare_first(&mut s, &mut disk);
    update(&mut s, Msg::Action(Action::Note));
    let fx = type_line(&mut s, "restarted the pod");
    // Not shown before the journal has it.
    assert!(!s
        .incident(&id)
        .unwrap()
        .events
        .iter()
        .any(|e| e.kind == EventKind::Note));
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    assert_eq!(inc.events.last().unwrap().text, "restarted the pod");

    s.now = t0() + min(3);
    update(&mut s, Msg::Action(Action::Command));
    let fx = type_line(&mut s, "status inv");
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    assert_eq!(inc.status, Status::Investigating);
    assert_eq!(inc.milestone(Milestone::Acknowledged), Some(t0() + min(3)));

    // Pin the note (the cursor is on the last row after Top/Down moves).
    update(&mut s, Msg::Action(Action::Top));
    update(&mut s, Msg::Action(Action::Down));
    let fx = update(&mut s, Msg::Action(Action::Pin));
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    let note = inc
        .events
        .iter()
        .find(|e| e.kind == EventKind::Note)
        .unwrap();
    assert!(inc.is_pinned(note));
    assert!(
        !inc.events.iter().any(|e| e.kind == EventKind::Pin),
        "pins are not rows"
    );

    // The type filter shows notes only.
    update(&mut s, Msg::Action(Action::Filter));
    type_line(&mut s, "note");
    let rows = s.timeline_rows();
    assert_eq!(rows.len(), 1);
}

#[test]
fn polling_records_a_linked_alert_resolving_and_firing_again() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    let kinds = |s: &oncall::core::State| -> Vec<EventKind> {
        s.incident(&id)
            .unwrap()
            .events
            .iter()
            .map(|e| e.kind)
            .collect()
    };
    // Gone at 1m: not resolved yet (a restarted Alertmanager comes back
    // empty until Prometheus sends again)...
    s.now = t0() + min(1);
    let fx = poll(&mut s, vec![], vec![]);
    disk.run(&mut s, fx);
    assert_ne!(kinds(&s).last(), Some(&EventKind::AlertResolved));
    // ...and still gone past the grace (2m): resolved, at the time it went.
    s.now = t0() + min(4);
    let fx = poll(&mut s, vec![], vec![]);
    disk.run(&mut s, fx);
    assert_eq!(kinds(&s).last(), Some(&EventKind::AlertResolved));
    // Which copy resolved, not just its name.
    let last = s.incident(&id).unwrap().events.last().unwrap().clone();
    assert_eq!(last.text, "ModelServerDown instance=gpu-1 resolved");
    assert_eq!(last.time, t0() + min(1), "the true time of the resolution");
    // A second poll says nothing new.
    let fx = poll(&mut s, vec![], vec![]);
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Journal(JournalOp::Append { .. }))));
    s.now = t0() + min(5);
    let fx = poll(&mut s, vec![a], vec![]);
    disk.run(&mut s, fx);
    let last = s.incident(&id).unwrap().events.last().unwrap().clone();
    assert_eq!(last.kind, EventKind::AlertFired);
    assert_eq!(last.actor, "alertmanager");
}

/// Both Alertmanagers restarted: they answer, empty, until Prometheus sends
/// the alert again. That is no resolution: nothing reaches the timeline.
#[test]
fn an_alert_back_within_the_grace_never_resolved() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    let before = s.incident(&id).unwrap().events.len();
    for (at, alerts) in [(1, vec![]), (2, vec![]), (3, vec![a.clone()]), (6, vec![a])] {
        s.now = t0() + min(at);
        let fx = poll(&mut s, alerts, vec![]);
        disk.run(&mut s, fx);
    }
    let events = &s.incident(&id).unwrap().events;
    assert_eq!(
        events.len(),
        before,
        "no resolved / fires again pair: {:?}",
        &events[before..]
    );
}

#[test]
fn an_alert_missing_while_its_source_is_down_has_not_resolved() {
    let (mut s, mut disk) = loaded(vec![alert("ModelServerDown", "gpu-1", "critical")]);
    let id = declare_first(&mut s, &mut disk);
    let at = s.now;
    let fx = update(
        &mut s,
        Msg::Polled {
            source: 0,
            at,
            result: Err(oncall::source::SourceError::Connect("refused".into())),
        },
    );
    disk.run(&mut s, fx);
    assert!(!s
        .incident(&id)
        .unwrap()
        .events
        .iter()
        .any(|e| e.kind == EventKind::AlertResolved));
}

#[test]
fn an_ack_of_a_linked_alert_lands_on_the_timeline_once() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    let ack = bobs_ack(&a);
    s.now = t0() + min(1);
    let fx = poll(&mut s, vec![a.clone()], vec![ack.clone()]);
    disk.run(&mut s, fx);
    let fx = poll(&mut s, vec![a.clone()], vec![ack.clone()]);
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    let acks: Vec<&Event> = inc
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Ack)
        .collect();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].actor, "bob");
    assert!(inc.responders.contains(&"bob".to_string()));
    assert_eq!(inc.milestone(Milestone::Acknowledged), Some(t0()));
    // It runs out: an unack event.
    s.now = t0() + min(16);
    let fx = poll(
        &mut s,
        vec![a],
        vec![Silence {
            state: SilenceState::Expired,
            ..ack
        }],
    );
    disk.run(&mut s, fx);
    assert_eq!(
        s.incident(&id).unwrap().events.last().unwrap().kind,
        EventKind::Unack
    );
}

/// bob acks the alert for 15 minutes at t0.
pub(crate) fn bobs_ack(a: &Alert) -> Silence {
    Silence {
        id: "ack-1".into(),
        matchers: oncall::model::label_matchers(&a.labels),
        starts_at: t0(),
        ends_at: t0() + min(15),
        created_by: "bob".into(),
        comment: "ACK! on it".into(),
        state: SilenceState::Active,
        source: String::new(),
    }
}

fn resolve_setup() -> (State, Disk, String) {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    let ack = bobs_ack(&a);
    let fx = poll(&mut s, vec![a], vec![ack]);
    disk.run(&mut s, fx);
    s.pane = Pane::Timeline;
    update(&mut s, Msg::Action(Action::Resolve));
    let fx = type_line(&mut s, "rolled back model v42");
    assert!(fx.is_empty(), "asks about the acks first");
    assert!(s.confirm.is_some());
    (s, disk, id)
}

#[test]
fn resolving_asks_about_acks_then_writes_the_postmortem() {
    let (mut s, mut disk, id) = resolve_setup();
    let fx = update(&mut s, Msg::Confirm(true));
    let expire = fx.iter().find_map(|e| match e {
        Effect::Write(w) => Some(w.jobs.clone()),
        _ => None,
    });
    let jobs = expire.expect("y expires the acks");
    assert!(matches!(&jobs[0].1, WriteOp::Expire(ids) if ids == &vec!["ack-1".to_string()]));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Journal(JournalOp::Postmortem { .. }))));
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    assert_eq!(inc.status, Status::Resolved);
    assert_eq!(inc.resolution.as_deref(), Some("rolled back model v42"));
    assert!(inc.milestone(Milestone::Resolved).is_some());
    assert_eq!(
        inc.milestone(Milestone::Mitigated),
        inc.milestone(Milestone::Resolved)
    );

    // n keeps the acks but resolves; Esc does nothing at all.
    let (mut s, _, _) = resolve_setup();
    let fx = update(&mut s, Msg::Confirm(false));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Write(_))));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Journal(JournalOp::Append { .. }))));
    let (mut s, _, _) = resolve_setup();
    assert!(update(&mut s, Msg::Dismiss).is_empty());
    assert!(s.confirm.is_none());
}

#[test]
fn read_only_refuses_incident_writes() {
    let (mut s, _) = loaded(vec![alert("ModelServerDown", "gpu-1", "critical")]);
    s.read_only = true;
    for a in [
        Action::Incident,
        Action::Note,
        Action::Postmortem,
        Action::StatusUpdate,
        Action::Pin,
    ] {
        assert!(update(&mut s, Msg::Action(a)).is_empty());
        assert!(s.iform.is_none() && s.input.is_none(), "{a:?}");
    }
    update(&mut s, Msg::Action(Action::Command));
    assert!(type_line(&mut s, "status investigating").is_empty());
}

#[test]
fn attach_links_the_alert_to_an_open_incident() {
    let (mut s, mut disk) = loaded(vec![
        alert("ModelServerDown", "gpu-1", "critical"),
        alert("HighLatency", "gpu-2", "warning"),
    ]);
    s.group_by = "instance".into();
    oncall::core::update::rebuild(&mut s);
    let id = declare_first(&mut s, &mut disk);
    s.pane = Pane::Alerts;
    update(&mut s, Msg::Action(Action::Down));
    update(&mut s, Msg::Action(Action::Incident));
    let form = s.iform.as_ref().unwrap();
    assert_eq!(form.value("Severity"), "SEV3");
    assert_eq!(form.attach.len(), 1);
    update(&mut s, Msg::Form(FormKey::Down));
    let fx = update(&mut s, Msg::Form(FormKey::Enter));
    disk.run(&mut s, fx);
    assert_eq!(s.incident(&id).unwrap().alerts.len(), 2);
}

#[test]
fn the_status_update_composer_records_the_template() {
    let (mut s, mut disk) = loaded(vec![alert("ModelServerDown", "gpu-1", "critical")]);
    let id = declare_first(&mut s, &mut disk);
    update(&mut s, Msg::Action(Action::StatusUpdate));
    let form = s.iform.as_ref().expect("composer opens");
    assert!(
        form.value("Impact").contains("1 of 1 linked alert firing"),
        "{}",
        form.value("Impact")
    );
    // Status: open → acknowledged → investigating.
    update(&mut s, Msg::Form(FormKey::Up));
    update(&mut s, Msg::Form(FormKey::Toggle));
    update(&mut s, Msg::Form(FormKey::Toggle));
    for _ in 0..4 {
        update(&mut s, Msg::Form(FormKey::Down));
    }
    let fx = update(&mut s, Msg::Form(FormKey::Enter));
    disk.run(&mut s, fx);
    let inc = s.incident(&id).unwrap();
    assert_eq!(inc.status, Status::Investigating);
    let upd = inc
        .events
        .iter()
        .find(|e| e.kind == EventKind::StatusUpdate)
        .unwrap();
    assert!(
        upd.text
            .starts_with(&format!("Incident Update: {id} [SEV2]")),
        "{}",
        upd.text
    );
    assert!(upd.text.contains("Status: investigating"));
    assert!(upd.text.contains("Next update: 03:30 UTC"), "{}", upd.text);
}

#[test]
fn auto_declare_makes_one_incident_per_alertname() {
    let mut s = state(vec![]);
    s.incident_settings.auto_declare = vec![(
        parse_matchers("severity=critical").unwrap(),
        Some(Sev::Sev1),
    )];
    let mut disk = Disk::default();
    let fx = update(
        &mut s,
        Msg::Journal(JournalReply::Read {
            batches: vec![],
            problems: vec![],
        }),
    );
    disk.run(&mut s, fx);
    let fx = poll(
        &mut s,
        vec![
            alert("ModelServerDown", "gpu-1", "critical"),
            alert("ModelServerDown", "gpu-2", "critical"),
            alert("HighLatency", "gpu-1", "warning"),
        ],
        vec![],
    );
    let declares: Vec<&JournalOp> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Journal(op @ JournalOp::Declare { .. }) => Some(op),
            _ => None,
        })
        .collect();
    assert_eq!(declares.len(), 1);
    let JournalOp::Declare {
        first,
        unless_linked,
        show,
        ..
    } = declares[0]
    else {
        unreachable!()
    };
    assert_eq!(unless_linked.len(), 2);
    assert!(!show);
    assert_eq!(first.data.severity, Some(Sev::Sev1));
    disk.run(&mut s, fx);
    // The next poll declares nothing more.
    let fx = poll(
        &mut s,
        vec![alert("ModelServerDown", "gpu-1", "critical")],
        vec![],
    );
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Journal(JournalOp::Declare { .. }))));
    assert_eq!(
        s.pane,
        Pane::Alerts,
        "a rule's declaration does not steal the screen"
    );
}

// --- the fold itself ---

fn ev(at: i64, actor: &str, kind: EventKind, text: &str, data: EventData) -> Event {
    let mut e = Event::new(t0() + min(at), actor, kind, text);
    e.id = format!("x{at}{}", kind.word());
    e.data = data;
    e
}

#[test]
fn lifecycle_milestones_and_metrics() {
    let declared = EventData {
        title: Some("Fraud model down".into()),
        severity: Some(Sev::Sev2),
        fingerprint: Some("fp1".into()),
        starts_at: Some(t0() - min(4)),
        ..EventData::default()
    };
    let status = |s| EventData {
        status: Some(s),
        ..EventData::default()
    };
    let events = vec![
        ev(
            0,
            "alice",
            EventKind::Declared,
            "Fraud model down",
            declared,
        ),
        ev(
            2,
            "alice",
            EventKind::Status,
            "",
            status(Status::Acknowledged),
        ),
        ev(5, "bob", EventKind::Status, "", status(Status::Identified)),
        ev(9, "bob", EventKind::Status, "", status(Status::Monitoring)),
        ev(
            30,
            "alice",
            EventKind::Status,
            "rolled back",
            status(Status::Resolved),
        ),
        ev(
            31,
            "alice",
            EventKind::Milestone,
            "",
            EventData {
                milestone: Some(Milestone::ImpactStarted),
                at: Some(t0() - min(20)),
                ..EventData::default()
            },
        ),
    ];
    let inc = Incident::replay("INC-20261122-001", events).unwrap();
    assert_eq!(inc.status, Status::Resolved);
    assert_eq!(inc.resolution.as_deref(), Some("rolled back"));
    assert_eq!(inc.responders, vec!["alice".to_string(), "bob".to_string()]);
    let m = inc.metrics();
    // impact −20m (by hand), detected at the first observation (the
    // declaration, 0m), the alert fired −4m, acked +2m, mitigated +9m,
    // resolved +30m.
    assert_eq!(m.time_to_detect, Some(min(20)));
    assert_eq!(m.time_to_acknowledge, Some(min(6)));
    assert_eq!(m.time_to_mitigate, Some(min(29)));
    assert_eq!(m.time_to_resolve, Some(min(50)));
    assert!(inc.milestone_by_hand(Milestone::ImpactStarted));

    // Reopening clears resolved.
    let mut again = inc.clone();
    again.apply(ev(
        40,
        "carol",
        EventKind::Status,
        "",
        status(Status::Investigating),
    ));
    assert!(again.is_open());
    assert_eq!(again.milestone(Milestone::Resolved), None);
    assert_eq!(again.resolution, None);
}

#[test]
fn two_consoles_observing_the_same_change_show_it_once() {
    let declared = EventData {
        fingerprint: Some("fp1".into()),
        ..EventData::default()
    };
    let fp = || EventData {
        fingerprint: Some("fp1".into()),
        ..EventData::default()
    };
    let sil = || EventData {
        silence_id: Some("s1".into()),
        ..EventData::default()
    };
    let events = vec![
        ev(0, "alice", EventKind::Declared, "t", declared),
        ev(
            1,
            "alertmanager",
            EventKind::AlertResolved,
            "resolved",
            fp(),
        ),
        ev(
            2,
            "alertmanager",
            EventKind::AlertResolved,
            "resolved",
            fp(),
        ),
        ev(3, "bob", EventKind::Ack, "acked", sil()),
        ev(4, "bob", EventKind::Ack, "acked", sil()),
        ev(5, "alertmanager", EventKind::AlertFired, "again", fp()),
        ev(6, "alertmanager", EventKind::AlertFired, "again", fp()),
    ];
    let inc = Incident::replay("INC-20261122-001", events).unwrap();
    let kinds: Vec<EventKind> = inc.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Declared,
            EventKind::AlertResolved,
            EventKind::Ack,
            EventKind::AlertFired
        ]
    );
    assert!(Incident::replay(
        "x",
        vec![ev(0, "a", EventKind::Note, "n", EventData::default())]
    )
    .is_none());
}

#[test]
fn the_timeline_is_in_time_order_whatever_order_events_were_written_in() {
    // The observer finds bob's ack of 3 minutes ago after alice's note:
    // it is written last, with the time it was made.
    let declared = EventData {
        fingerprint: Some("fp1".into()),
        ..EventData::default()
    };
    let said = |at, who, kind, text| ev(at, who, kind, text, EventData::default());
    let events = vec![
        ev(0, "alice", EventKind::Declared, "Nodes down", declared),
        said(2, "alice", EventKind::Note, "rebooting"),
        said(-3, "bob", EventKind::Ack, "acked by bob"),
        said(2, "alice", EventKind::Note, "rebooted"),
    ];
    let inc = Incident::replay("INC-20261122-001", events).unwrap();
    let shown: Vec<&str> = inc.events.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        shown,
        ["acked by bob", "Nodes down", "rebooting", "rebooted"]
    );
}
