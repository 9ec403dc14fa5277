//! Pure `update()` tests of the writes: what an ack, unack, silence, expire,
//! extend and resolve ask Alertmanager for, what read-only refuses, and what
//! the status line says about the answer.

use crate::common::build;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::panes::silence_form::Field;
use oncall::core::update::{FormKey, InputEdit};
use oncall::core::{update, AckState, Action, Effect, Msg, Pane, State, StatusLevel};
use oncall::model::{Alert, AlertState, MatchOp, Matcher, Silence, SilenceState};
use oncall::source::alertmanager_writes::{WriteOp, WriteReport, WriteRequest};
use oncall::source::{Auth, Snapshot, SourceKind, SourceSpec, Tls};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn spec(name: &str, cluster: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind: SourceKind::Alertmanager,
        url: format!("http://{name}"),
        cluster: Some(cluster.into()),
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

fn alert(name: &str, instance: &str) -> Alert {
    build::alert(&[
        ("alertname", name),
        ("severity", "critical"),
        ("instance", instance),
    ])
    .started(t0() - chrono::Duration::minutes(5))
    .build()
}

fn ack_silence(id: &str, a: &Alert, ends_in_min: i64, by: &str) -> Silence {
    build::ack(id, a)
        .by(by)
        .between(
            t0() - chrono::Duration::minutes(1),
            t0() + chrono::Duration::minutes(ends_in_min),
        )
        .build()
}

/// Two members of cluster "eu" (the second one down) and one of "us".
fn state_with(alerts: Vec<Alert>, silences: Vec<Silence>) -> State {
    let specs = [spec("eu-1", "eu"), spec("eu-2", "eu"), spec("us-1", "us")];
    let mut s = State::new(&specs, t0(), Duration::from_secs(15));
    s.author = "alice".into();
    poll(&mut s, 0, alerts.clone(), silences);
    update(
        &mut s,
        Msg::Polled {
            source: 1,
            at: t0(),
            result: Err(oncall::source::SourceError::Connect(
                "connection refused".into(),
            )),
        },
    );
    s
}

fn poll(s: &mut State, source: usize, alerts: Vec<Alert>, silences: Vec<Silence>) {
    let name = s.sources[source].name.clone();
    let alerts = alerts
        .into_iter()
        .map(|mut a| {
            a.sources = [name.as_str().into()].into_iter().collect();
            a
        })
        .collect::<Vec<_>>();
    let silences = silences
        .into_iter()
        .map(|x| Silence {
            source: name.clone(),
            ..x
        })
        .collect();
    let at = s.now;
    update(
        s,
        Msg::Polled {
            source,
            at,
            result: Ok(Snapshot {
                alerts: alerts.into(),
                silences,
                ..Snapshot::default()
            }),
        },
    );
}

fn only_write(effects: Vec<Effect>) -> WriteRequest {
    let writes: Vec<WriteRequest> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Write(w) => Some(w),
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 1, "exactly one write expected");
    writes.into_iter().next().unwrap()
}

fn status(s: &State) -> String {
    s.status.as_ref().map(|x| x.1.clone()).unwrap_or_default()
}

/// Moves the cursor to the row of the alert with this instance.
fn select(s: &mut State, instance: &str) {
    while s.selected_alert().map(|a| &a.labels["instance"]) != Some(instance) {
        let before = s.cursor;
        update(s, Msg::Action(Action::Down));
        assert_ne!(before, s.cursor, "no row with instance {instance}");
    }
}

#[test]
fn ack_writes_one_ack_silence_to_the_alerts_cluster_healthy_member_first() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a.clone()], vec![]);
    let w = only_write(update(&mut s, Msg::Action(Action::Ack)));
    assert_eq!(w.jobs.len(), 1, "one cluster holds the alert");
    let (cluster, op) = &w.jobs[0];
    assert_eq!(cluster.name, "eu");
    assert_eq!(
        cluster.members,
        vec![0, 1],
        "both members, the healthy one first"
    );
    let WriteOp::Ack(d) = op else {
        panic!("not an ack: {op:?}")
    };
    assert!(d.comment.starts_with("ACK! "), "{}", d.comment);
    assert_eq!(d.created_by, "alice");
    assert_eq!(d.ends_at - d.starts_at, chrono::Duration::minutes(15));
    assert_eq!(d.matchers.len(), 3);
    assert!(d
        .matchers
        .iter()
        .all(|m| m.op == MatchOp::Eq && m.matches(&a.labels)));
    assert!(
        status(&s).contains("acking ModelServerDown"),
        "{}",
        status(&s)
    );
    assert_eq!(s.writes_in_flight, 1);
}

#[test]
fn acking_an_acked_alert_offers_to_extend_that_ack() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a.clone()], vec![ack_silence("s1", &a, 12, "bob")]);
    assert!(matches!(s.ack_state(&s.alerts[0]), AckState::Acked(x) if x.id == "s1"));
    let effects = update(&mut s, Msg::Action(Action::Ack));
    assert!(effects.is_empty(), "{effects:?}");
    let c = s.confirm.clone().expect("a question");
    assert_eq!(c.title, "Extend the ack of ModelServerDown by 15m?");
    assert!(
        c.lines[0].contains("is acked by bob, 12m left"),
        "{:?}",
        c.lines
    );
    // Yes: the same silence, 15 minutes later.
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    assert_eq!(
        w.jobs[0].1,
        WriteOp::Extend {
            id: "s1".into(),
            by: Duration::from_secs(15 * 60)
        }
    );
}

/// An alert that lacks a label its sibling has: the ack says the label is
/// empty, so the sibling (whose labels are a superset) is not acked.
#[test]
fn an_ack_adds_empty_matchers_for_labels_a_sibling_has() {
    let mut bare = alert("FraudModelHighLatency", "x");
    bare.labels.remove("instance");
    bare.fingerprint = oncall::model::fingerprint(&bare.labels);
    let sibling = alert("FraudModelHighLatency", "fraud-0:8080");
    let mut s = state_with(vec![bare.clone(), sibling.clone()], vec![]);
    s.cursor = s
        .rows
        .iter()
        .position(|r| matches!(r, oncall::core::Row::Alert { index } if s.alerts[*index].labels.get("instance").is_none()))
        .expect("the bare alert's row");
    let w = only_write(update(&mut s, Msg::Action(Action::Ack)));
    let WriteOp::Ack(d) = &w.jobs[0].1 else {
        panic!()
    };
    let shown: Vec<String> = d.matchers.iter().map(|m| m.to_string()).collect();
    assert!(shown.contains(&r#"instance="""#.to_string()), "{shown:?}");
    assert!(d.matchers.iter().all(|m| m.matches(&bare.labels)));
    assert!(!d.matchers.iter().all(|m| m.matches(&sibling.labels)));
    // Said apart from its sibling.
    assert!(
        status(&s).contains("acking FraudModelHighLatency (no instance) for 15m"),
        "{}",
        status(&s)
    );
}

/// When one silence cannot select exactly the group's listed alerts (a
/// hidden alert's values fall in the group's choices), `a` names it and
/// sends only on a yes.
#[test]
fn an_ack_that_would_select_more_names_them_and_asks() {
    let with_pod = |instance: &str, pod: &str, summary: &str| {
        let mut a = alert("ModelErrorRateHigh", instance);
        a.labels.insert("pod".into(), pod.into());
        a.annotations.insert("summary".into(), summary.into());
        a.fingerprint = oncall::model::fingerprint(&a.labels);
        a
    };
    let a = with_pod("a:1", "p1", "listed");
    let b = with_pod("b:1", "p2", "listed");
    // Filtered out of the list by the free-text filter below.
    let hidden = with_pod("a:1", "p2", "elsewhere");
    let mut s = state_with(vec![a, b, hidden], vec![]);
    update(&mut s, Msg::Action(Action::Filter));
    for c in "\"listed\"".chars() {
        update(&mut s, Msg::Input(InputEdit::Char(c)));
    }
    update(&mut s, Msg::Input(InputEdit::Submit));
    s.cursor = 0; // the group row of the two listed alerts
    assert!(
        matches!(s.rows[0], oncall::core::Row::Group { count: 2, .. }),
        "{:?}",
        s.rows
    );
    assert!(update(&mut s, Msg::Action(Action::Ack)).is_empty());
    let c = s.confirm.clone().expect("a question");
    let text = c.lines.join("\n");
    assert!(
        text.contains("would also ack 1 alert you did not select"),
        "{text}"
    );
    assert!(
        text.contains("instance=a:1") && text.contains("pod=p2"),
        "{text}"
    );
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    assert!(matches!(&w.jobs[0].1, WriteOp::Ack(_)));
}

#[test]
fn a_group_ack_selects_exactly_its_alerts() {
    let (a, b) = (
        alert("ModelServerDown", "a:1"),
        alert("ModelServerDown", "b.1"),
    );
    let other = alert("ModelServerDown", "ab:1");
    let mut s = state_with(vec![a.clone(), b.clone()], vec![]);
    s.cursor = 0; // the group row
    let w = only_write(update(&mut s, Msg::Action(Action::Ack)));
    let WriteOp::Ack(d) = &w.jobs[0].1 else {
        panic!()
    };
    let sel = |x: &Alert| d.matchers.iter().all(|m| m.matches(&x.labels));
    assert!(sel(&a) && sel(&b));
    assert!(
        !sel(&other),
        "the regex is escaped and anchored: {:?}",
        d.matchers
    );
    assert!(w.what.contains("2 alerts"), "{}", w.what);
}

#[test]
fn unack_expires_the_covering_acks_in_their_cluster() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a.clone()], vec![ack_silence("s1", &a, 12, "bob")]);
    let w = only_write(update(&mut s, Msg::Action(Action::Unack)));
    assert_eq!(w.jobs[0].1, WriteOp::Expire(vec!["s1".into()]));
    assert_eq!(w.jobs[0].0.name, "eu");
}

#[test]
fn an_ack_that_runs_out_while_firing_is_flagged_and_said() {
    let a = alert("ModelServerDown", "a:1");
    let ack = ack_silence("s1", &a, 1, "bob");
    let mut s = state_with(vec![a.clone()], vec![ack.clone()]);
    // Two minutes later the ack has ended and Alertmanager reports it firing.
    update(&mut s, Msg::Tick(t0() + chrono::Duration::minutes(2)));
    let ended = Silence {
        state: SilenceState::Expired,
        ..ack
    };
    poll(&mut s, 0, vec![a], vec![ended]);
    assert!(matches!(s.ack_state(&s.alerts[0]), AckState::Ended(_)));
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Warn);
    assert!(
        text.contains("ack ran out: ModelServerDown fires unacked again (was acked by bob)"),
        "{text}"
    );
}

#[test]
fn resolve_asks_first_and_warns_that_prometheus_resends() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a], vec![]);
    assert!(update(&mut s, Msg::Action(Action::Resolve)).is_empty());
    let c = s.confirm.clone().expect("a question");
    assert!(
        c.lines.join(" ").contains("Prometheus sends it again"),
        "{c:?}"
    );
    assert!(update(&mut s, Msg::Confirm(false)).is_empty());
    assert!(s.confirm.is_none());
    update(&mut s, Msg::Action(Action::Resolve));
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    assert!(matches!(&w.jobs[0].1, WriteOp::Resolve(v) if v.len() == 1));
}

#[test]
fn read_only_refuses_every_write_in_one_place() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a.clone()], vec![ack_silence("s1", &a, 12, "bob")]);
    s.read_only = true;
    for action in [
        Action::Ack,
        Action::Unack,
        Action::Silence,
        Action::Resolve,
        Action::Expire,
        Action::Extend,
    ] {
        let effects = update(&mut s, Msg::Action(action));
        assert!(effects.is_empty(), "{action:?}: {effects:?}");
        assert_eq!(
            status(&s),
            format!("read-only mode: {} refused", action.name())
        );
        assert!(s.form.is_none() && s.confirm.is_none() && s.input.is_none());
    }
    // Enter on a silence would edit it: refused too.
    update(&mut s, Msg::Action(Action::Silences));
    assert_eq!(s.pane, Pane::Silences);
    assert!(update(&mut s, Msg::Action(Action::Open)).is_empty());
    assert!(s.form.is_none());
    assert_eq!(status(&s), "read-only mode: silence refused");
    // `:ack` too.
    update(&mut s, Msg::Action(Action::Command));
    for c in "ack db".chars() {
        update(&mut s, Msg::Input(InputEdit::Char(c)));
    }
    assert!(update(&mut s, Msg::Input(InputEdit::Submit)).is_empty());
    assert_eq!(status(&s), "read-only mode: ack refused");
}

fn focus(s: &mut State, field: Field) {
    for _ in 0..40 {
        if s.form.as_ref().unwrap().focused() == field {
            return;
        }
        update(s, Msg::Form(FormKey::Down));
    }
    panic!("no field {field:?}");
}

fn type_text(s: &mut State, text: &str) {
    update(s, Msg::Form(FormKey::Enter));
    update(s, Msg::Input(InputEdit::ClearLine));
    for c in text.chars() {
        update(s, Msg::Input(InputEdit::Char(c)));
    }
    update(s, Msg::Input(InputEdit::Submit));
}

#[test]
fn the_silence_form_is_prefilled_previewed_validated_and_sent() {
    let (a, b) = (
        alert("ModelServerDown", "a:1"),
        alert("ModelServerDown", "b:1"),
    );
    let mut s = state_with(vec![a, b], vec![]);
    select(&mut s, "a:1");
    update(&mut s, Msg::Action(Action::Silence));
    let f = s.form.clone().expect("the form opens");
    assert_eq!(f.matchers.len(), 3, "one line per label");
    assert_eq!(f.matched.len(), 1, "selects the one alert");
    assert_eq!(
        f.clusters,
        vec![("eu".to_string(), true), ("us".to_string(), false)]
    );

    // Drop the instance: both alerts are selected.
    focus(&mut s, Field::Matcher(1));
    assert_eq!(
        s.form.as_ref().unwrap().matchers[1].matcher.name,
        "instance"
    );
    update(&mut s, Msg::Form(FormKey::Toggle));
    assert_eq!(s.form.as_ref().unwrap().matched.len(), 2);

    // No comment yet: refused, nothing sent, the form says why.
    focus(&mut s, Field::Submit);
    assert!(update(&mut s, Msg::Form(FormKey::Enter)).is_empty());
    assert!(s
        .form
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("comment is required"));

    focus(&mut s, Field::Comment);
    type_text(&mut s, "db failover");
    focus(&mut s, Field::Until);
    type_text(&mut s, "30m");
    focus(&mut s, Field::AddMatcher);
    type_text(&mut s, "job=~\"api|web\"");
    assert_eq!(s.form.as_ref().unwrap().matchers.len(), 4);
    focus(&mut s, Field::Cluster(1));
    update(&mut s, Msg::Form(FormKey::Toggle));
    focus(&mut s, Field::Submit);
    let w = only_write(update(&mut s, Msg::Form(FormKey::Enter)));
    assert!(w.from_form);
    assert_eq!(w.jobs.len(), 2, "both selected clusters");
    let WriteOp::Silence(d) = &w.jobs[0].1 else {
        panic!()
    };
    assert_eq!(d.comment, "db failover");
    assert_eq!(d.ends_at - d.starts_at, chrono::Duration::minutes(30));
    assert_eq!(d.matchers.len(), 3, "the dropped matcher is not sent");
    assert!(d
        .matchers
        .contains(&Matcher::new("job", MatchOp::Re, "api|web").unwrap()));
    assert!(
        s.form.as_ref().unwrap().submitting,
        "the form waits for the answer"
    );

    // One cluster failed: the form stays, with the reason, and so does the status.
    let report = WriteReport {
        what: w.what.clone(),
        from_form: true,
        results: vec![
            ("eu".into(), Ok("silence 1234abcd created".into())),
            (
                "us".into(),
                Err("400 from us-1: silence invalid: bad matcher".into()),
            ),
        ],
    };
    let effects = update(&mut s, Msg::Wrote(report));
    assert_eq!(effects, vec![Effect::RefreshNow, Effect::RefreshSoon]);
    let text = status(&s);
    assert!(
        text.contains("failed: us: 400 from us-1: silence invalid: bad matcher"),
        "{text}"
    );
    assert!(
        text.contains("done: eu: silence 1234abcd created"),
        "{text}"
    );
    assert_eq!(s.status.as_ref().unwrap().0, StatusLevel::Error);
    let f = s.form.as_ref().expect("kept open");
    assert!(!f.submitting && f.error.is_some());
    assert_eq!(s.writes_in_flight, 0);
    // A filled-in form is not lost to one Esc too many.
    update(&mut s, Msg::Form(FormKey::Cancel));
    let f = s.form.as_ref().expect("still open after one Esc");
    assert!(f.error.as_ref().unwrap().contains("Esc again"));
    update(&mut s, Msg::Form(FormKey::Cancel));
    assert!(s.form.is_none());
}

#[test]
fn silences_pane_lists_filters_expires_after_yes_and_extends() {
    let a = alert("ModelServerDown", "a:1");
    let mut old = ack_silence("s-old", &a, -120, "carol");
    old.state = SilenceState::Expired;
    let mut other = ack_silence("s-maint", &a, 90, "dave");
    other.comment = "maintenance window".into();
    let mut s = state_with(
        vec![a.clone()],
        vec![ack_silence("s-ack", &a, 12, "bob"), other, old],
    );
    update(&mut s, Msg::Action(Action::Silences));
    let ids: Vec<&str> = s
        .silence_rows
        .iter()
        .map(|&i| s.silences[i].id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["s-ack", "s-maint", "s-old"],
        "active by end, then ended"
    );
    update(&mut s, Msg::Action(Action::Down));
    assert_eq!(s.selected_silence().unwrap().id, "s-maint");

    update(&mut s, Msg::Action(Action::Filter));
    for c in "maint".chars() {
        update(&mut s, Msg::Input(InputEdit::Char(c)));
    }
    update(&mut s, Msg::Input(InputEdit::Submit));
    assert_eq!(s.silence_rows.len(), 1);
    assert_eq!(s.selected_silence().unwrap().id, "s-maint");

    assert!(
        update(&mut s, Msg::Action(Action::Expire)).is_empty(),
        "asks first"
    );
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    assert_eq!(w.jobs[0].1, WriteOp::Expire(vec!["s-maint".into()]));

    update(&mut s, Msg::Action(Action::Extend));
    assert!(s.input.is_some());
    update(&mut s, Msg::Input(InputEdit::ClearLine));
    for c in "2h".chars() {
        update(&mut s, Msg::Input(InputEdit::Char(c)));
    }
    let w = only_write(update(&mut s, Msg::Input(InputEdit::Submit)));
    assert_eq!(
        w.jobs[0].1,
        WriteOp::Extend {
            id: "s-maint".into(),
            by: Duration::from_secs(7200)
        }
    );

    // Enter edits: the form carries the silence's id and comment.
    update(&mut s, Msg::Action(Action::Open));
    let f = s.form.as_ref().expect("edit form");
    assert_eq!(f.id.as_deref(), Some("s-maint"));
    assert_eq!(f.comment, "maintenance window");
}

#[test]
fn unacking_a_group_ack_from_one_alert_asks_first_and_names_the_others() {
    let (a, b) = (
        alert("ModelServerDown", "a:1"),
        alert("ModelServerDown", "b:1"),
    );
    let mut group_ack = ack_silence("s-group", &a, 12, "tess");
    group_ack.matchers = vec![Matcher::literal(
        "alertname",
        MatchOp::Eq,
        "ModelServerDown",
    )];
    let mut s = state_with(vec![a, b], vec![group_ack]);
    select(&mut s, "a:1");
    assert!(
        update(&mut s, Msg::Action(Action::Unack)).is_empty(),
        "asks first"
    );
    let c = s.confirm.clone().expect("a question");
    assert!(c.lines[0].contains("also covers 1 other alert"), "{c:?}");
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    assert_eq!(w.jobs[0].1, WriteOp::Expire(vec!["s-group".into()]));
}

#[test]
fn an_ack_removed_early_is_told_apart_from_one_that_ran_out() {
    let a = alert("ModelServerDown", "a:1");
    let ack = ack_silence("s1", &a, 12, "bob");
    let mut s = state_with(vec![a.clone()], vec![ack.clone()]);
    update(&mut s, Msg::Tick(t0() + chrono::Duration::minutes(1)));
    let removed = Silence {
        state: SilenceState::Expired,
        ends_at: t0() + chrono::Duration::minutes(1),
        ..ack
    };
    poll(&mut s, 0, vec![a], vec![removed]);
    assert!(
        status(&s)
            .contains("ack removed: ModelServerDown fires unacked again (bob's ack was expired)"),
        "{}",
        status(&s)
    );
}

#[test]
fn extend_refuses_ended_silences_and_says_why_a_duration_is_bad() {
    let a = alert("ModelServerDown", "a:1");
    let mut old = ack_silence("s-old", &a, -10, "carol");
    old.state = SilenceState::Expired;
    let mut s = state_with(
        vec![a.clone()],
        vec![ack_silence("s-live", &a, 12, "bob"), old],
    );
    update(&mut s, Msg::Action(Action::Silences));
    update(&mut s, Msg::Action(Action::Down));
    assert_eq!(s.selected_silence().unwrap().id, "s-old");
    assert!(update(&mut s, Msg::Action(Action::Extend)).is_empty());
    assert!(s.input.is_none());
    assert!(status(&s).contains("has ended"), "{}", status(&s));
    update(&mut s, Msg::Action(Action::Up));
    update(&mut s, Msg::Action(Action::Extend));
    update(&mut s, Msg::Input(InputEdit::ClearLine));
    for c in "soon".chars() {
        update(&mut s, Msg::Input(InputEdit::Char(c)));
    }
    assert!(update(&mut s, Msg::Input(InputEdit::Submit)).is_empty());
    assert!(s.input.is_some(), "the prompt stays open");
    assert!(s
        .filter_error
        .as_ref()
        .unwrap()
        .contains("invalid duration"));
}

/// `ack: {prefix: "[ack]"}`: the console acks with it, and an `ACK!`
/// silence is an ordinary silence to it.
#[test]
fn the_console_uses_the_teams_ack_prefix() {
    let a = alert("ModelServerDown", "a:1");
    let mut s = state_with(vec![a.clone()], vec![ack_silence("s1", &a, 12, "bob")]);
    s.ack_prefix = "[ack]".into();
    assert!(matches!(s.ack_state(&s.alerts[0]), AckState::None));
    let w = only_write(update(&mut s, Msg::Action(Action::Ack)));
    let WriteOp::Ack(d) = &w.jobs[0].1 else {
        panic!()
    };
    assert!(d.comment.starts_with("[ack] "), "{}", d.comment);
}

/// `A` asked about a group ack and cancelled: nothing was taken back here,
/// so a teammate expiring that ack later is still said and flagged.
#[test]
fn a_cancelled_unack_still_reports_a_teammates_removal() {
    let (a, b) = (
        alert("ModelErrorRateHigh", "a:1"),
        alert("ModelErrorRateHigh", "b:1"),
    );
    let mut group_ack = ack_silence("s1", &a, 12, "alice");
    group_ack.matchers = vec![Matcher::literal(
        "alertname",
        MatchOp::Eq,
        "ModelErrorRateHigh",
    )];
    let (mut sa, mut sb) = (a.clone(), b.clone());
    for x in [&mut sa, &mut sb] {
        x.state = AlertState::Suppressed;
        x.silenced_by = vec!["s1".into()];
    }
    let mut s = state_with(vec![sa, sb], vec![group_ack.clone()]);
    s.cursor = s
        .rows
        .iter()
        .position(|r| matches!(r, oncall::core::Row::Alert { .. }))
        .unwrap();
    assert!(update(&mut s, Msg::Action(Action::Unack)).is_empty());
    assert!(s.confirm.is_some(), "the group ack is asked about");
    assert!(update(&mut s, Msg::Confirm(false)).is_empty());
    // A minute later a teammate has expired it; both fire again.
    update(&mut s, Msg::Tick(t0() + chrono::Duration::minutes(1)));
    let gone = Silence {
        state: SilenceState::Expired,
        ends_at: t0() + chrono::Duration::seconds(30),
        ..group_ack
    };
    poll(&mut s, 0, vec![a, b], vec![gone]);
    assert!(
        s.alerts
            .iter()
            .all(|x| matches!(s.ack_state(x), AckState::Ended(_))),
        "both rows say the ack ended"
    );
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Warn, "{text}");
    assert!(text.contains("ModelErrorRateHigh"), "{text}");
}

/// Acked in two clusters (an ack goes to each that holds the alert): the
/// extension extends both.
#[test]
fn extending_an_ack_extends_it_in_every_cluster() {
    let mut a = alert("ModelServerDown", "a:1");
    a.sources = ["eu-1".into(), "us-1".into()].into_iter().collect();
    let mut s = state_with(vec![a.clone()], vec![]);
    let eu = Silence {
        source: "eu-1".into(),
        ..ack_silence("s-eu", &a, 12, "bob")
    };
    let us = Silence {
        source: "us-1".into(),
        ..ack_silence("s-us", &a, 10, "bob")
    };
    s.silences = vec![eu, us];
    assert!(update(&mut s, Msg::Action(Action::Ack)).is_empty());
    let w = only_write(update(&mut s, Msg::Confirm(true)));
    let mut extended: Vec<(String, String)> = w
        .jobs
        .iter()
        .filter_map(|(c, op)| match op {
            WriteOp::Extend { id, .. } => Some((c.name.clone(), id.clone())),
            _ => None,
        })
        .collect();
    extended.sort();
    assert_eq!(
        extended,
        vec![
            ("eu".to_string(), "s-eu".to_string()),
            ("us".to_string(), "s-us".to_string())
        ]
    );
}
