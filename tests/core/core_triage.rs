//! Triage on a noisy night, pure: who owns each alert, the owner views,
//! large groups folded, sort modes, what is new, the list's window, the
//! message history and the errors that stay until seen.

use crate::common::build::{ack, alert, silence};
use crate::common::fixtures::{one_source, poll, poll_alerts};

use chrono::{DateTime, Duration, TimeZone, Utc};
use oncall::core::news::window;
use oncall::core::ownership::{owner_of, Owner};
use oncall::core::triage::OwnerView;
use oncall::core::update::InputEdit;
use oncall::core::{update, Action, Effect, Msg, Pane, Row, State, StatusLevel};
use oncall::model::{label_matchers, Alert};
use oncall::source::Snapshot;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    now() - Duration::minutes(m)
}

/// `n` TargetDown alerts (warning), one per pod, started `age` minutes ago.
fn load(n: usize, age: i64) -> Vec<Alert> {
    (0..n)
        .map(|i| {
            alert(&[("alertname", "TargetDown"), ("severity", "warning")])
                .label("pod", &format!("pod-{i:04}"))
                .started(mins(age))
                .build()
        })
        .collect()
}

fn high_error_rate() -> Alert {
    alert(&[("alertname", "HighErrorRate"), ("severity", "critical")])
        .summary("checkout 5xx ratio 12%")
        .started(mins(2))
        .build()
}

fn command(s: &mut State, text: &str) -> Vec<Effect> {
    update(s, Msg::Action(Action::Command));
    for c in text.chars() {
        update(s, Msg::Input(InputEdit::Char(c)));
    }
    update(s, Msg::Input(InputEdit::Submit))
}

fn group_row<'a>(s: &'a State, name: &str) -> &'a Row {
    s.rows
        .iter()
        .find(|r| matches!(r, Row::Group { key, .. } if key == name))
        .unwrap_or_else(|| panic!("no group {name} in {:?}", s.rows))
}

fn names(s: &State) -> Vec<String> {
    s.rows
        .iter()
        .map(|r| match r {
            Row::Group { key, .. } => format!("g:{key}"),
            Row::Alert { index } => s.alerts[*index]
                .labels
                .get("pod")
                .unwrap_or("?")
                .to_string(),
        })
        .collect()
}

#[test]
fn a_large_group_starts_folded_so_the_real_alert_is_on_the_first_screen() {
    let mut s = one_source("am", now());
    let mut alerts = load(100, 60);
    alerts.push(high_error_rate());
    poll_alerts(&mut s, alerts);
    assert!(matches!(
        group_row(&s, "TargetDown"),
        Row::Group {
            collapsed: true,
            count: 100,
            ..
        }
    ));
    assert_eq!(s.rows.len(), 2, "{:?}", names(&s));
    assert!(names(&s).contains(&"g:HighErrorRate".to_string()));
}

#[test]
fn the_fold_threshold_comes_from_the_config_and_zero_never_folds() {
    for (from, folded) in [(0, false), (101, false), (100, true), (5, true)] {
        let mut s = one_source("am", now());
        s.triage.fold_from = from;
        poll_alerts(&mut s, load(100, 60));
        assert!(
            matches!(group_row(&s, "TargetDown"), Row::Group { collapsed, .. } if *collapsed == folded),
            "fold_from {from}"
        );
    }
}

#[test]
fn fold_all_and_unfold_all_and_enter_on_a_large_group() {
    let mut s = one_source("am", now());
    let mut alerts = load(30, 60);
    alerts.extend((0..3).map(|i| {
        alert(&[("alertname", "DiskFull"), ("severity", "critical")])
            .label("pod", &format!("db-{i}"))
            .build()
    }));
    poll_alerts(&mut s, alerts);
    // DiskFull (3) is open, TargetDown (30) folded.
    assert_eq!(s.rows.len(), 1 + 3 + 1, "{:?}", names(&s));
    update(&mut s, Msg::Action(Action::UnfoldAll));
    assert_eq!(s.rows.len(), 1 + 3 + 1 + 30);
    assert_eq!(s.status.as_ref().unwrap().1, "2 groups unfolded");
    update(&mut s, Msg::Action(Action::FoldAll));
    assert_eq!(names(&s), ["g:DiskFull", "g:TargetDown"]);
    // Enter on the folded large group opens it, and it stays open on the next poll.
    s.cursor = 1;
    update(&mut s, Msg::Action(Action::Open));
    assert!(matches!(
        group_row(&s, "TargetDown"),
        Row::Group {
            collapsed: false,
            ..
        }
    ));
    let again = s.alerts.clone();
    poll_alerts(&mut s, again);
    assert!(matches!(
        group_row(&s, "TargetDown"),
        Row::Group {
            collapsed: false,
            ..
        }
    ));
    assert_eq!(s.rows.len(), 2 + 30);
}

#[test]
fn sort_modes_order_the_list_and_are_remembered() {
    let mut s = one_source("am", now());
    s.triage.fold_from = 0;
    let pods = [
        ("old", 90, "warning"),
        ("new", 1, "info"),
        ("mid", 30, "critical"),
    ];
    poll_alerts(
        &mut s,
        pods.iter()
            .map(|(p, age, sev)| {
                alert(&[("alertname", "X"), ("severity", sev)])
                    .label("pod", p)
                    .started(mins(*age))
                    .build()
            })
            .collect(),
    );
    assert_eq!(
        names(&s)[1..],
        ["mid", "old", "new"],
        "severity first by default"
    );
    let effects = command(&mut s, "sort newest");
    assert_eq!(names(&s)[1..], ["new", "mid", "old"]);
    assert!(
        effects.contains(&Effect::RememberSort("newest")),
        "{effects:?}"
    );
    command(&mut s, "sort oldest");
    assert_eq!(names(&s)[1..], ["old", "mid", "new"]);
    let effects = command(&mut s, "sort sideways");
    assert!(effects.is_empty());
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Error);
    assert!(text.contains("severity|newest|oldest|unacked"), "{text}");
}

/// HighErrorRate fires unowned; TargetDown pod-0 is acked by bob, pod-1
/// silenced by alice (the user), pod-2 is in an incident.
fn owned_night() -> State {
    let mut s = one_source("am", now());
    s.triage.fold_from = 0;
    let mut alerts = load(4, 60);
    alerts.push(high_error_rate());
    let acked = ack("ack-bob", &alerts[0])
        .by("bob")
        .between(mins(3), mins(-12))
        .build();
    let quiet = silence("sil-alice", label_matchers(&alerts[1].labels))
        .by("alice")
        .between(mins(5), mins(-60))
        .build();
    alerts[0].silenced_by = vec!["ack-bob".into()];
    alerts[0].state = oncall::model::AlertState::Suppressed;
    alerts[1].silenced_by = vec!["sil-alice".into()];
    alerts[1].state = oncall::model::AlertState::Suppressed;
    let linked = alerts[2].clone();
    poll(
        &mut s,
        0,
        Snapshot {
            alerts: alerts.into(),
            silences: vec![acked, quiet],
            ..Snapshot::default()
        },
    );
    let declared = {
        let mut e = oncall::model::Event::new(
            mins(10),
            "carol",
            oncall::model::EventKind::Declared,
            "Targets down",
        );
        e.data.title = Some("Targets down".into());
        e.data.fingerprint = Some(linked.fingerprint.to_string());
        e.data.labels = Some(linked.labels.clone());
        e
    };
    update(
        &mut s,
        Msg::Journal(oncall::core::incidents::JournalReply::Read {
            batches: vec![("INC-20261122-007".into(), vec![declared])],
            problems: vec![],
        }),
    );
    s
}

#[test]
fn every_row_says_who_owns_it() {
    let s = owned_night();
    let of = |pod: &str| {
        let a = s
            .alerts
            .iter()
            .find(|a| a.labels.get("pod") == Some(pod))
            .unwrap();
        owner_of(&s, a, &Default::default())
    };
    assert_eq!(
        of("pod-0000"),
        [Owner::Acked {
            by: "bob".into(),
            left: "12m".into()
        }]
    );
    assert_eq!(of("pod-0001"), [Owner::SilencedBy("alice".into())]);
    assert_eq!(of("pod-0002"), [Owner::Incident("INC-20261122-007".into())]);
    assert_eq!(of("pod-0003"), []);
    assert_eq!(
        Owner::Paged {
            level: 2,
            to: "carol".into(),
            delivered: true,
        }
        .forms(),
        ["L2 paged carol"]
    );
    // Fell due, not paged by this console (another pages, or a page that
    // failed before a restart): not said as paged.
    assert_eq!(
        Owner::Paged {
            level: 2,
            to: "carol".into(),
            delivered: false,
        }
        .forms(),
        ["L2 due carol"]
    );
    assert_eq!(Owner::PageFailed(1).forms()[0], "PAGE FAILED L1");
}

#[test]
fn unowned_lists_nobodys_alerts_most_severe_first_and_mine_the_users() {
    let mut s = owned_night();
    command(&mut s, "unowned");
    assert_eq!(s.triage.owners, OwnerView::Unowned);
    let shown: Vec<String> = s
        .rows
        .iter()
        .filter_map(|r| oncall::core::rows::listed(&s.alerts, r))
        .map(|a| format!("{}/{}", a.alertname(), a.labels.get("pod").unwrap_or("-")))
        .collect();
    assert_eq!(shown, ["HighErrorRate/-", "TargetDown/pod-0003"]);
    let said = s.status.as_ref().unwrap().1.clone();
    assert!(said.starts_with("2 alert(s) nobody owns"), "{said}");
    // Whole on an 80-column status line, even with a five-figure count.
    assert!(
        oncall::sanitize::width(&said.replacen('2', "50000", 1)) <= 79,
        "{said}"
    );
    command(&mut s, "mine");
    let shown: Vec<&str> = s
        .rows
        .iter()
        .filter_map(|r| oncall::core::rows::listed(&s.alerts, r))
        .filter_map(|a| a.labels.get("pod"))
        .collect();
    assert_eq!(
        shown,
        ["pod-0001"],
        "alice silenced pod-1 (and responds to no incident)"
    );
    command(&mut s, "all");
    assert_eq!(s.rows.len(), 2 + 4);
}

#[test]
fn what_arrives_after_the_first_answer_is_new_until_looked_at() {
    let mut s = one_source("am", now());
    s.page_rows = 10;
    poll_alerts(&mut s, load(3, 60));
    assert_eq!(s.triage.new, 0, "the first screen is not news");
    let mut alerts = s.alerts.clone();
    alerts.push(high_error_rate());
    poll_alerts(&mut s, alerts.clone());
    assert_eq!(s.triage.new, 1);
    let fresh = s
        .alerts
        .iter()
        .find(|a| a.alertname() == "HighErrorRate")
        .unwrap();
    assert!(oncall::core::news::is_new(&s, fresh));
    // Not looking (no key) keeps it new over polls.
    poll_alerts(&mut s, alerts);
    assert_eq!(s.triage.new, 1);
    // A key on the list with it on screen: seen.
    update(&mut s, Msg::Action(Action::Down));
    assert_eq!(s.triage.new, 0);
}

#[test]
fn a_new_alert_off_screen_stays_new_and_a_folded_group_counts_its_new() {
    let mut s = one_source("am", now());
    s.page_rows = 4;
    s.triage.fold_from = 0;
    poll_alerts(&mut s, load(20, 60));
    let mut alerts = s.alerts.clone();
    alerts.extend(load(21, 1).into_iter().skip(20));
    poll_alerts(&mut s, alerts);
    assert_eq!(s.triage.new, 1);
    update(&mut s, Msg::Action(Action::Top));
    assert_eq!(s.triage.new, 1, "pod-0020 is below the screen");
    update(&mut s, Msg::Action(Action::FoldAll));
    assert_eq!(s.triage.new_in.get("TargetDown"), Some(&1));
    update(&mut s, Msg::Action(Action::Top));
    assert_eq!(s.triage.new, 0, "its folded group was on screen");
}

/// Looking counts the news down as it is seen (no walk of every alert per
/// key): after every key the count is what a full recount gives.
#[test]
fn looking_counts_down_exactly_what_a_full_recount_gives() {
    let mut s = one_source("am", now());
    s.page_rows = 6;
    s.triage.fold_from = 5;
    let mut alerts = load(8, 60);
    alerts.push(high_error_rate());
    poll_alerts(&mut s, alerts.clone());
    // News in the folded TargetDown group, and a new group of its own below.
    alerts.extend(load(10, 1).into_iter().skip(8));
    for i in 0..3 {
        alerts.push(
            alert(&[("alertname", "ZNewGroup"), ("severity", "info")])
                .label("pod", &format!("z-{i}"))
                .started(mins(1))
                .build(),
        );
    }
    poll_alerts(&mut s, alerts);
    assert_eq!(s.triage.new, 5);
    let recounted = |s: &State| {
        let mut fresh = s.clone();
        oncall::core::news::recount(&mut fresh);
        (fresh.triage.new, fresh.triage.new_in)
    };
    for key in [
        Action::Top,
        Action::UnfoldAll,
        Action::Down,
        Action::Bottom,
        Action::FoldAll,
        Action::Top,
    ] {
        update(&mut s, Msg::Action(key));
        assert_eq!(
            (s.triage.new, s.triage.new_in.clone()),
            recounted(&s),
            "after {key:?}"
        );
    }
    assert!(
        s.triage.new < 5,
        "some news was looked at: {}",
        s.triage.new
    );
}

#[test]
fn the_window_counts_what_is_cut_off_above_and_below() {
    // Fits: no lines of its own.
    let w = window(0, 5, 10);
    assert_eq!(
        (
            w.offset,
            w.shown,
            w.above,
            w.below,
            w.top_line,
            w.bottom_line
        ),
        (0, 5, 0, 0, false, false)
    );
    // At the top of 100 rows in 10 lines: 9 rows, `↓ 91 more`.
    let w = window(0, 100, 10);
    assert_eq!(
        (w.shown, w.below, w.top_line, w.bottom_line),
        (9, 91, false, true)
    );
    // Scrolled to row 50: `↑` and `↓` lines, the cursor on screen.
    let w = window(50, 100, 10);
    assert!(w.top_line && w.bottom_line);
    assert_eq!(w.shown, 8);
    assert!(w.offset <= 50 && 50 < w.offset + w.shown);
    assert_eq!(w.above + w.shown + w.below, 100);
    // The last row.
    let w = window(99, 100, 10);
    assert_eq!((w.below, w.offset + w.shown), (0, 100));
}

#[test]
fn every_message_goes_to_the_history_and_errors_stay_until_seen() {
    let mut s = one_source("am", now());
    s.say(StatusLevel::Info, "refreshing all sources");
    s.say(StatusLevel::Error, "ack failed: am answered 500");
    update(&mut s, Msg::Tick(now() + Duration::minutes(10)));
    assert_eq!(
        s.status.as_ref().unwrap().1,
        "ack failed: am answered 500",
        "unseen errors stay"
    );
    // A key pressed after it: seen; then it goes like a warning.
    update(&mut s, Msg::Action(Action::Down));
    update(&mut s, Msg::Tick(now() + Duration::minutes(11)));
    assert!(s.status.is_none());
    let texts: Vec<&str> = s.messages.newest_first().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["ack failed: am answered 500", "refreshing all sources"]
    );
}

#[test]
fn startup_warnings_wait_in_the_history_with_a_badge_and_messages_opens_it() {
    let mut s = one_source("am", now());
    update(
        &mut s,
        Msg::Noted(
            StatusLevel::Warn,
            "runbook not loaded: broken.md:3: bad fence".into(),
        ),
    );
    assert!(s.status.is_none(), "the status line stays free");
    assert_eq!(s.messages.unread, 1);
    update(&mut s, Msg::Action(Action::Messages));
    assert_eq!(s.pane, Pane::Messages);
    assert_eq!(s.messages.unread, 0);
    update(&mut s, Msg::Action(Action::Back));
    assert_eq!(s.pane, Pane::Alerts);
    command(&mut s, "messages");
    assert_eq!(s.pane, Pane::Messages);
}

#[test]
fn the_header_counts_err_only_when_error_severity_exists() {
    let mut s = one_source("am", now());
    poll_alerts(&mut s, vec![high_error_rate()]);
    assert!(!s.counts.any_error);
    let err = alert(&[("alertname", "Y"), ("severity", "error")])
        .silenced_by(&["x"])
        .build();
    poll_alerts(&mut s, vec![high_error_rate(), err]);
    assert!(
        s.counts.any_error,
        "a suppressed error alert is error data too"
    );
}
