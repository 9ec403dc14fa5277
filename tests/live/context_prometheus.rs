//! The detail view's context against a real Prometheus started here: the
//! rule behind the alert, its expression's history drawn with the
//! threshold, fires per hour from `ALERTS`, the generatorURL fallback, and
//! the ways it cannot (no Prometheus, a query error, a timeout).

use crate::common;

use std::net::TcpListener;
use std::time::Duration;

use chrono::Utc;
use common::fixtures::poll;
use common::screen::screen;
use common::{eventually, spec, Prometheus};
use oncall::core::context::{ContextQuery, Load};
use oncall::core::{update, Action, Effect, Msg, State};
use oncall::engine::context_queries::ask;
use oncall::model::history::CmpOp;
use oncall::model::{fingerprint, Alert, AlertState};
use oncall::source::{fetch_once, SourceKind};

const T: Duration = Duration::from_secs(10);

/// Above 12 for 12 s of every 24 s: it fires, resolves and fires again.
const SAW: &str = r#"
groups:
  - name: ctx-saw
    interval: 1s
    rules:
      - alert: CtxSaw
        expr: label_replace(vector(time() % 24), "instance", "saw-1", "", "") > 12
        for: 0s
        labels: {severity: warning, service: checkout}
        annotations: {summary: the saw is high, unit: s}
"#;

fn open_detail(state: &mut State) -> Vec<Effect> {
    update(state, Msg::Action(Action::Open))
}

fn the_query(effects: &[Effect]) -> ContextQuery {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::QueryContext(q) => Some(q.clone()),
            _ => None,
        })
        .expect("opening the detail view asks Prometheus")
}

#[tokio::test]
async fn the_rule_its_history_and_how_often_it_fired() {
    let prom = Prometheus::start_with_rules(&[], SAW);
    let spec = prom.spec();
    // While it fires, and once two firing episodes (one every 24 s) passed.
    let (query, state) = eventually("CtxSaw fired twice", Duration::from_secs(100), || {
        let spec = spec.clone();
        async move {
            let mut st = State::new(
                std::slice::from_ref(&spec),
                Utc::now(),
                Duration::from_secs(5),
            );
            let snap = fetch_once(&spec, T).await.map_err(|e| e.to_string())?;
            if !snap.alerts.iter().any(|a| a.state == AlertState::Firing) {
                return Err("not firing right now".to_string());
            }
            poll(&mut st, 0, snap);
            let q = the_query(&open_detail(&mut st));
            let reply = ask(Some(spec.clone()), T, q.clone()).await;
            update(&mut st, Msg::Context(reply));
            match &st.context.as_ref().unwrap().fires {
                Load::Ready(f) if f.total() >= 2 => Ok((q, st)),
                other => Err(format!("fires so far: {other:?}")),
            }
        }
    })
    .await;
    // The rule from /api/v1/rules: drawn without its comparison, threshold 12.
    assert_eq!(
        query.history.as_ref().unwrap().query,
        r#"label_replace(vector(time() % 24), "instance", "saw-1", "", "")"#
    );
    let th = query.threshold.unwrap();
    assert_eq!((th.op, th.value), (CmpOp::Gt, 12.0));
    assert_eq!(
        query.fires.step, 8,
        "the group's 1 s interval, within 11,000 points a day"
    );

    let ctx = state.context.clone().unwrap();
    let Load::Ready(h) = &ctx.history else {
        panic!("{:?}", ctx.history)
    };
    assert!(
        h.points.iter().all(|(_, v)| (0.0..24.0).contains(v)),
        "{:?}",
        h.points
    );
    assert!(h.points.iter().any(|(_, v)| *v > 12.0) && h.points.iter().any(|(_, v)| *v < 12.0));
    let Load::Ready(f) = &ctx.fires else {
        panic!("{:?}", ctx.fires)
    };
    let text = screen(&state, 100, 60);
    for want in [
        "Rule        label_replace(vector(time() % 24)",
        "group ctx-saw",
        "History   last 1h",
        "> 12 s ┤",
        "fires when > 12 s",
        "per hour, now at right",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    // The start is marked under the time axis, inside the window.
    assert!(
        text.contains("▲ started ") || text.contains(" UTC ▲"),
        "{text}"
    );
    assert!(!text.contains("before the window"), "{text}");
    assert!(
        text.contains(&format!("fired {}× in 24h", f.total())),
        "{text}"
    );
}

fn hand_alert(generator_url: &str) -> Alert {
    let labels = common::fixtures::labels(&[("alertname", "HandMade"), ("severity", "critical")]);
    let mut a = Alert::new(
        labels,
        AlertState::Firing,
        Utc::now() - chrono::Duration::minutes(3),
    );
    a.fingerprint = fingerprint(&a.labels);
    a.generator_url = generator_url.into();
    a.sources = ["am".into()].into_iter().collect();
    a
}

/// A console with an Alertmanager (holding `alert`) and the given Prometheus.
fn console_with(prom_url: Option<&str>, alert: Alert) -> State {
    let mut specs = vec![spec(
        "am",
        SourceKind::Alertmanager,
        "http://127.0.0.1:9",
        None,
    )];
    if let Some(url) = prom_url {
        specs.push(spec("prom", SourceKind::Prometheus, url, None));
    }
    let mut st = State::new(&specs, Utc::now(), Duration::from_secs(5));
    let snap = oncall::source::Snapshot {
        alerts: vec![alert].into(),
        ..Default::default()
    };
    poll(&mut st, 0, snap);
    st
}

async fn answered(st: &mut State, prom: Option<oncall::source::SourceSpec>, timeout: Duration) {
    let q = the_query(&open_detail(st));
    assert!(screen(st, 100, 40).contains("loading…"));
    let reply = ask(prom, timeout, q).await;
    update(st, Msg::Context(reply));
}

#[tokio::test]
async fn generator_url_fallback_and_the_failure_paths() {
    let prom = Prometheus::start_with_rules(&[], "groups: []\n");
    let url = |expr: &str| format!("{}/graph?g0.expr={expr}&g0.tab=1", prom.url);

    // No rule: the generatorURL's expression is the rule, and it is drawn.
    let mut st = console_with(Some(&prom.url), hand_alert(&url("vector(5)+%3E+3")));
    answered(&mut st, Some(prom.spec()), T).await;
    let text = screen(&st, 100, 40);
    assert!(text.contains("Rule        vector(5) > 3"), "{text}");
    assert!(text.contains("from the generatorURL"), "{text}");
    assert!(text.contains("now 5 · at start"), "{text}");
    assert!(
        text.contains("no firing recorded in ALERTS over 24h"),
        "{text}"
    );

    // A query Prometheus refuses: its own words.
    let mut st = console_with(Some(&prom.url), hand_alert(&url("sum(")));
    answered(&mut st, Some(prom.spec()), T).await;
    let text = screen(&st, 100, 40);
    assert!(text.contains("parse error"), "{text}");

    // A Prometheus that never answers: the timeout, named.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let mut st = console_with(Some(&silent_url), hand_alert(&url("vector(1)")));
    let started = std::time::Instant::now();
    answered(
        &mut st,
        Some(spec("prom", SourceKind::Prometheus, &silent_url, None)),
        Duration::from_millis(300),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = screen(&st, 100, 40);
    assert!(text.contains("prom: no answer within 0.3s"), "{text}");

    // No Prometheus configured: said, and nothing is asked.
    let mut st = console_with(None, hand_alert(&url("vector(1)")));
    let effects = open_detail(&mut st);
    assert!(!effects.iter().any(|e| matches!(e, Effect::QueryContext(_))));
    let text = screen(&st, 100, 40);
    assert!(text.contains("no Prometheus is configured"), "{text}");
    drop(silent);
}
