//! Pure `update()` tests: state changes from messages, with a fake clock.

use crate::common::build;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::update::InputEdit;
use oncall::core::{update, Action, Effect, Health, InputKind, Msg, Pane, Row, State};
use oncall::model::{Alert, AlertState};
use oncall::source::{Auth, Snapshot, SourceError, SourceKind, SourceSpec, Tls};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn spec(name: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: format!("http://{name}"),
        cluster: None,
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

fn alert(name: &str, severity: &str, extra: &[(&str, &str)], age_min: i64) -> Alert {
    let mut b = build::alert(&[("alertname", name), ("severity", severity)]);
    for (k, v) in extra {
        b = b.label(k, v);
    }
    b.started(t0() - chrono::Duration::minutes(age_min))
        .summary(&format!("{name} is bad"))
        .build()
}

fn state_with(alerts: Vec<Alert>) -> State {
    let mut s = State::new(
        &[
            spec("am1", SourceKind::Alertmanager),
            spec("am2", SourceKind::Alertmanager),
        ],
        t0(),
        Duration::from_secs(15),
    );
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t0(),
            result: Ok(Snapshot {
                alerts: alerts.into(),
                ..Snapshot::default()
            }),
        },
    );
    s
}

fn names(s: &State) -> Vec<String> {
    s.rows
        .iter()
        .map(|r| match r {
            Row::Group {
                key,
                single: Some(_),
                ..
            } => format!("[{key}]"),
            Row::Group { key, count, .. } => format!("[{key} {count}]"),
            Row::Alert { index } => s.alerts[*index]
                .labels
                .get("pod")
                .map(ToString::to_string)
                .unwrap_or_else(|| s.alerts[*index].alertname().into()),
        })
        .collect()
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, Msg::Input(InputEdit::Char(c)));
    }
}

#[test]
fn groups_sort_by_severity_then_age() {
    let s = state_with(vec![
        alert("DiskFull", "warning", &[], 300),
        alert("ModelDown", "critical", &[("pod", "b")], 5),
        alert("ModelDown", "critical", &[("pod", "a")], 20),
        alert("Drift", "info", &[], 900),
    ]);
    assert_eq!(
        names(&s),
        vec!["[ModelDown 2]", "a", "b", "[DiskFull]", "[Drift]"]
    );
    match &s.rows[0] {
        Row::Group { distinct, .. } => assert_eq!(distinct, &vec!["pod".to_string()]),
        r => panic!("{r:?}"),
    }
}

#[test]
fn a_failing_source_keeps_its_last_data_and_turns_stale() {
    let mut s = state_with(vec![alert("ModelDown", "critical", &[], 5)]);
    assert_eq!(s.health(0), Health::Ok);
    let later = t0() + chrono::Duration::seconds(20);
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: later,
            result: Err(SourceError::Status {
                status: 502,
                snippet: "Bad Gateway".into(),
            }),
        },
    );
    assert_eq!(s.alerts.len(), 1, "last good data stays");
    match s.health(0) {
        Health::Stale { since, reason } => {
            assert_eq!(since, t0());
            assert!(reason.contains("502"), "{reason}");
        }
        h => panic!("{h:?}"),
    }
    assert!(s.is_stale(&s.alerts[0]));
    assert_eq!(s.health(1), Health::Connecting);
    update(
        &mut s,
        Msg::Polled {
            source: 1,
            at: later,
            result: Err(SourceError::Connect("connection refused".into())),
        },
    );
    assert!(matches!(s.health(1), Health::Down { .. }));
    // Recovery is automatic on the next good answer.
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: later,
            result: Ok(Snapshot::default()),
        },
    );
    assert_eq!(s.health(0), Health::Ok);
    // Back from failing and empty: it may have restarted, so what it lost
    // is unknown for the grace, not gone (issue 30; tests/core/core_restart.rs).
    assert_eq!(s.alerts.len(), 1);
    assert_eq!(s.alerts[0].state, oncall::model::AlertState::Unknown);
    assert_eq!(s.counts.by_severity.iter().sum::<usize>(), 0);
}

#[test]
fn a_silent_source_turns_stale_with_the_clock() {
    let mut s = state_with(vec![alert("ModelDown", "critical", &[], 5)]);
    update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(44)));
    assert_eq!(s.health(0), Health::Ok);
    update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(46)));
    assert!(matches!(s.health(0), Health::Stale { .. }));
}

#[test]
fn the_same_alert_from_both_members_shows_once() {
    let a = alert("ModelDown", "critical", &[], 5);
    let mut s = state_with(vec![a.clone()]);
    update(
        &mut s,
        Msg::Polled {
            source: 1,
            at: t0(),
            result: Ok(Snapshot {
                alerts: vec![a].into(),
                ..Snapshot::default()
            }),
        },
    );
    assert_eq!(s.alerts.len(), 1);
    assert_eq!(s.alerts[0].sources.as_slice(), ["am1", "am2"]);
}

#[test]
fn filter_as_you_type_with_inline_errors_and_escape_restores() {
    let mut s = state_with(vec![
        alert("ModelDown", "critical", &[("team", "ml")], 5),
        alert("DiskFull", "warning", &[("team", "infra")], 5),
    ]);
    update(&mut s, Msg::Action(Action::Filter));
    assert_eq!(s.input.as_ref().map(|i| i.kind), Some(InputKind::Filter));
    type_text(&mut s, "team=~\"ml");
    assert!(
        s.filter_error
            .as_deref()
            .unwrap_or("")
            .contains("unterminated"),
        "{:?}",
        s.filter_error
    );
    assert_eq!(s.alerts.len(), 2);
    type_text(&mut s, ".*\"");
    assert!(s.filter_error.is_none());
    assert_eq!(names(&s), vec!["[ModelDown]"]);
    update(&mut s, Msg::Input(InputEdit::Submit));
    assert!(s.input.is_none());
    // Editing again and cancelling keeps the filter that was in force.
    update(&mut s, Msg::Action(Action::Filter));
    type_text(&mut s, ",x=\"y\"");
    update(&mut s, Msg::Input(InputEdit::Cancel));
    assert_eq!(s.filter.source, "team=~\"ml.*\"");
    assert_eq!(names(&s), vec!["[ModelDown]"]);
    // Esc in the list clears it.
    update(&mut s, Msg::Action(Action::Back));
    assert!(s.filter.is_empty());
    assert_eq!(names(&s).len(), 2);
}

#[test]
fn group_by_command_and_toggles() {
    let mut silenced = alert("DiskFull", "warning", &[("team", "infra")], 5);
    silenced.state = AlertState::Suppressed;
    silenced.silenced_by = vec!["s1".into()];
    let mut s = state_with(vec![
        alert("ModelDown", "critical", &[("team", "ml")], 5),
        silenced,
    ]);
    update(&mut s, Msg::Action(Action::Command));
    type_text(&mut s, "group-by team");
    update(&mut s, Msg::Input(InputEdit::Submit));
    assert_eq!(s.group_by, "team");
    assert_eq!(names(&s), vec!["[ml]", "[infra]"]);
    update(&mut s, Msg::Action(Action::ToggleSilenced));
    assert_eq!(names(&s), vec!["[ml]"]);
}

#[test]
fn detail_opens_and_the_cursor_follows_its_alert_across_refreshes() {
    let a = alert("ModelDown", "critical", &[("pod", "a")], 20);
    let b = alert("ModelDown", "critical", &[("pod", "b")], 5);
    let mut s = state_with(vec![a.clone(), b.clone()]);
    update(&mut s, Msg::Action(Action::Down));
    update(&mut s, Msg::Action(Action::Down));
    assert_eq!(&s.selected_alert().unwrap().labels["pod"], "b");
    // A new, more urgent alert arrives above it.
    let c = alert("AAAOutage", "critical", &[], 60);
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t0(),
            result: Ok(Snapshot {
                alerts: vec![c, a, b].into(),
                ..Snapshot::default()
            }),
        },
    );
    assert_eq!(&s.selected_alert().unwrap().labels["pod"], "b");
    update(&mut s, Msg::Action(Action::Open));
    assert_eq!(s.pane, Pane::Detail);
    assert_eq!(&s.detail_alert().unwrap().labels["pod"], "b");
    update(&mut s, Msg::Action(Action::Back));
    assert_eq!(s.pane, Pane::Alerts);
}

#[test]
fn enter_on_a_group_collapses_it() {
    let mut s = state_with(vec![
        alert("ModelDown", "critical", &[("pod", "a")], 2),
        alert("ModelDown", "critical", &[("pod", "b")], 1),
    ]);
    assert_eq!(s.rows.len(), 3);
    update(&mut s, Msg::Action(Action::Open));
    assert_eq!(s.rows.len(), 1);
    update(&mut s, Msg::Action(Action::Open));
    assert_eq!(s.rows.len(), 3);
}

#[test]
fn mutating_actions_are_refused_in_read_only_mode() {
    let mut s = state_with(vec![alert("ModelDown", "critical", &[], 5)]);
    s.read_only = true;
    for action in oncall::core::Action::bindable().filter(|a| a.is_mutating()) {
        let effects = update(&mut s, Msg::Action(action));
        assert!(effects.is_empty());
        let (_, text, _) = s.status.clone().expect("a refusal is always shown");
        assert!(text.contains("read-only"), "{text}");
    }
}

#[test]
fn refresh_quit_and_copy_are_effects() {
    let mut a = alert("ModelDown", "critical", &[], 5);
    a.annotations
        .insert("runbook_url".into(), "https://runbooks/modeldown".into());
    let mut s = state_with(vec![a]);
    assert_eq!(
        update(&mut s, Msg::Action(Action::Refresh)),
        vec![Effect::RefreshNow]
    );
    assert_eq!(
        update(&mut s, Msg::Action(Action::CopyLink)),
        vec![Effect::Copy("https://runbooks/modeldown".into())]
    );
    assert_eq!(
        update(&mut s, Msg::Action(Action::Quit)),
        vec![Effect::Quit]
    );
    assert!(s.quit);
}

#[test]
fn status_messages_expire_with_the_clock() {
    let mut s = state_with(vec![]);
    update(&mut s, Msg::Action(Action::ToggleInhibited));
    assert!(s.status.is_some());
    update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(9)));
    assert!(s.status.is_none());
}

#[test]
fn clusters_come_from_config_or_gossip_peers() {
    use oncall::source::PeerInfo;
    let mut specs = vec![
        spec("am1", SourceKind::Alertmanager),
        spec("am2", SourceKind::Alertmanager),
        spec("am3", SourceKind::Alertmanager),
    ];
    specs[2].cluster = Some("us".into());
    let mut s = State::new(&specs, t0(), Duration::from_secs(15));
    assert_eq!(s.clusters(), vec!["am1", "am2", "us"]);
    let peer = |name: &str, peers: &[&str]| Snapshot {
        peer: Some(PeerInfo {
            name: name.into(),
            peers: peers.iter().map(|p| p.to_string()).collect(),
        }),
        ..Snapshot::default()
    };
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t0(),
            result: Ok(peer("01A", &["01B"])),
        },
    );
    update(
        &mut s,
        Msg::Polled {
            source: 1,
            at: t0(),
            result: Ok(peer("01B", &["01A"])),
        },
    );
    assert_eq!(s.clusters(), vec!["am1+am2", "am1+am2", "us"]);
}

#[test]
fn a_group_of_one_is_one_row_that_opens_its_alert() {
    let mut s = state_with(vec![alert("ModelDown", "critical", &[], 5)]);
    assert_eq!(names(&s), vec!["[ModelDown]"]);
    assert_eq!(s.selected_alert().map(|a| a.alertname()), Some("ModelDown"));
    update(&mut s, Msg::Action(Action::Open));
    assert_eq!(s.pane, Pane::Detail);
}

#[test]
fn only_plain_urls_reach_the_clipboard() {
    let mut a = alert("ModelDown", "critical", &[], 5);
    a.annotations.insert(
        "runbook_url".into(),
        "https://rb/x\n\u{1b}[201~rm -rf ~\n".into(),
    );
    let mut s = state_with(vec![a]);
    assert!(update(&mut s, Msg::Action(Action::CopyLink)).is_empty());
    assert!(s.status.as_ref().unwrap().1.contains("not copied"));
}

#[test]
fn detail_scroll_is_clamped_to_what_the_view_reports() {
    let mut s = state_with(vec![alert("ModelDown", "critical", &[], 5)]);
    update(&mut s, Msg::Action(Action::Open));
    update(&mut s, Msg::ScrollLimit(7));
    update(&mut s, Msg::Action(Action::Bottom));
    assert_eq!(s.scroll, 7);
    update(&mut s, Msg::Action(Action::Up));
    assert_eq!(s.scroll, 6);
}
