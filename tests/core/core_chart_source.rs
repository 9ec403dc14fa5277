//! The history chart says which Prometheus drew it, and when the alert's
//! generatorURL names a configured Prometheus, that one is asked (it
//! evaluated the rule), even if another holds a rule of the same name.

use crate::common::build;
use crate::common::fixtures::{am_spec, poll};

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::{update, Action, Effect, Msg, State};
use oncall::model::AlertRule;
use oncall::source::{Snapshot, SourceKind};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap()
}

/// An Alertmanager and two Prometheus servers, prom-a holding the rule;
/// the alert's generatorURL names `generator`.
fn console(generator: &str) -> State {
    let prom = |name: &str, url: &str| {
        let mut p = am_spec(name);
        p.kind = SourceKind::Prometheus;
        p.url = url.into();
        p
    };
    let specs = [
        am_spec("am"),
        prom("prom-a", "http://prom-a.example:9090"),
        prom("prom-b", "http://prom-b.example:9090"),
    ];
    let mut st = State::new(&specs, now(), Duration::from_secs(15));
    let mut a = build::alert(&[("alertname", "LatencyHigh"), ("severity", "critical")])
        .started(now() - chrono::Duration::minutes(20))
        .source("am")
        .build();
    a.generator_url = format!("{generator}/graph?g0.expr=latency+%3E+0.3&g0.tab=1").into();
    poll(
        &mut st,
        0,
        Snapshot {
            alerts: vec![a].into(),
            ..Default::default()
        },
    );
    let rule = AlertRule {
        name: "LatencyHigh".into(),
        expr: "latency > 0.3".into(),
        interval_secs: 60,
        ..Default::default()
    };
    poll(
        &mut st,
        1,
        Snapshot {
            rules: vec![rule],
            ..Default::default()
        },
    );
    poll(&mut st, 2, Snapshot::default());
    st
}

/// Opens the alert; the Prometheus asked and what the chart says of it.
fn opened(st: &mut State) -> (String, String) {
    st.cursor = 0;
    let fx = update(st, Msg::Action(Action::Open));
    let asked = fx
        .iter()
        .find_map(|e| match e {
            Effect::QueryContext(q) => Some(q.prometheus.clone()),
            _ => None,
        })
        .expect("a context query");
    let from = st
        .context
        .as_ref()
        .and_then(|c| c.from.clone())
        .unwrap_or_default();
    (asked, from)
}

#[test]
fn the_prometheus_the_generator_url_names_is_asked_and_named() {
    let mut st = console("http://prom-b.example:9090");
    assert_eq!(opened(&mut st), ("prom-b".into(), "from prom-b".into()));
    let text = crate::common::screen::screen(&st, 100, 40);
    assert!(text.contains("from prom-b"), "{text}");
}

#[test]
fn a_generator_url_naming_an_unconfigured_prometheus_is_said() {
    let mut st = console("http://prometheus-0.eu-1:9090");
    let (asked, from) = opened(&mut st);
    assert_eq!(asked, "prom-a", "the one holding the rule");
    assert_eq!(
        from,
        "from prom-a (its generatorURL names prometheus-0.eu-1:9090, which is not configured)"
    );
}
