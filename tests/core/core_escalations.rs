//! The escalation pane from a console state: groups by policy and
//! alertname, the soonest next escalation first, held groups after, targets
//! resolved through the on-call schedule, and the countdown on screen.

use crate::common::build;

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::fixtures::{one_source, poll_alerts};
use oncall::config::local_time;
use oncall::core::escalations::escalation_rows;
use oncall::core::{update, Action, Msg, Pane};
use oncall::model::escalation::{ClockStart, Level, Policy};
use oncall::model::schedule::Schedule;
use oncall::model::{parse_matchers, Alert, AlertState, Silence, SilenceState};
use oncall::source::Snapshot;

pub(crate) fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap() + Duration::minutes(min)
}

pub(crate) fn alert(name: &str, started: i64) -> Alert {
    build::alert(&[("alertname", name), ("team", "ml-platform")])
        .started(t(started))
        .source("am")
        .build()
}

/// A `New` alert of one pod (two pods make a group of two).
fn new_on(pod: &str, started: i64) -> Alert {
    let mut labels = alert("New", started).labels.clone();
    labels.insert("pod".into(), pod.into());
    let mut a = Alert::new(labels, AlertState::Firing, t(started));
    a.sources = ["am".into()].into_iter().collect();
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
        clock: ClockStart::AlertStart,
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
        ]
        .into(),
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
    let wide = common::screen::screen(&s, 200, 24);
    assert!(
        wide.contains("due L1 15:05") && !wide.contains("paged L1"),
        "the history, where there is room (this console paged nothing): {wide}"
    );
    common::screen::sweep(&s);
    // A second later the countdown moved.
    update(&mut s, Msg::Tick(t(10) + Duration::seconds(1)));
    assert!(common::screen::screen(&s, 120, 24).contains("L1 in 02:59"));
    poll_alerts(&mut s, vec![]);
    assert!(escalation_rows(&s).is_empty());
}

pub(crate) fn pages_of(fx: Vec<oncall::core::Effect>) -> Vec<oncall::core::escalations::Page> {
    fx.into_iter()
        .filter_map(|e| match e {
            oncall::core::Effect::Page(p) => Some(p),
            _ => None,
        })
        .collect()
}

pub(crate) fn paging_console(now: DateTime<Utc>) -> oncall::core::State {
    let mut s = one_source("am", now);
    let mut p = policy();
    p.levels[0].notify = vec!["pager".into(), "bell".into()];
    s.policies = vec![p];
    s.terminal_notifiers = vec!["bell".into()];
    s
}

#[test]
fn a_level_that_falls_due_pages_once_and_levels_due_together_page_once() {
    let mut s = paging_console(t(4));
    poll_alerts(&mut s, vec![alert("Old", 0)]);
    assert!(
        oncall::core::escalations::pages_due(&mut s).is_empty(),
        "not due at 4m"
    );
    // The next poll, a minute later: level 1 is due.
    s.now = t(5);
    let fx = poll_alerts(&mut s, vec![alert("Old", 0)]);
    let pages: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            oncall::core::Effect::Page(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(pages.len(), 1, "{fx:?}");
    assert_eq!(pages[0].note.level, 1);
    assert_eq!(pages[0].notifiers, ["pager", "bell"]);
    assert!(
        update(&mut s, Msg::Tick(t(5) + Duration::seconds(10)))
            .iter()
            .all(|e| !matches!(e, oncall::core::Effect::Page(_))),
        "once"
    );
    // Data gone stale pages nobody: the alert may be long resolved.
    let mut stale = paging_console(t(4));
    poll_alerts(&mut stale, vec![alert("Old", 0)]);
    assert!(pages_of(update(&mut stale, Msg::Tick(t(6)))).is_empty());

    // A console started late finds two levels due: one page, for level 2.
    let mut late = paging_console(t(30));
    let due = pages_of(poll_alerts(&mut late, vec![alert("Old", 0)]));
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].note.level, due[0].keys.len()), (2, 2));
}

/// While `oncall serve` holds the engine lease, a console leaves paging to
/// it; when the lease is gone, the console pages again.
#[test]
fn a_console_leaves_paging_to_the_engine_holding_the_lease() {
    let mut s = paging_console(t(10));
    let held = Some("oncall serve on bastion (pid 7)".to_string());
    update(&mut s, Msg::PagingHeldBy(held));
    assert!(pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).is_empty());
    update(&mut s, Msg::PagingHeldBy(None));
    let soon = t(10) + Duration::seconds(1);
    assert_eq!(pages_of(update(&mut s, Msg::Tick(soon))).len(), 1);
}

#[test]
fn read_only_consoles_and_the_demo_page_nobody() {
    for setup in [
        |s: &mut oncall::core::State| s.read_only = true,
        |s: &mut oncall::core::State| s.demo = true,
    ] {
        let mut s = paging_console(t(10));
        setup(&mut s);
        assert!(pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).is_empty());
    }
    // The same console, writable: it pages.
    let mut s = paging_console(t(10));
    assert_eq!(
        pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).len(),
        1
    );
    {}
}

#[test]
fn a_delivered_page_is_said_rings_the_bell_and_a_lost_claim_is_quiet() {
    let mut s = paging_console(t(5));
    let page = pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).remove(0);
    let results = vec![
        (
            "pager".to_string(),
            Err("webhook pager: HTTP 503 (gave up after 4 attempts)".to_string()),
        ),
        ("bell".to_string(), Ok(1)),
    ];
    let fx = update(
        &mut s,
        Msg::Paged {
            page: page.clone(),
            claimed: true,
            results,
        },
    );
    assert!(fx.contains(&oncall::core::Effect::Bell), "{fx:?}");
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, oncall::core::StatusLevel::Error);
    assert!(
        text.contains("escalated Old to level 1") && text.contains("HTTP 503"),
        "{text}"
    );
    s.status = None;
    let fx = update(
        &mut s,
        Msg::Paged {
            page,
            claimed: false,
            results: vec![],
        },
    );
    assert!(
        fx.is_empty() && s.status.is_none(),
        "another console paged it"
    );
}

#[test]
fn the_pane_says_when_a_level_was_paged_not_only_when_it_fell_due() {
    // Started late: both levels fell due (15:05, 15:15) before 15:30.
    let mut s = paging_console(t(30));
    let page = pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).remove(0);
    update(&mut s, Msg::Action(Action::Escalations));
    let wide = common::screen::screen(&s, 200, 24);
    assert!(wide.contains("due L1 15:05, L2 15:15"), "{wide}");
    update(
        &mut s,
        Msg::Paged {
            page,
            claimed: true,
            results: vec![],
        },
    );
    update(&mut s, Msg::Tick(t(31)));
    let wide = common::screen::screen(&s, 200, 24);
    assert!(
        wide.contains("paged L1 15:30, L2 15:30") && !wide.contains("due L"),
        "{wide}"
    );
}

#[test]
fn an_ack_that_runs_out_while_it_fires_resumes_the_escalation_out_loud() {
    let mut s = one_source("am", t(10));
    s.policies = vec![policy()];
    let ack = Silence {
        id: "a1".into(),
        matchers: parse_matchers(r#"alertname="Acked""#).unwrap(),
        starts_at: t(0),
        ends_at: t(12),
        created_by: "carol".into(),
        comment: "ACK! looking".into(),
        state: SilenceState::Active,
        source: "am".into(),
    };
    let snap = |silences: Vec<Silence>| Snapshot {
        alerts: vec![alert("Acked", 0)].into(),
        silences,
        ..Snapshot::default()
    };
    update(
        &mut s,
        Msg::Polled {
            source: 0,
            at: t(10),
            result: Ok(snap(vec![ack.clone()])),
        },
    );
    assert!(s.status.is_none());
    update(&mut s, Msg::Tick(t(13)));
    let (_, text, _) = s.status.clone().expect("said");
    assert!(
        text.contains("escalation of Acked resumed: carol's hold ended"),
        "{text}"
    );
    // Said once.
    s.status = None;
    update(&mut s, Msg::Tick(t(13) + Duration::seconds(1)));
    assert!(s.status.is_none());
}

/// A claimed page that no notifier delivered is said in the pane, loudly,
/// and tried again every `page_retry` until it gets through; an ack on its
/// group ends the retries.
#[test]
fn a_failed_page_is_said_and_tried_again_until_delivered() {
    let mut s = paging_console(t(10));
    s.page_retry = std::time::Duration::from_secs(30);
    let page = pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).remove(0);
    let refused = |p: &oncall::core::escalations::Page| Msg::Paged {
        page: p.clone(),
        claimed: true,
        results: vec![(
            "pager".into(),
            Err("webhook pager: connection refused".into()),
        )],
    };
    update(&mut s, refused(&page));
    update(&mut s, Msg::Action(Action::Escalations));
    let screen = common::screen::screen(&s, 160, 24);
    assert!(
        screen.contains("PAGE FAILED L1 (1 try, next in 30s) webhook pager: connection refused"),
        "{screen}"
    );
    // The alert's row says it too, at 80 columns.
    update(&mut s, Msg::Action(Action::Back));
    let list = common::screen::screen(&s, 80, 24);
    assert!(list.contains("PAGE FAILED L1"), "{list}");
    update(&mut s, Msg::Action(Action::Escalations));
    // Not before its time; then again, as a retry of the same claim.
    assert!(pages_of(update(&mut s, Msg::Tick(t(10) + Duration::seconds(10)))).is_empty());
    let again = pages_of(update(&mut s, Msg::Tick(t(10) + Duration::seconds(31))));
    assert_eq!(again.len(), 1);
    assert!(again[0].retry && again[0].keys == page.keys);
    update(&mut s, refused(&again[0]));
    let screen = common::screen::screen(&s, 160, 24);
    assert!(screen.contains("(2 tries, next in"), "{screen}");
    // Delivered: the pane stops saying it failed.
    update(
        &mut s,
        Msg::Paged {
            page: again[0].clone(),
            claimed: true,
            results: vec![("pager".into(), Ok(1))],
        },
    );
    assert!(s.failed_pages.is_empty());
    assert!(!common::screen::screen(&s, 160, 24).contains("PAGE FAILED"));

    // Another group fails; an ack on it ends the retries.
    let mut s = paging_console(t(10));
    let page = pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).remove(0);
    update(&mut s, refused(&page));
    let a = alert("Old", 0);
    let ack = build::ack("s1", &a)
        .by("carol")
        .between(t(10), t(40))
        .source("am")
        .build();
    s.silences = vec![ack];
    assert!(pages_of(update(&mut s, Msg::Tick(t(10) + Duration::seconds(31)))).is_empty());
    assert!(s.failed_pages.is_empty());
}

/// While `oncall serve` pages, a console shows what the claims say it did:
/// the level it paged, or its page that no notifier delivered; the wall
/// (read-only, never paging) too. Neither retries the engine's page.
#[test]
fn a_console_not_paging_shows_the_engines_failed_page_from_the_claims() {
    use oncall::store::page_claims;
    let dir = common::temp_dir("claims-seen");
    for read_only in [false, true] {
        let _ = std::fs::remove_file(dir.join("paged.jsonl"));
        let mut s = paging_console(t(10));
        s.read_only = read_only;
        if !read_only {
            update(
                &mut s,
                Msg::PagingHeldBy(Some("oncall serve on bastion (pid 7)".into())),
            );
        }
        poll_alerts(&mut s, vec![alert("Old", 0), alert("Fine", 0)]);
        let key = |group: &str| {
            let rows = escalation_rows(&s);
            let r = rows.iter().find(|r| r.group == group).unwrap();
            r.standing.reached[0].key(&r.policy, &r.group, r.standing.started)
        };
        let (old, fine) = (vec![key("Old")], vec![key("Fine")]);
        let serve = "oncall serve on bastion (pid 7)";
        let now = t(10);
        assert!(page_claims::claim(&dir, &old, serve, now).unwrap());
        assert!(page_claims::claim(&dir, &fine, serve, now).unwrap());
        for _ in 0..3 {
            page_claims::record(
                &dir,
                &old,
                serve,
                now,
                Err("pager: connection refused".into()),
                now + Duration::seconds(60),
            )
            .unwrap();
        }
        page_claims::record(&dir, &fine, serve, now, Ok(()), now).unwrap();

        let seen = page_claims::outcomes(&dir).unwrap();
        assert_eq!(seen[&old[0]].failures, 3);
        assert_eq!(seen[&fine[0]].delivered, Some(now));
        update(&mut s, Msg::PagesSeen(seen));
        update(&mut s, Msg::Action(Action::Escalations));
        let screen = common::screen::screen(&s, 160, 24);
        assert!(
            screen.contains("PAGE FAILED L1 (3 tries, next in 30s) pager: connection refused"),
            "read_only={read_only}\n{screen}"
        );
        assert!(screen.contains("paged L1 15:10"), "{screen}");
        // The list's rows say it too: delivered by the engine is paged,
        // its failure is PAGE FAILED (no row claims a page nobody got).
        s.pane = Pane::Alerts;
        update(&mut s, Msg::Tick(t(10)));
        let list = common::screen::screen(&s, 160, 24);
        let row = |name: &str| {
            list.lines()
                .find(|l| l.contains(name))
                .unwrap_or("")
                .to_string()
        };
        assert!(row("Fine").contains("L1 paged "), "{list}");
        assert!(row("Old").contains("PAGE FAILED"), "{list}");
        assert!(!list.contains(" due "), "{list}");
        // Not this process's page to retry, ever.
        for secs in [31, 120] {
            assert!(
                pages_of(update(&mut s, Msg::Tick(t(10) + Duration::seconds(secs)))).is_empty()
            );
        }
        // Delivered at last: the next reading clears it.
        page_claims::record(&dir, &old, serve, now, Ok(()), now).unwrap();
        update(&mut s, Msg::PagesSeen(page_claims::outcomes(&dir).unwrap()));
        assert!(s.failed_pages.is_empty());
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The groups are worked out once per alert list (`core::escalation_groups`):
/// they still follow each new poll, a changed policy, and a policy's time
/// interval starting or ending.
#[test]
fn the_groups_follow_the_alerts_the_policies_and_the_time_intervals() {
    use oncall::model::time_interval::{Span, TimeInterval, TimeRange};
    let mut s = one_source("am", t(10));
    s.policies = vec![policy()];
    let groups = |s: &oncall::core::State| -> Vec<(String, usize)> {
        escalation_rows(s)
            .into_iter()
            .map(|r| (r.group, r.alerts))
            .collect()
    };
    poll_alerts(&mut s, vec![alert("Old", 0)]);
    assert_eq!(groups(&s), [("Old".to_string(), 1)]);
    // The same number of alerts, other ones: a new list, new groups.
    poll_alerts(&mut s, vec![alert("Other", 0)]);
    assert_eq!(groups(&s), [("Other".to_string(), 1)]);
    poll_alerts(&mut s, vec![new_on("a", 8), new_on("b", 9)]);
    assert_eq!(groups(&s), [("New".to_string(), 2)]);
    // A reload that narrows the policy.
    let mut narrow = policy();
    narrow.matchers = parse_matchers(r#"pod="a""#).unwrap();
    s.policies = vec![narrow];
    assert_eq!(groups(&s), [("New".to_string(), 1)]);
    // Active 15:00–15:20 only: at 15:20 (t(20)) the policy stops.
    let mut timed = policy();
    timed.active_time_intervals = vec!["afternoon".into()];
    s.policies = vec![timed];
    s.intervals = vec![TimeInterval {
        name: "afternoon".into(),
        ranges: vec![TimeRange {
            times: vec![Span {
                start: 15 * 60,
                end: 15 * 60 + 20,
            }],
            ..TimeRange::default()
        }],
    }];
    assert_eq!(groups(&s), [("New".to_string(), 2)]);
    update(&mut s, Msg::Tick(t(20)));
    assert!(groups(&s).is_empty(), "{:?}", groups(&s));
}
