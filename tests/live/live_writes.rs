//! The console's writes against a real Alertmanager HA pair: `update()`
//! decides, `write::execute` sends, and the servers are asked what they now
//! hold. One environment, checked step by step.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::{eventually, Alertmanagers};
use oncall::core::panes::silence_form::Field;
use oncall::core::update::{FormKey, InputEdit};
use oncall::core::{update, AckState, Action, Effect, Msg, Row, State, StatusLevel};
use oncall::model::{AlertState, Silence, SilenceDraft, SilenceState};
use oncall::source::alertmanager_writes::{execute, WriteOp, WriteRequest};
use oncall::source::cluster::Cluster;
use oncall::source::{fetch_once, SourceSpec};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(5);
const WITHIN: Duration = Duration::from_secs(20);

/// Polls every source into the state, as the console's pollers do.
async fn poll_all(state: &mut State, specs: &[SourceSpec]) {
    for (i, spec) in specs.iter().enumerate() {
        let result = fetch_once(spec, TIMEOUT).await;
        state.now = Utc::now();
        let at = state.now;
        update(
            state,
            Msg::Polled {
                source: i,
                at,
                result,
            },
        );
    }
}

/// Sends the effects' writes and feeds the answers back; returns the status line.
async fn run(state: &mut State, specs: &[SourceSpec], effects: Vec<Effect>) -> String {
    let mut sent = 0;
    for e in effects {
        if let Effect::Write(req) = e {
            sent += 1;
            let report = execute(specs, TIMEOUT, req).await;
            update(state, Msg::Wrote(report));
        }
    }
    assert_eq!(sent, 1, "one write expected");
    poll_all(state, specs).await;
    state
        .status
        .as_ref()
        .map(|s| s.1.clone())
        .unwrap_or_default()
}

/// The silences member `i` holds.
async fn silences_on(spec: &SourceSpec) -> Vec<Silence> {
    fetch_once(spec, TIMEOUT)
        .await
        .expect("member answers")
        .silences
}

fn active_acks(list: &[Silence]) -> Vec<&Silence> {
    list.iter()
        .filter(|s| s.is_ack("ACK!") && s.state == SilenceState::Active)
        .collect()
}

fn select(state: &mut State, instance: &str) {
    state.cursor = 0;
    for _ in 0..state.rows.len() {
        if state.selected_alert().map(|a| &a.labels["instance"]) == Some(instance) {
            return;
        }
        update(state, Msg::Action(Action::Down));
    }
    panic!("no row for instance {instance}");
}

#[tokio::test]
async fn writes_from_the_console_land_on_the_ha_pair() {
    let ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "instance": "a:1"},
         "annotations": {"summary": "fraud model server a:1 down"}},
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "instance": "b:1"},
         "annotations": {"summary": "fraud model server b:1 down"}},
    ]))
    .await;
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));
    state.author = "alice".into();
    poll_all(&mut state, &specs).await;
    assert_eq!(state.alerts.len(), 2);

    // Ack: one ACK! silence, on both members (gossip), and the alert is suppressed.
    select(&mut state, "a:1");
    let effects = update(&mut state, Msg::Action(Action::Ack));
    let text = run(&mut state, &specs, effects).await;
    assert!(
        text.starts_with("ack of ModelServerDown: acked (silence "),
        "{text}"
    );
    for spec in &specs {
        let acks = eventually(&format!("one ack on {}", spec.name), WITHIN, || async {
            let list = silences_on(spec).await;
            let acks: Vec<Silence> = active_acks(&list).into_iter().cloned().collect();
            let n = acks.len();
            (n == 1).then_some(acks).ok_or(format!("{n} acks"))
        })
        .await;
        assert_eq!(acks[0].created_by, "alice");
        assert_eq!(acks[0].matchers.len(), 3);
    }
    // The poll right after the write may reach a member before gossip
    // brought it the silence (then that member still reports the alert
    // firing, and firing wins the merge): poll again now both hold it.
    poll_all(&mut state, &specs).await;
    let a = state
        .alerts
        .iter()
        .find(|a| &a.labels["instance"] == "a:1")
        .unwrap();
    assert_eq!(a.state, AlertState::Suppressed);
    assert!(matches!(state.ack_state(a), AckState::Acked(s) if s.created_by == "alice"));
    let b = state
        .alerts
        .iter()
        .find(|a| &a.labels["instance"] == "b:1")
        .unwrap();
    assert_eq!(
        b.state,
        AlertState::Firing,
        "the ack selects exactly one alert"
    );

    // Acking again sends nothing.
    select(&mut state, "a:1");
    assert!(update(&mut state, Msg::Action(Action::Ack)).is_empty());

    // Unack expires it everywhere; the alert fires again.
    let effects = update(&mut state, Msg::Action(Action::Unack));
    let text = run(&mut state, &specs, effects).await;
    assert!(text.contains("1 silence expired"), "{text}");
    for spec in &specs {
        eventually(
            &format!("no active ack on {}", spec.name),
            WITHIN,
            || async {
                let n = active_acks(&silences_on(spec).await).len();
                (n == 0).then_some(()).ok_or(format!("{n} active acks"))
            },
        )
        .await;
    }
    poll_all(&mut state, &specs).await;
    assert!(state.alerts.iter().all(|a| a.state == AlertState::Firing));

    // The silence form: drop the instance, comment, submit.
    select(&mut state, "b:1");
    update(&mut state, Msg::Action(Action::Silence));
    let form_focus = |s: &mut State, f: Field| {
        for _ in 0..50 {
            if s.form.as_ref().unwrap().focused() == f {
                return;
            }
            update(s, Msg::Form(FormKey::Down));
        }
        panic!("no field {f:?} in {:?}", s.form);
    };
    form_focus(&mut state, Field::Matcher(1));
    update(&mut state, Msg::Form(FormKey::Toggle));
    assert_eq!(state.form.as_ref().unwrap().matched.len(), 2);
    form_focus(&mut state, Field::Comment);
    update(&mut state, Msg::Form(FormKey::Enter));
    for c in "rolling restart".chars() {
        update(&mut state, Msg::Input(InputEdit::Char(c)));
    }
    update(&mut state, Msg::Input(InputEdit::Submit));
    form_focus(&mut state, Field::Submit);
    // Without the instance it silences a:1 too, which was not selected:
    // the first Enter says so, the second sends.
    assert!(update(&mut state, Msg::Form(FormKey::Enter)).is_empty());
    let said = state
        .form
        .as_ref()
        .unwrap()
        .error
        .clone()
        .unwrap_or_default();
    assert!(
        said.contains("also silences 1 alert not selected") && said.contains("instance=a:1"),
        "{said}"
    );
    let effects = update(&mut state, Msg::Form(FormKey::Enter));
    let text = run(&mut state, &specs, effects).await;
    assert!(
        text.contains("silence of ModelServerDown (+1 matchers): silence "),
        "{text}"
    );
    assert!(state.form.is_none(), "closed after success");
    let list = silences_on(&specs[1]).await;
    let created = eventually("the form's silence on am1", WITHIN, || async {
        silences_on(&specs[1])
            .await
            .into_iter()
            .find(|s| s.comment == "rolling restart" && s.state == SilenceState::Active)
            .ok_or(format!("{} silences", list.len()))
    })
    .await;
    assert_eq!(created.matchers.len(), 2);
    // Once gossip has carried the silence to both members, both alerts are silenced.
    let start = std::time::Instant::now();
    while !state
        .alerts
        .iter()
        .all(|a| a.state == AlertState::Suppressed)
    {
        assert!(
            start.elapsed() < WITHIN,
            "alerts not silenced: {:?}",
            state.alerts
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        poll_all(&mut state, &specs).await;
    }

    // The silences pane: extend it by 2h, then expire it after a yes.
    update(&mut state, Msg::Action(Action::Silences));
    state.silence_cursor = state
        .silence_rows
        .iter()
        .position(|&i| state.silences[i].id == created.id)
        .unwrap_or_else(|| panic!("{} not listed: {:?}", created.id, state.silences));
    update(&mut state, Msg::Action(Action::Extend));
    update(&mut state, Msg::Input(InputEdit::ClearLine));
    for c in "2h".chars() {
        update(&mut state, Msg::Input(InputEdit::Char(c)));
    }
    let effects = update(&mut state, Msg::Input(InputEdit::Submit));
    let text = run(&mut state, &specs, effects).await;
    assert!(text.contains("now ends"), "{text}");
    let extended = silences_on(&specs[0])
        .await
        .into_iter()
        .find(|s| s.id == created.id)
        .expect("same id after extending an active silence");
    let moved = extended.ends_at - created.ends_at;
    assert!(
        (moved - chrono::Duration::hours(2)).num_seconds().abs() < 5,
        "moved by {moved}"
    );
    assert!(update(&mut state, Msg::Action(Action::Expire)).is_empty());
    let effects = update(&mut state, Msg::Confirm(true));
    let text = run(&mut state, &specs, effects).await;
    assert!(text.contains("1 silence expired"), "{text}");
    let gone = silences_on(&specs[0]).await;
    let s = gone.iter().find(|s| s.id == created.id).unwrap();
    assert_eq!(s.state, SilenceState::Expired);

    // Resolve, after a yes: gone from both members (alerts are not gossiped).
    update(&mut state, Msg::Action(Action::Back));
    poll_all(&mut state, &specs).await;
    select(&mut state, "a:1");
    update(&mut state, Msg::Action(Action::Resolve));
    let effects = update(&mut state, Msg::Confirm(true));
    let text = run(&mut state, &specs, effects).await;
    assert!(
        text.contains("resolved (it returns if its rule still fires)"),
        "{text}"
    );
    for spec in &specs {
        let alerts = fetch_once(spec, TIMEOUT).await.unwrap().alerts;
        assert!(
            alerts.iter().all(|a| &a.labels["instance"] != "a:1"),
            "{} still has a:1",
            spec.name
        );
    }
    assert_eq!(state.alerts.len(), 1);
}

#[tokio::test]
async fn a_refused_write_says_which_member_refused_and_why() {
    let mut ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));
    let now = Utc::now();
    let draft = SilenceDraft {
        id: None,
        // Matches the empty string: Alertmanager answers 400.
        matchers: vec![
            oncall::model::Matcher::new("job", oncall::model::MatchOp::Re, ".*").unwrap(),
        ],
        starts_at: now,
        ends_at: now + chrono::Duration::hours(1),
        created_by: "alice".into(),
        comment: "everything".into(),
    };
    let cluster = Cluster {
        name: "test".into(),
        members: vec![0, 1],
    };
    let req = WriteRequest {
        what: "silence of everything".into(),
        from_form: false,
        jobs: vec![(cluster.clone(), WriteOp::Silence(draft.clone()))],
    };
    let report = execute(&specs, TIMEOUT, req.clone()).await;
    update(&mut state, Msg::Wrote(report));
    let (level, text, _) = state.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Error);
    assert!(
        text.starts_with("silence of everything failed: test: 400 from am0: silence invalid"),
        "{text}"
    );

    // A member that is down is skipped: the other one takes the write.
    ams.kill(0);
    let port: u16 = ams.urls[0].rsplit(':').next().unwrap().parse().unwrap();
    eventually("member 0 to stop answering", WITHIN, || async {
        match common::http_status(port, "/-/ready") {
            None => Ok(()),
            Some(code) => Err(format!("still answers {code}")),
        }
    })
    .await;
    let mut ok = draft;
    ok.matchers =
        vec![oncall::model::Matcher::new("job", oncall::model::MatchOp::Eq, "api").unwrap()];
    let req = WriteRequest {
        jobs: vec![(cluster, WriteOp::Silence(ok))],
        ..req
    };
    let report = execute(&specs, TIMEOUT, req).await;
    let (_, result) = &report.results[0];
    eprintln!("{report:?}");
    assert!(
        result.as_ref().is_ok_and(|t| t.contains("created")),
        "{result:?}"
    );
    let on_am1 = silences_on(&specs[1]).await;
    assert!(on_am1
        .iter()
        .any(|s| s.comment == "everything" && s.state == SilenceState::Active));
}

/// Three consoles ack the same alert at the same moment, through different
/// members: one ack remains, and all three say which.
#[tokio::test]
async fn three_concurrent_acks_leave_exactly_one() {
    use oncall::source::alertmanager_writes::{Members, ACK_SETTLE};
    let ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    for round in 0..3 {
        let now = Utc::now();
        let draft = |by: &str| SilenceDraft {
            id: None,
            matchers: vec![oncall::model::Matcher::new(
                "alertname",
                oncall::model::MatchOp::Eq,
                &format!("Race{round}"),
            )
            .unwrap()],
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(15),
            created_by: by.into(),
            comment: "ACK! race".into(),
        };
        let (a, b, c) = (draft("tess"), draft("bob"), draft("gina"));
        let (m0, m1, m2) = (
            Members::new(&specs, &[0, 1], TIMEOUT),
            Members::new(&specs, &[1, 0], TIMEOUT),
            Members::new(&specs, &[0, 1], TIMEOUT),
        );
        let (ra, rb, rc) = tokio::join!(
            m0.ack(&a, ACK_SETTLE),
            m1.ack(&b, ACK_SETTLE),
            m2.ack(&c, ACK_SETTLE)
        );
        let kept: Vec<String> = [ra, rb, rc]
            .into_iter()
            .map(|r| r.expect("ack answered").kept.id)
            .collect();
        for spec in &specs {
            let active: Vec<Silence> = eventually(
                &format!("one Race{round} ack on {}", spec.name),
                WITHIN,
                || async {
                    let list: Vec<Silence> = silences_on(spec)
                        .await
                        .into_iter()
                        .filter(|s| {
                            s.is_ack("ACK!")
                                && s.state == SilenceState::Active
                                && s.matchers[0].value == format!("Race{round}")
                        })
                        .collect();
                    (list.len() == 1)
                        .then_some(list.clone())
                        .ok_or(format!("{} active: {list:?}", list.len()))
                },
            )
            .await;
            assert!(
                kept.iter().all(|k| *k == active[0].id),
                "round {round}: kept {kept:?}, server {active:?}"
            );
        }
    }
}

/// The alerts member 0 reports as silenced by `id`, by alertname and
/// instance (`-` for none), as Alertmanager itself says.
async fn silenced_by_on_server(ams: &Alertmanagers, id: &str) -> Vec<String> {
    let alerts = common::cli::get(&format!("{}/api/v2/alerts", ams.urls[0]))
        .await
        .expect("member 0 answers");
    let mut out: Vec<String> = alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            a["status"]["silencedBy"]
                .as_array()
                .is_some_and(|l| l.iter().any(|s| s == id))
        })
        .map(|a| {
            format!(
                "{} {}",
                a["labels"]["alertname"].as_str().unwrap_or(""),
                a["labels"]["instance"].as_str().unwrap_or("-")
            )
        })
        .collect();
    out.sort();
    out
}

/// The one active ack member 0 holds, once gossip and the ack settle.
async fn the_ack(ams: &Alertmanagers, specs: &[SourceSpec]) -> Silence {
    eventually("one active ack", WITHIN, || async {
        let list = silences_on(&specs[0]).await;
        let acks: Vec<Silence> = active_acks(&list).into_iter().cloned().collect();
        let _ = ams;
        (acks.len() == 1)
            .then(|| acks[0].clone())
            .ok_or(format!("{} acks", acks.len()))
    })
    .await
}

/// Moves the cursor down from the top to the row `here` accepts.
fn move_to(state: &mut State, here: impl Fn(&State) -> bool) {
    state.cursor = 0;
    while !here(state) {
        assert!(
            state.cursor + 1 < state.rows.len(),
            "no such row: {:?}",
            state.rows
        );
        update(state, Msg::Action(Action::Down));
    }
}

/// `a` on the row under the cursor, sent at once (an exact ack asks
/// nothing), and the ack the pair then holds.
async fn ack_here(state: &mut State, ams: &Alertmanagers, specs: &[SourceSpec]) -> Silence {
    let effects = update(state, Msg::Action(Action::Ack));
    assert!(state.confirm.is_none(), "an exact ack needs no question");
    run(state, specs, effects).await;
    the_ack(ams, specs).await
}

/// `a` on an alert that lacks a label its sibling has (a Prometheus-side
/// alert with no `instance` next to one with it): the ack must not select
/// the sibling, though its labels are a superset.
#[tokio::test]
async fn an_ack_does_not_select_a_sibling_with_more_labels() {
    let ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    ams.post_alerts(json!([
        {"labels": {"alertname": "FraudModelHighLatency", "severity": "warning", "team": "ml"},
         "annotations": {"summary": "p99 over SLO"}},
        {"labels": {"alertname": "FraudModelHighLatency", "severity": "warning", "team": "ml",
                    "instance": "fraud-0:8080"},
         "annotations": {"summary": "p99 over SLO on fraud-0"}},
    ]))
    .await;
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));
    state.author = "alice".into();
    poll_all(&mut state, &specs).await;
    assert_eq!(state.alerts.len(), 2);
    // The alert row without an instance.
    move_to(&mut state, |st| {
        matches!(st.rows.get(st.cursor), Some(Row::Alert { .. }))
            && st
                .selected_alert()
                .is_some_and(|a| a.labels.get("instance").is_none())
    });
    let ack = ack_here(&mut state, &ams, &specs).await;
    assert!(
        ack.matchers
            .iter()
            .any(|m| m.to_string() == r#"instance="""#),
        "the ack says the alert has no instance: {:?}",
        ack.matchers
    );
    let silenced = eventually("the ack applied", WITHIN, || async {
        let s = silenced_by_on_server(&ams, &ack.id).await;
        (!s.is_empty()).then_some(s.clone()).ok_or(format!("{s:?}"))
    })
    .await;
    assert_eq!(silenced, vec!["FraudModelHighLatency -".to_string()]);
}

/// A group ack silences exactly the group's alerts: a member lacking a
/// label the other has is still acked (`=~"|x"`), an alert outside is not.
#[tokio::test]
async fn a_group_ack_silences_exactly_the_group() {
    let ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelErrorRateHigh", "severity": "critical", "pod": "a",
                    "instance": "gpu-1"}},
        {"labels": {"alertname": "ModelErrorRateHigh", "severity": "critical", "pod": "b"}},
        {"labels": {"alertname": "ModelLatencyHigh", "severity": "critical", "pod": "a",
                    "instance": "gpu-1"}},
    ]))
    .await;
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));
    state.author = "alice".into();
    poll_all(&mut state, &specs).await;
    assert_eq!(state.alerts.len(), 3);
    move_to(&mut state, |st| {
        matches!(
            st.rows.get(st.cursor),
            Some(Row::Group { key, count: 2, .. }) if key == "ModelErrorRateHigh"
        )
    });
    let ack = ack_here(&mut state, &ams, &specs).await;
    let silenced = eventually("the group acked", WITHIN, || async {
        let s = silenced_by_on_server(&ams, &ack.id).await;
        (s.len() >= 2).then_some(s.clone()).ok_or(format!("{s:?}"))
    })
    .await;
    assert_eq!(
        silenced,
        vec![
            "ModelErrorRateHigh -".to_string(),
            "ModelErrorRateHigh gpu-1".to_string()
        ]
    );
}

/// An ack made through one member, then the other member killed before
/// the next poll: the dead member's old "firing" answer must not beat the
/// live member's newer "suppressed" one. The alert shows acked.
#[tokio::test]
async fn a_dead_members_old_answer_does_not_hide_a_newer_ack() {
    let mut ams = Alertmanagers::start(2);
    let specs = vec![ams.spec(0), ams.spec(1)];
    ams.post_alerts(json!([
        {"labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"}},
    ]))
    .await;
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));
    state.author = "alice".into();
    poll_all(&mut state, &specs).await;
    assert_eq!(state.alerts.len(), 1);
    assert_eq!(state.alerts[0].state, AlertState::Firing);
    // The ack, written through member 0 only.
    let now = Utc::now();
    let draft = SilenceDraft {
        id: None,
        matchers: oncall::model::label_matchers(&state.alerts[0].labels),
        starts_at: now,
        ends_at: now + chrono::Duration::minutes(15),
        created_by: "alice".into(),
        comment: "ACK! on it".into(),
    };
    let members = oncall::source::alertmanager_writes::Members::new(&specs, &[0], TIMEOUT);
    members
        .ack(&draft, Duration::ZERO)
        .await
        .expect("member 0 takes the ack");
    ams.kill(1);
    // Member 0 answers with the alert suppressed; member 1 is gone and its
    // last answer (firing) stays, stale. Both orders of landing.
    for order in [[0usize, 1], [1, 0]] {
        for &i in &order {
            let result = fetch_once(&specs[i], TIMEOUT).await;
            state.now = Utc::now();
            let at = state.now;
            update(
                &mut state,
                Msg::Polled {
                    source: i,
                    at,
                    result,
                },
            );
        }
        let a = &state.alerts[0];
        assert_eq!(a.state, AlertState::Suppressed, "order {order:?}: {a:?}");
        assert!(
            matches!(state.ack_state(a), AckState::Acked(s) if s.created_by == "alice"),
            "order {order:?}"
        );
    }
}
