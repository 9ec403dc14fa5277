//! The detail view's context through `update()` with a fixed clock: what
//! is asked of Prometheus and when, answers to old questions ignored, the
//! window key, related alerts and recently ended silences, and the chart
//! drawn into a `TestBackend` (snapshots at 80x24, 200x50 and 30x8).

use crate::common::build;

use crate::common;

use common::fixtures::labels;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use common::fixtures::{am_spec, poll};
use common::screen::screen;
use oncall::core::context::{ContextReply, Load};
use oncall::core::{update, Action, Effect, Msg, State};
use oncall::model::history::{Series, Window};
use oncall::model::{Alert, AlertRule, MatchOp, Matcher, Silence, SilenceState};
use oncall::source::{Snapshot, SourceKind};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap()
}

fn alert(pairs: &[(&str, &str)], minutes_ago: i64) -> Alert {
    build::alert(pairs)
        .started(now() - chrono::Duration::minutes(minutes_ago))
        .source("am")
        .summary("p99 latency 412ms over the 300ms SLO")
        .annotation("unit", "s")
        .build()
}

const EXPR: &str = "histogram_quantile(0.99, sum by (le, service) (rate(req_seconds_bucket[5m])))";

fn latency() -> Alert {
    alert(
        &[
            ("alertname", "LatencyHigh"),
            ("severity", "critical"),
            ("service", "checkout"),
            ("instance", "api-1"),
        ],
        20,
    )
}

/// An Alertmanager with three alerts (two share `service`) and an ack that
/// ended an hour ago, and a Prometheus holding the rule.
fn console() -> State {
    let mut prom = am_spec("prom");
    prom.kind = SourceKind::Prometheus;
    prom.url = "http://prom.example:9090".into();
    let mut st = State::new(&[am_spec("am"), prom], now(), Duration::from_secs(15));
    let ack = Silence {
        id: "old-ack".into(),
        matchers: vec![Matcher::literal("alertname", MatchOp::Eq, "LatencyHigh")],
        starts_at: now() - chrono::Duration::hours(2),
        ends_at: now() - chrono::Duration::hours(1),
        created_by: "bob".into(),
        comment: "ACK! looking at the GPU pool".into(),
        state: SilenceState::Expired,
        source: "am".into(),
    };
    let alerts = vec![
        latency(),
        alert(
            &[
                ("alertname", "ErrorBudgetBurn"),
                ("severity", "warning"),
                ("service", "checkout"),
            ],
            5,
        ),
        alert(
            &[
                ("alertname", "DiskFull"),
                ("severity", "warning"),
                ("service", "ledger"),
            ],
            50,
        ),
    ];
    let snap = Snapshot {
        alerts: alerts.into(),
        silences: vec![ack],
        ..Default::default()
    };
    poll(&mut st, 0, snap);
    let rule = AlertRule {
        name: "LatencyHigh".into(),
        expr: format!("{EXPR} > 0.3"),
        for_secs: 300,
        group: "api.rules".into(),
        file: "/etc/prometheus/api.yml".into(),
        interval_secs: 60,
        ..Default::default()
    };
    let snap = Snapshot {
        rules: vec![rule],
        ..Default::default()
    };
    poll(&mut st, 1, snap);
    st
}

fn open_latency(st: &mut State) -> Vec<Effect> {
    let row = st.rows.iter().position(|r| matches!(r, oncall::core::Row::Alert { index } | oncall::core::Row::Group { single: Some(index), .. } if st.alerts[*index].alertname() == "LatencyHigh")).unwrap();
    st.cursor = row;
    update(st, Msg::Action(Action::Open))
}

fn queries(effects: &[Effect]) -> Vec<oncall::core::context::ContextQuery> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::QueryContext(q) => Some(q.clone()),
            _ => None,
        })
        .collect()
}

/// A latency that crossed 0.3 s twenty minutes ago, and ALERTS firing twice.
fn reply_for(q: &oncall::core::context::ContextQuery) -> ContextReply {
    let h = q.history.as_ref().unwrap();
    let points = (h.from..=h.to)
        .step_by(h.step as usize)
        .map(|t| {
            let mins_ago = (h.to - t) as f64 / 60.0;
            (
                t,
                if mins_ago > 22.0 {
                    0.2 + (t % 7) as f64 / 100.0
                } else {
                    0.45 - mins_ago / 100.0
                },
            )
        })
        .collect();
    let f = &q.fires;
    let episode = |start: i64| (0..5).map(move |i| (start + i * f.step, 1.0));
    let fires = episode(f.to - 5 * 3600)
        .chain(episode(f.to - 20 * 60))
        .collect();
    let mine = labels(&[("service", "checkout"), ("instance", "api-1")]);
    let other = labels(&[("service", "checkout"), ("instance", "api-2")]);
    ContextReply {
        fingerprint: q.fingerprint.clone(),
        window: q.window,
        history: Some(Ok(vec![
            Series {
                labels: other.clone(),
                points: vec![(h.to, 9.0)],
            },
            Series {
                labels: mine.clone(),
                points,
            },
        ])),
        fires: Ok(vec![Series {
            labels: labels(&[("alertname", "LatencyHigh"), ("alertstate", "firing")]),
            points: fires,
        }]),
    }
}

#[test]
fn opening_asks_once_then_each_minute_and_w_changes_the_window() {
    let mut st = console();
    let q = queries(&open_latency(&mut st));
    assert_eq!(q.len(), 1);
    let q = &q[0];
    assert_eq!(q.prometheus, "prom");
    let h = q.history.as_ref().unwrap();
    assert_eq!(h.query, EXPR);
    assert_eq!((h.to - h.from, h.step), (3600, 15));
    assert_eq!(q.threshold.unwrap().value, 0.3);
    assert_eq!(
        q.fires.query,
        r#"ALERTS{alertname="LatencyHigh",alertstate="firing"}"#
    );
    assert_eq!((q.fires.to - q.fires.from, q.fires.step), (86400, 60));
    assert!(screen(&st, 80, 24).contains("loading…"));

    // Ticks within the minute ask nothing; the answer shows.
    let at = now() + chrono::Duration::seconds(30);
    assert!(queries(&update(&mut st, Msg::Tick(at))).is_empty());
    update(&mut st, Msg::Context(reply_for(q)));
    let ctx = st.context.clone().unwrap();
    let Load::Ready(hist) = &ctx.history else {
        panic!("{:?}", ctx.history)
    };
    assert_eq!(
        hist.points.len(),
        241,
        "the alert's own series, not instance api-2"
    );
    let Load::Ready(f) = &ctx.fires else { panic!() };
    assert_eq!(f.total(), 2);
    assert_eq!(f.hours[23], 1);
    assert_eq!(f.hours[18], 1);

    // A minute on: asked again, the picture stays while it loads.
    let at = now() + chrono::Duration::seconds(61);
    assert_eq!(queries(&update(&mut st, Msg::Tick(at))).len(), 1);
    assert!(matches!(
        st.context.as_ref().unwrap().history,
        Load::Ready(_)
    ));

    // `w`: 6h... starting from 1h the next is 6h, asked at once.
    let q6 = queries(&update(&mut st, Msg::Action(Action::HistoryWindow)));
    assert_eq!(q6.len(), 1);
    assert_eq!(q6[0].window, Window::H6);
    let h6 = q6[0].history.as_ref().unwrap();
    assert_eq!((h6.to - h6.from, h6.step), (6 * 3600, 90));
    // A late answer for 1h does not replace the 6h picture being loaded.
    update(&mut st, Msg::Context(reply_for(q)));
    assert_eq!(st.context.as_ref().unwrap().history, Load::Loading);
    assert!(screen(&st, 80, 40).contains("last 6h"));

    // Ctrl-r asks again; leaving the view stops asking.
    assert_eq!(
        queries(&update(&mut st, Msg::Action(Action::Refresh))).len(),
        1
    );
    update(&mut st, Msg::Action(Action::Back));
    let at = now() + chrono::Duration::seconds(600);
    assert!(queries(&update(&mut st, Msg::Tick(at))).is_empty());
}

fn answered_console() -> State {
    let mut st = console();
    let q = queries(&open_latency(&mut st)).remove(0);
    update(&mut st, Msg::Context(reply_for(&q)));
    st
}

#[test]
fn the_screen_shows_history_fires_and_what_is_related() {
    let st = answered_console();
    let text = screen(&st, 100, 60);
    for want in [
        "Rule        histogram_quantile(0.99, sum by (le, service) (rate(req_seconds_bucket[5m]))) > 0.3",
        "> 0.3 s ┤",
        "▲ started 02:07 UTC",
        "now 0.45 s · at start 0.25 s · fires when > 0.3 s",
        "fired 2× in 24h",
        "service=\"checkout\": 1 other alert",
        "WARN ErrorBudgetBurn",
        "no other alert shares instance=\"api-1\"",
        "ack by bob ended 1h 0m ago: looking at the GPU pool",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    assert!(!text.contains("DiskFull"), "ledger is not related:\n{text}");
}

#[test]
fn snapshots_of_the_chart() {
    let mut st = answered_console();
    insta::assert_snapshot!("context_80x24", screen(&st, 80, 24));
    insta::assert_snapshot!("context_200x50", screen(&st, 200, 50));
    insta::assert_snapshot!("context_30x8", screen(&st, 30, 8));
    // Scrolled to the chart on the small screen.
    for _ in 0..8 {
        update(&mut st, Msg::Action(Action::Down));
    }
    insta::assert_snapshot!("context_80x24_scrolled", screen(&st, 80, 24));
}

#[test]
fn no_prometheus_says_so_and_asks_nothing() {
    let mut st = State::new(&[am_spec("am")], now(), Duration::from_secs(15));
    let snap = Snapshot {
        alerts: vec![latency()].into(),
        ..Default::default()
    };
    poll(&mut st, 0, snap);
    assert!(queries(&open_latency(&mut st)).is_empty());
    let text = screen(&st, 80, 40);
    assert!(text.contains("no Prometheus is configured"), "{text}");
}

#[test]
fn the_related_labels_are_the_configured_ones() {
    let mut st = answered_console();
    st.related_labels = vec!["severity".into()];
    let text = screen(&st, 100, 60);
    // The only critical one: nothing shares it, and service is not asked.
    assert!(
        text.contains("no other alert shares severity=\"critical\""),
        "{text}"
    );
    assert!(!text.contains("service=\"checkout\""), "{text}");
}
