//! Snapshots of every pane at 80x24 (the SSH-to-a-bastion size), a wide
//! 200x50 and a tiny 30x8, rendered with TestBackend from a state built
//! through `core::update`, as the real program builds it.

use crate::common::build;

use std::time::Duration;

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::screen::{render, screen, text};

use oncall::core::update::InputEdit;
use oncall::core::{update, Action, Msg, Pane, State};
use oncall::model::{Alert, AlertState, MatchOp, Matcher, Silence, SilenceState};
use oncall::source::{Auth, Snapshot, SourceError, SourceKind, SourceSpec, Tls};

const HOSTILE: &str = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u{202e}";

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    t(2, 27)
}

fn spec(name: &str, kind: SourceKind, url: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: url.into(),
        cluster: Some("eu".into()),
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

fn alert(
    labels: &[(&str, &str)],
    annotations: &[(&str, &str)],
    state: AlertState,
    starts: DateTime<Utc>,
) -> Alert {
    let mut b = build::alert(labels)
        .label("team", "ml-platform")
        .state(state)
        .started(starts);
    for (k, v) in annotations {
        b = b.annotation(k, v);
    }
    let mut a = b.build();
    a.updated_at = Some(t(2, 26));
    a.generator_url = "http://prom-eu.example:9090/graph?g0.expr=model_latency".into();
    a.receivers = ["ml-oncall".into()].into_iter().collect();
    a
}

/// Nine alerts of a fraud-scoring ML platform having a bad night.
fn fixture() -> (Vec<Alert>, Vec<Alert>, Vec<Silence>) {
    use AlertState::*;
    let latency = alert(
        &[("alertname", "ModelLatencySLOBreach"), ("severity", "critical"), ("model", "fraud-scorer"), ("region", "eu-west-1")],
        &[
            ("summary", "p99 latency 812ms over the 250ms SLO for 10m"),
            ("description", "p99 inference latency of fraud-scorer has been above the SLO.\nCheckout calls time out after 1s and fall back to rules.\nSee the GPU pool first."),
            ("runbook_url", "https://runbooks.example/ml/ModelLatencySLOBreach"),
            ("value", "812ms"),
            ("hint", &format!("drain the pool{HOSTILE}now")),
        ],
        Firing,
        t(2, 10),
    );
    let latency_cjk = alert(
        &[
            ("alertname", "ModelLatencySLOBreach"),
            ("severity", "critical"),
            ("model", "推荐模型"),
            ("region", "ap-northeast-1"),
        ],
        &[
            ("summary", "p99 latency 430ms over the 250ms SLO"),
            (
                "runbook_url",
                "https://runbooks.example/ml/ModelLatencySLOBreach",
            ),
        ],
        Firing,
        t(2, 21),
    );
    let errors = alert(
        &[
            ("alertname", "ModelErrorRateHigh"),
            ("severity", "critical"),
            ("model", "fraud-scorer"),
        ],
        &[("summary", "5xx ratio 7.2% (threshold 2%)")],
        Firing,
        t(1, 58),
    );
    let drift = alert(
        &[
            ("alertname", "FeatureDriftDetected"),
            ("severity", "warning"),
            ("feature", "transaction_amount"),
            ("model", "fraud-scorer"),
        ],
        &[("summary", "PSI 0.31 on transaction_amount (threshold 0.2)")],
        Firing,
        t(0, 40),
    );
    let stale_features = alert(
        &[
            ("alertname", "FeatureStoreStale"),
            ("severity", "warning"),
            ("feature_view", "user_profile"),
        ],
        &[("summary", "online features are 47m old (max 15m)")],
        Firing,
        t(1, 30),
    );
    let mut gpu = alert(
        &[
            ("alertname", "GPUMemoryPressure"),
            ("severity", "warning"),
            ("node", "gpu-node-7"),
        ],
        &[("summary", "GPU memory 94% on gpu-node-7")],
        Suppressed,
        t(1, 5),
    );
    gpu.silenced_by = vec!["5f1c2d3e-silence".into()];
    let mut backlog = alert(
        &[
            ("alertname", "PredictionQueueBacklog"),
            ("severity", "error"),
            ("queue", "scoring-requests"),
        ],
        &[("summary", "12k requests waiting in scoring-requests")],
        Suppressed,
        t(2, 0),
    );
    backlog.inhibited_by = vec![errors.fingerprint.to_string()];
    let training = alert(
        &[
            ("alertname", "TrainingJobSlow"),
            ("severity", "warning"),
            ("job", "nightly-retrain"),
        ],
        &[("summary", "epoch time 3.1x baseline")],
        Pending,
        t(2, 25),
    );
    let retrained = alert(
        &[
            ("alertname", "ModelRetrained"),
            ("severity", "info"),
            ("model", "fraud-scorer"),
        ],
        &[("summary", "fraud-scorer v42 promoted to production")],
        Firing,
        t(0, 15),
    );
    let silence = Silence {
        id: "5f1c2d3e-silence".into(),
        matchers: vec![Matcher::new("node", MatchOp::Eq, "gpu-node-7").unwrap()],
        starts_at: t(1, 0),
        ends_at: t(3, 0),
        created_by: "bob".into(),
        comment: "node drain for driver upgrade, CHG-4411".into(),
        state: SilenceState::Active,
        source: "am-eu-1".into(),
    };
    let am = vec![
        latency,
        latency_cjk,
        errors,
        drift,
        stale_features,
        gpu,
        backlog,
        retrained,
    ];
    (am, vec![training], vec![silence])
}

/// A console that has polled an Alertmanager and a Prometheus once.
fn state() -> State {
    let specs = [
        spec(
            "am-eu-1",
            SourceKind::Alertmanager,
            "https://am1.example:9093",
        ),
        spec(
            "prom-eu",
            SourceKind::Prometheus,
            "http://prom-eu.example:9090",
        ),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let (am, prom, silences) = fixture();
    let at = now() - chrono::Duration::seconds(12);
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at,
            result: Ok(Snapshot {
                alerts: am.into(),
                silences,
                ..Snapshot::default()
            }),
        },
    );
    update(
        &mut st,
        Msg::Polled {
            source: 1,
            at,
            result: Ok(Snapshot {
                alerts: prom.into(),
                ..Snapshot::default()
            }),
        },
    );
    st
}

fn detail_state() -> State {
    let mut st = state();
    // The fraud-scorer latency alert: the one with the hostile annotation.
    st.cursor = st
        .rows
        .iter()
        .position(|r| matches!(r, oncall::core::Row::Alert { index }
            if st.alerts[*index].alertname() == "ModelLatencySLOBreach" && &st.alerts[*index].labels["model"] == "fraud-scorer"))
        .unwrap();
    update(&mut st, Msg::Action(Action::Open));
    assert_eq!(st.pane, Pane::Detail);
    assert_eq!(
        st.detail_alert().unwrap().alertname(),
        "ModelLatencySLOBreach"
    );
    st
}

/// The detail view of the first alert with this alertname.
fn detail_of(name: &str) -> State {
    let mut st = state();
    st.cursor = st
        .rows
        .iter()
        .position(|r| {
            matches!(r, oncall::core::Row::Alert { index } | oncall::core::Row::Group { single: Some(index), .. }
                if st.alerts[*index].alertname() == name)
        })
        .unwrap();
    update(&mut st, Msg::Action(Action::Open));
    st
}

fn help_state() -> State {
    let mut st = state();
    update(&mut st, Msg::Action(Action::Help));
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

snap!(alerts_80x24, state(), 80, 24);
snap!(alerts_200x50, state(), 200, 50);
snap!(alerts_30x8, state(), 30, 8);
snap!(detail_80x24, detail_state(), 80, 24);
snap!(detail_200x50, detail_state(), 200, 50);
snap!(detail_30x8, detail_state(), 30, 8);
snap!(help_80x24, help_state(), 80, 24);
snap!(help_200x50, help_state(), 200, 50);
snap!(help_30x8, help_state(), 30, 8);
snap!(
    detail_silenced_100x50,
    detail_of("GPUMemoryPressure"),
    100,
    50
);
snap!(
    detail_inhibited_100x50,
    detail_of("PredictionQueueBacklog"),
    100,
    50
);
snap!(stale_80x24, stale_state(), 80, 24);
snap!(acked_80x24, acked_state(), 80, 24);
snap!(acked_200x50, acked_state(), 200, 50);
snap!(silence_form_80x24, silence_form_state(), 80, 24);
snap!(silence_form_120x40, silence_form_state(), 120, 40);
snap!(silences_80x24, silences_state(), 80, 24);
snap!(silences_200x50, silences_state(), 200, 50);
snap!(resolve_confirm_80x24, resolve_confirm_state(), 80, 24);

/// FeatureDriftDetected is acked by carol (9 minutes left); the ack of
/// FeatureStoreStale ran out 4 minutes ago while it still fires.
fn acked_state() -> State {
    let mut st = state();
    let (mut am, _, mut silences) = fixture();
    let ack = |id: &str, a: &Alert, start: DateTime<Utc>, end: DateTime<Utc>, state| Silence {
        id: id.into(),
        matchers: oncall::model::label_matchers(&a.labels),
        starts_at: start,
        ends_at: end,
        created_by: "carol".into(),
        comment: "ACK! looking at the feature pipeline".into(),
        state,
        source: "am-eu-1".into(),
    };
    let drift = am
        .iter_mut()
        .find(|a| a.alertname() == "FeatureDriftDetected")
        .unwrap();
    drift.state = AlertState::Suppressed;
    drift.silenced_by = vec!["ack-drift".into()];
    let drift = drift.clone();
    silences.push(ack(
        "ack-drift",
        &drift,
        t(2, 21),
        t(2, 36),
        SilenceState::Active,
    ));
    let stale = am
        .iter()
        .find(|a| a.alertname() == "FeatureStoreStale")
        .unwrap()
        .clone();
    silences.push(ack(
        "ack-stale",
        &stale,
        t(2, 8),
        t(2, 23),
        SilenceState::Expired,
    ));
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: now(),
            result: Ok(Snapshot {
                alerts: am.into(),
                silences,
                ..Snapshot::default()
            }),
        },
    );
    st
}

/// `s` on the fraud-scorer latency alert, region dropped, a comment typed.
fn silence_form_state() -> State {
    use oncall::core::update::FormKey;
    let mut st = detail_state();
    update(&mut st, Msg::Action(Action::Silence));
    let region = st
        .form
        .as_ref()
        .unwrap()
        .matchers
        .iter()
        .position(|m| m.matcher.name == "region")
        .unwrap();
    for _ in 0..region {
        update(&mut st, Msg::Form(FormKey::Down));
    }
    update(&mut st, Msg::Form(FormKey::Toggle));
    for _ in 0..st.form.as_ref().unwrap().matchers.len() - region + 2 {
        update(&mut st, Msg::Form(FormKey::Down));
    }
    update(&mut st, Msg::Form(FormKey::Enter));
    for c in "rollback of v42 in progress".chars() {
        update(&mut st, Msg::Input(InputEdit::Char(c)));
    }
    st
}

fn silences_state() -> State {
    let mut st = acked_state();
    update(&mut st, Msg::Action(Action::Silences));
    st
}

fn resolve_confirm_state() -> State {
    let mut st = detail_state();
    update(&mut st, Msg::Action(Action::Resolve));
    assert!(st.confirm.is_some());
    st
}
snap!(filter_error_80x24, filter_error_state(), 80, 24);
snap!(no_match_80x24, no_match_state(), 80, 24);
snap!(connecting_80x24, connecting_state(), 80, 24);
snap!(all_clear_80x24, all_clear_state(), 80, 24);

/// prom-eu answered once, then failed: its data is kept but stale.
fn stale_state() -> State {
    let mut st = state();
    let err = SourceError::Connect("connection refused".into());
    update(
        &mut st,
        Msg::Polled {
            source: 1,
            at: now(),
            result: Err(err),
        },
    );
    update(&mut st, Msg::Tick(now() + chrono::Duration::seconds(20)));
    st
}

fn filter_error_state() -> State {
    let mut st = state();
    update(&mut st, Msg::Action(Action::Filter));
    for c in "severity=~\"crit".chars() {
        update(&mut st, Msg::Input(InputEdit::Char(c)));
    }
    st
}

fn no_match_state() -> State {
    let mut st = state();
    update(&mut st, Msg::Action(Action::Command));
    for c in "filter Latency".chars() {
        update(&mut st, Msg::Input(InputEdit::Char(c)));
    }
    update(&mut st, Msg::Input(InputEdit::Submit));
    st
}

fn connecting_state() -> State {
    let specs = [
        spec(
            "am-eu-1",
            SourceKind::Alertmanager,
            "https://am1.example:9093",
        ),
        spec(
            "am-eu-2",
            SourceKind::Alertmanager,
            "https://am2.example:9093",
        ),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let err = SourceError::Timeout(Duration::from_secs(10));
    update(
        &mut st,
        Msg::Polled {
            source: 1,
            at: now(),
            result: Err(err),
        },
    );
    st
}

fn all_clear_state() -> State {
    let specs = [spec(
        "am-eu-1",
        SourceKind::Alertmanager,
        "https://am1.example:9093",
    )];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: now(),
            result: Ok(Snapshot::default()),
        },
    );
    st
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn no_control_characters_reach_the_buffer() {
    for st in [
        state(),
        detail_state(),
        help_state(),
        stale_state(),
        filter_error_state(),
    ] {
        for (w, h) in [(80, 24), (200, 50), (30, 8), (120, 40)] {
            let buf = render(&st, w, h);
            for cell in &buf.content {
                assert!(
                    !cell.symbol().chars().any(is_unsafe),
                    "unsafe cell {:?} at {w}x{h}",
                    cell.symbol()
                );
            }
        }
    }
    // The hostile annotation is on screen, defused.
    let mut st = detail_state();
    st.scroll = 12;
    assert!(
        screen(&st, 200, 50).contains("drain the poolnow"),
        "escape sequences go whole"
    );
}

#[test]
fn stale_source_is_announced_in_the_status_bar() {
    let buf = render(&stale_state(), 80, 24);
    let screen = text(&buf);
    let status = screen.lines().last().unwrap();
    assert!(status.contains("prom-eu stale"), "{status}");
    assert!(!screen.contains("All clear"));
}

#[test]
fn never_panics_at_any_size() {
    let states = [
        state(),
        detail_state(),
        help_state(),
        stale_state(),
        filter_error_state(),
        connecting_state(),
        acked_state(),
        silence_form_state(),
        silences_state(),
        resolve_confirm_state(),
        no_match_state(),
        all_clear_state(),
    ];
    for st in &states {
        common::screen::sweep(st);
    }
}

#[test]
fn list_rows_matches_the_drawn_list() {
    use oncall::ui::views::list_rows;
    use ratatui::layout::Rect;
    assert_eq!(list_rows(Rect::new(0, 0, 80, 24)), 19);
    assert_eq!(list_rows(Rect::new(0, 0, 30, 8)), 6);
    assert_eq!(list_rows(Rect::new(0, 0, 1, 1)), 1);
    assert_eq!(list_rows(Rect::new(0, 0, 0, 0)), 0);
}

#[test]
fn hostile_source_errors_and_secret_urls_stay_off_the_screen() {
    let specs = [spec(
        "am-x",
        SourceKind::Alertmanager,
        "https://bob:hunter2@am.example:9093/?token=s3cret",
    )];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let err = SourceError::Status {
        status: 502,
        snippet: "bad\u{1b}]52;c;ZXZpbA==\u{7}gateway\u{202e}".into(),
    };
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: now(),
            result: Err(err),
        },
    );
    for (w, h) in [(80, 24), (200, 50), (30, 8)] {
        let buf = render(&st, w, h);
        for cell in &buf.content {
            assert!(
                !cell.symbol().chars().any(is_unsafe),
                "unsafe cell {:?} at {w}x{h}",
                cell.symbol()
            );
        }
        let screen = text(&buf);
        assert!(
            !screen.contains("hunter2") && !screen.contains("s3cret"),
            "{screen}"
        );
    }
    assert!(screen(&st, 200, 50).contains("am.example:9093"));
}

// --- incidents ---

use oncall::core::incidents::JournalReply;
use oncall::model::{Event, EventData, EventKind, Sev, Status};

/// An incident on the fixture's alerts: declared 12 minutes ago, a note
/// (pinned, with a hostile string), an ack, a status change and an update.
fn incident_state() -> State {
    let mut st = state();
    st.author = "erin".into();
    let a = st.alerts[0].clone();
    let at = |m: i64| now() - chrono::Duration::minutes(m);
    let ev = |n: usize, m: i64, actor: &str, kind: EventKind, text: &str, data: EventData| {
        let mut e = Event::new(at(m), actor, kind, text);
        e.id = format!("e{n}");
        e.data = data;
        e
    };
    let events = vec![
        ev(1, 12, "erin", EventKind::Declared, "Fraud scoring down", EventData {
            title: Some("Fraud scoring down".into()),
            severity: Some(Sev::Sev2),
            fingerprint: Some(a.fingerprint.to_string()),
            labels: Some(a.labels.clone()),
            starts_at: Some(a.starts_at),
            ..EventData::default()
        }),
        ev(2, 10, "bob", EventKind::Ack, "acked by bob until 02:32 UTC: on it", EventData {
            silence_id: Some("s1".into()),
            ..EventData::default()
        }),
        ev(3, 8, "erin", EventKind::Note, &format!("restarted the pods {HOSTILE}"), EventData::default()),
        ev(4, 7, "erin", EventKind::Pin, "", EventData { target: Some("e3".into()), ..EventData::default() }),
        ev(5, 5, "erin", EventKind::Status, "open → investigating", EventData {
            status: Some(Status::Investigating),
            ..EventData::default()
        }),
        ev(6, 4, "erin", EventKind::StatusUpdate,
           "Incident Update: INC-20261122-001 [SEV2] Fraud scoring down\nStatus: investigating\nImpact: 30% of scoring requests time out\nAffected: service=fraud-scoring\nNext update: 02:57 UTC",
           EventData::default()),
    ];
    let resolved = vec![
        ev(
            1,
            600,
            "carol",
            EventKind::Declared,
            "Feature store lag",
            EventData {
                title: Some("Feature store lag".into()),
                severity: Some(Sev::Sev3),
                ..EventData::default()
            },
        ),
        ev(
            2,
            560,
            "carol",
            EventKind::Status,
            "backfill finished",
            EventData {
                status: Some(Status::Resolved),
                ..EventData::default()
            },
        ),
    ];
    update(
        &mut st,
        Msg::Journal(JournalReply::Read {
            batches: vec![
                ("INC-20261121-004".into(), resolved),
                ("INC-20261122-001".into(), events),
            ],
            problems: vec![],
        }),
    );
    st.status = None;
    st
}

fn timeline_state() -> State {
    let mut st = incident_state();
    update(&mut st, Msg::Action(Action::Incidents));
    update(&mut st, Msg::Action(Action::Open));
    st
}

fn incidents_state() -> State {
    let mut st = incident_state();
    update(&mut st, Msg::Action(Action::Incidents));
    st
}

fn declare_form_state() -> State {
    let mut st = incident_state();
    update(&mut st, Msg::Action(Action::Down));
    update(&mut st, Msg::Action(Action::Incident));
    st
}

fn update_form_state() -> State {
    let mut st = timeline_state();
    update(&mut st, Msg::Action(Action::StatusUpdate));
    st
}

snap!(incidents_80x24, incidents_state(), 80, 24);
snap!(timeline_80x24, timeline_state(), 80, 24);
snap!(timeline_200x50, timeline_state(), 200, 50);
snap!(timeline_30x8, timeline_state(), 30, 8);
snap!(declare_form_80x24, declare_form_state(), 80, 24);
snap!(update_form_80x24, update_form_state(), 80, 24);

#[test]
fn incident_panes_are_safe_at_every_size() {
    for st in [
        timeline_state(),
        incidents_state(),
        declare_form_state(),
        update_form_state(),
    ] {
        common::screen::sweep(&st);
    }
    // Timeline: the pinned note carries a star and the hostile text is defused.
    let s = screen(&timeline_state(), 200, 50);
    assert!(s.contains("★"), "{s}");
    assert!(
        s.contains("restarted the pods") && !s.contains("ZXZpbA"),
        "{s}"
    );
}

/// Both members of cluster `eu` answered with the same alerts; then the
/// first `failing` of them fail, 20 s later.
fn pair_state(failing: usize) -> State {
    let specs = ["am-eu-1", "am-eu-2"]
        .map(|name| spec(name, SourceKind::Alertmanager, "http://am.example:9093"));
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let (am, _, silences) = fixture();
    for source in 0..2 {
        let result = Ok(Snapshot {
            alerts: am.clone().into(),
            silences: silences.clone(),
            ..Snapshot::default()
        });
        let at = now() - chrono::Duration::seconds(12);
        update(&mut st, Msg::Polled { source, at, result });
    }
    for source in 0..failing {
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
    update(&mut st, Msg::Tick(now() + chrono::Duration::seconds(20)));
    st
}

#[test]
fn a_member_down_while_its_cluster_answers_is_down_not_stale() {
    // One member down: the alerts still come from the other, fresh.
    let text = screen(&pair_state(1), 120, 40);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("1 SOURCE DOWN") && !header.contains("STALE"),
        "{header}"
    );
    assert!(!text.contains("STALE"), "no row is stale:\n{text}");
    // Both down: the data on screen is old, and said to be.
    let text = screen(&pair_state(2), 120, 40);
    let header = text.lines().next().unwrap();
    assert!(header.contains("STALE DATA"), "{header}");
    assert!(text.matches("STALE").count() > 1, "rows marked:\n{text}");
}

#[test]
fn the_silences_pane_shows_the_whole_time_left() {
    let mut st = silences_state();
    let base = st.silences[0].clone();
    for (id, left) in [("s-long", 23 * 60 + 59), ("s-mid", 119)] {
        st.silences.push(Silence {
            id: id.into(),
            starts_at: now() - chrono::Duration::minutes(1),
            ends_at: now() + chrono::Duration::minutes(left),
            ..base.clone()
        });
    }
    update(&mut st, Msg::Tick(now()));
    for (w, h) in [(120, 30), (80, 24), (40, 12)] {
        let text = screen(&st, w, h);
        assert!(
            text.contains("▏23h59m ") && text.contains("▏ 1h59m "),
            "{w}x{h}:\n{text}"
        );
    }
}
