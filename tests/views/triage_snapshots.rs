//! Triage on a noisy night, as the screen shows it at 80x24 and 200x50:
//! large groups folded with the real alert on the first screen, who owns
//! each row, `new` marks and their count, `↑ N more` / `↓ N more`, the
//! message history, and a list that says loudly when no Alertmanager answers.

use crate::common::build::{ack, alert, silence};
use crate::common::screen::{screen, sweep};

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::incidents::JournalReply;
use oncall::core::{update, Action, Msg, State, StatusLevel};
use oncall::model::escalation::{ClockStart, Level, Policy};
use oncall::model::{label_matchers, parse_matchers, Alert, AlertState, Event, EventKind};
use oncall::source::{Auth, Snapshot, SourceError, SourceKind, SourceSpec, Tls};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap()
}

fn ago(m: i64) -> DateTime<Utc> {
    now() - chrono::Duration::minutes(m)
}

fn spec(name: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: format!("http://{name}.example:9093"),
        cluster: Some("eu".into()),
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

fn many(name: &str, sev: &str, n: usize, age: i64) -> Vec<Alert> {
    (0..n)
        .map(|i| {
            alert(&[("alertname", name), ("severity", sev)])
                .label("pod", &format!("{}-{i:04}", name.to_lowercase()))
                .summary(&format!("{name}: pod {i} is unhealthy"))
                .started(ago(age + i as i64 % 50))
                .build()
        })
        .collect()
}

fn polled(
    st: &mut State,
    alerts: Vec<Alert>,
    silences: Vec<oncall::model::Silence>,
) -> Vec<oncall::core::Effect> {
    update(
        st,
        Msg::Polled {
            source: 0,
            at: now(),
            result: Ok(Snapshot {
                alerts: alerts.into(),
                silences,
                ..Snapshot::default()
            }),
        },
    )
}

/// 300 TargetDown and 40 KubePodCrashLooping alerts; ModelLatencySLOBreach
/// acked by bob and taken into an incident; FeatureStoreStale silenced by
/// dave; then HighErrorRate arrives (new), paged to level 2 (carol).
fn noisy_night() -> State {
    let mut st = State::new(
        &[spec("am-eu-1", SourceKind::Alertmanager)],
        now(),
        Duration::from_secs(15),
    );
    st.author = "alice".into();
    st.policies = vec![Policy {
        name: "checkout".into(),
        matchers: parse_matchers(r#"alertname="HighErrorRate""#).unwrap(),
        levels: vec![
            Level {
                after: chrono::Duration::zero(),
                targets: vec!["checkout-oncall".into()],
                notify: vec![],
            },
            Level {
                after: chrono::Duration::minutes(1),
                targets: vec!["carol".into()],
                notify: vec![],
            },
        ],
        repeat: 0,
        active_time_intervals: vec![],
        clock: ClockStart::AlertStart,
    }];
    let mut alerts = many("TargetDown", "warning", 300, 60);
    alerts.extend(many("KubePodCrashLooping", "critical", 40, 90));
    let mut latency = alert(&[
        ("alertname", "ModelLatencySLOBreach"),
        ("severity", "critical"),
    ])
    .label("model", "fraud-xgb-v14")
    .summary("fraud-scoring p99 latency 870ms, SLO 300ms")
    .started(ago(25))
    .build();
    let acked = ack("ack-bob", &latency)
        .by("bob")
        .between(ago(3), ago(-12))
        .build();
    latency.state = AlertState::Suppressed;
    latency.silenced_by = vec!["ack-bob".into()];
    let mut stale = alert(&[("alertname", "FeatureStoreStale"), ("severity", "warning")])
        .summary("user_txn_aggregates last materialized 47m ago")
        .started(ago(33))
        .build();
    let quiet = silence("sil-dave", label_matchers(&stale.labels))
        .by("dave")
        .between(ago(20), ago(-100))
        .build();
    stale.state = AlertState::Suppressed;
    stale.silenced_by = vec!["sil-dave".into()];
    alerts.push(latency.clone());
    alerts.push(stale);
    polled(&mut st, alerts.clone(), vec![acked.clone(), quiet.clone()]);
    let mut declared = Event::new(ago(10), "bob", EventKind::Declared, "Fraud scoring slow");
    declared.data.title = Some("Fraud scoring slow".into());
    declared.data.fingerprint = Some(latency.fingerprint.to_string());
    declared.data.labels = Some(latency.labels.clone());
    update(
        &mut st,
        Msg::Journal(JournalReply::Read {
            batches: vec![("INC-20261122-003".into(), vec![declared])],
            problems: vec![],
        }),
    );
    update(
        &mut st,
        Msg::Noted(
            StatusLevel::Warn,
            "runbook not loaded: runbooks/broken.md:12: unclosed fence".into(),
        ),
    );
    alerts.push(
        alert(&[("alertname", "HighErrorRate"), ("severity", "critical")])
            .label("service", "checkout")
            .summary("checkout 5xx ratio 12% (threshold 5%)")
            .started(ago(2))
            .build(),
    );
    // The levels that fell due are paged, and delivered, by this console.
    for fx in polled(&mut st, alerts, vec![acked, quiet]) {
        if let oncall::core::Effect::Page(page) = fx {
            update(
                &mut st,
                Msg::Paged {
                    page,
                    claimed: true,
                    results: vec![],
                },
            );
        }
    }
    update(&mut st, Msg::Tick(now()));
    st.status = None;
    st
}

/// The same night, every group unfolded and the cursor 60 rows down.
fn scrolled() -> State {
    let mut st = noisy_night();
    update(&mut st, Msg::Action(Action::UnfoldAll));
    st.cursor = 60;
    st.status = None;
    st
}

/// The message history after a few messages, one of them long.
fn messages() -> State {
    let mut st = noisy_night();
    st.say(StatusLevel::Info, "sorted by newest");
    st.now = now() + chrono::Duration::seconds(40);
    st.say(
        StatusLevel::Error,
        "ack failed: am-eu-1 answered 500 Internal Server Error (silence: rpc error: code = Unavailable desc = connection refused) and am-eu-2 did not answer within 10s",
    );
    update(&mut st, Msg::Action(Action::Messages));
    st
}

/// Both Alertmanagers down from the start; Prometheus answers with one alert.
fn blind() -> State {
    let specs = [
        spec("am-eu-1", SourceKind::Alertmanager),
        spec("am-eu-2", SourceKind::Alertmanager),
        spec("prom-eu", SourceKind::Prometheus),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    for (source, why) in [(0, "connection refused"), (1, "no answer within 10s")] {
        update(
            &mut st,
            Msg::Polled {
                source,
                at: now(),
                result: Err(SourceError::Connect(why.to_string())),
            },
        );
    }
    let down = alert(&[("alertname", "ModelServerDown"), ("severity", "critical")])
        .summary("fraud-xgb-v14 pod on gpu-node-07 not ready")
        .started(ago(5))
        .build();
    update(
        &mut st,
        Msg::Polled {
            source: 2,
            at: now(),
            result: Ok(Snapshot {
                alerts: vec![down].into(),
                ..Snapshot::default()
            }),
        },
    );
    st
}

macro_rules! snap {
    ($name:ident, $state:expr, $w:expr, $h:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(screen(&$state, $w, $h));
        }
    };
}

snap!(noisy_night_80x24, noisy_night(), 80, 24);
snap!(noisy_night_200x50, noisy_night(), 200, 50);
snap!(scrolled_80x24, scrolled(), 80, 24);
snap!(scrolled_200x50, scrolled(), 200, 50);
snap!(messages_80x24, messages(), 80, 24);
snap!(messages_200x50, messages(), 200, 50);
snap!(blind_80x24, blind(), 80, 24);
snap!(blind_200x50, blind(), 200, 50);

#[test]
fn the_real_alert_is_on_the_first_screen_of_a_noisy_night() {
    let text = screen(&noisy_night(), 80, 24);
    assert!(text.contains("HighErrorRate"), "{text}");
    assert!(text.contains("300 alerts"), "{text}");
    assert!(text.contains("1 new"), "{text}");
    assert!(
        text.contains("L2 paged carol") && text.contains("acked bob 12m"),
        "{text}"
    );
    let wide = screen(&noisy_night(), 200, 50);
    assert!(
        wide.contains("acked bob 12m INC-20261122-003") && wide.contains("silenced by dave"),
        "{wide}"
    );
}

#[test]
fn triage_screens_are_safe_at_every_size() {
    for st in [noisy_night(), scrolled(), messages(), blind()] {
        sweep(&st);
    }
}

/// The detail of an alert whose description runs to 40 lines: What is
/// folded so How bad, Since and Check stay on the first screen.
fn long_what(more: bool) -> State {
    let mut st = State::new(
        &[spec("am-eu-1", SourceKind::Alertmanager)],
        now(),
        Duration::from_secs(15),
    );
    let long: Vec<String> = (1..=40)
        .map(|i| format!("line {i} of a very long description"))
        .collect();
    let a = alert(&[("alertname", "ChattyAlert"), ("severity", "critical")])
        .summary("checkout is failing")
        .annotation("description", &long.join("\n"))
        .annotation("runbook_url", "https://runbooks.example/ChattyAlert")
        .started(ago(7))
        .build();
    polled(&mut st, vec![a], vec![]);
    update(&mut st, Msg::Action(Action::Open));
    if more {
        update(&mut st, Msg::Action(Action::Open));
    }
    st
}

snap!(long_what_80x24, long_what(false), 80, 24);
snap!(long_what_200x50, long_what(false), 200, 50);

#[test]
fn a_long_what_keeps_the_four_answers_in_view_and_enter_shows_it_whole() {
    let folded = screen(&long_what(false), 80, 24);
    for answer in [
        "What",
        "How bad",
        "Since",
        "Check",
        "more lines (Enter shows all)",
    ] {
        assert!(folded.contains(answer), "{answer}:\n{folded}");
    }
    let whole = screen(&long_what(true), 80, 24);
    assert!(
        whole.contains("line 10 of") && !whole.contains("more lines"),
        "{whole}"
    );
}

/// Both Alertmanagers refuse from the start and nothing else is configured.
fn all_down() -> State {
    let specs = [
        spec("am-eu-1", SourceKind::Alertmanager),
        spec("am-eu-2", SourceKind::Alertmanager),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    for source in [0, 1] {
        let result = Err(SourceError::Connect("connection refused".into()));
        update(
            &mut st,
            Msg::Polled {
                source,
                at: now(),
                result,
            },
        );
    }
    st
}

snap!(all_down_80x24, all_down(), 80, 24);
snap!(all_down_200x50, all_down(), 200, 50);

/// Four-figure counts of every severity, two new alerts and an unread
/// startup warning: at 80 columns the header gives up the product name and
/// the zero counts before it would cut `2 new` to `2 n`.
fn loud_night() -> State {
    let mut st = State::new(
        &[spec("am-eu-1", SourceKind::Alertmanager)],
        now(),
        Duration::from_secs(15),
    );
    let mut alerts = many("TargetDown", "critical", 1005, 60);
    alerts.extend(many("DiskAlmostFull", "error", 1000, 60));
    alerts.extend(many("KafkaConsumerLag", "warning", 2002, 60));
    alerts.extend(many("CertificateExpiringSoon", "info", 1001, 60));
    polled(&mut st, alerts.clone(), vec![]);
    update(
        &mut st,
        Msg::Noted(
            StatusLevel::Warn,
            "runbook not loaded: runbooks/broken.md:12: unclosed fence".into(),
        ),
    );
    alerts.extend(many("PaymentsQueueBacklog", "critical", 2, 0));
    polled(&mut st, alerts, vec![]);
    st.status = None;
    st
}

snap!(loud_night_80x24, loud_night(), 80, 24);
snap!(loud_night_200x50, loud_night(), 200, 50);

#[test]
fn the_header_drops_zeros_and_the_name_before_it_cuts_a_count() {
    let text = screen(&loud_night(), 80, 24);
    let header = text.lines().next().unwrap();
    assert!(header.contains("· 2 new"), "{header}");
    assert!(header.contains("1 MSG"), "{header}");
    assert!(!header.contains("0 pend"), "{header}");
    let wide = screen(&loud_night(), 200, 50);
    let header = wide.lines().next().unwrap();
    assert!(
        header.contains(" oncall ") && header.contains("0 pending · 0 suppressed · 2 new"),
        "{header}"
    );
}

/// Both down from the start, named by their URLs (`--alertmanager URL`),
/// one with a reason longer than the row: the name is said once and the
/// reason wraps under it, keeping its end (why).
fn all_down_by_url() -> State {
    let by_url = |host: &str| SourceSpec {
        name: host.into(),
        kind: SourceKind::Alertmanager,
        url: format!("http://{host}"),
        cluster: None,
        auth: Auth::default(),
        tls: Tls::default(),
    };
    let specs = [by_url("127.0.0.1:9"), by_url("am2.invalid:9093")];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let reasons = [
        "connection refused",
        "cannot resolve am2.invalid: failed to lookup address information: Name or service not known",
    ];
    for (source, why) in reasons.into_iter().enumerate() {
        update(
            &mut st,
            Msg::Polled {
                source,
                at: now(),
                result: Err(SourceError::Connect(why.into())),
            },
        );
    }
    st
}

snap!(all_down_by_url_80x24, all_down_by_url(), 80, 24);
snap!(all_down_by_url_200x50, all_down_by_url(), 200, 50);

#[test]
fn blind_from_the_start_keeps_each_reason_whole_and_says_nobody_answered() {
    let text = screen(&all_down_by_url(), 80, 24);
    assert!(text.contains("Name or service not known"), "{text}");
    assert!(!text.contains("http://127.0.0.1:9"), "{text}");
    assert!(text.contains("no source has answered"), "{text}");
    assert!(!text.contains("waiting for the first answer"), "{text}");
}

/// A level this console did not deliver (another process pages, or its
/// page failed before a restart) is `due`, not `paged`: the row does not
/// claim somebody was reached.
#[test]
fn a_level_this_console_did_not_page_reads_due_not_paged() {
    let mut st = noisy_night();
    st.paged_at.clear();
    update(&mut st, Msg::Tick(now()));
    let text = screen(&st, 80, 24);
    assert!(text.contains("L2 due carol"), "{text}");
    assert!(!text.contains("L2 paged carol"), "{text}");
}
