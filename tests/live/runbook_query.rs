//! `promql` runbook steps against a real Prometheus started here: the
//! query's series come back as output lines, errors as the step's reason,
//! and the stepper asks no question for a query (it changes nothing).

use crate::common;

use std::time::Duration;

use common::Prometheus;
use oncall::core::runbook::StepMsg;
use oncall::core::Msg;
use oncall::engine::steps::spawn_query;
use oncall::source::prom_query::instant;
use tokio::sync::mpsc::unbounded_channel;

const T: Duration = Duration::from_secs(10);

#[tokio::test]
async fn queries_return_series_lines_and_errors_in_prometheus_words() {
    let prom = Prometheus::start(&[]);
    let spec = prom.spec();
    let lines = instant(&spec, T, "vector(42)").await.unwrap();
    assert_eq!(lines, ["{} 42"]);
    let lines = instant(
        &spec,
        T,
        r#"label_replace(vector(1), "pod", "ranker-a", "", "")"#,
    )
    .await
    .unwrap();
    assert_eq!(lines, [r#"{pod="ranker-a"} 1"#]);
    let none = instant(&spec, T, r#"up{job="no-such-job"}"#).await.unwrap();
    assert!(none[0].contains("no series"), "{none:?}");
    let err = instant(&spec, T, "sum(").await.unwrap_err().to_string();
    assert!(err.contains("parse error"), "{err}");

    // Through the console's task: output lines, then one Done.
    let (tx, mut rx) = unbounded_channel();
    spawn_query(7, "vector(3) * 2".into(), T, Some(spec.clone()), tx);
    let mut out = Vec::new();
    loop {
        match tokio::time::timeout(T, rx.recv()).await.unwrap().unwrap() {
            Msg::Step(StepMsg::Output { run: 7, lines }) => out.extend(lines),
            Msg::Step(StepMsg::Done {
                run: 7, outcome, ..
            }) => {
                assert_eq!(outcome.exit_code, Some(0), "{outcome:?}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(out, ["{} 6"]);
}

#[tokio::test]
async fn no_prometheus_or_a_dead_one_ends_the_step_with_the_reason() {
    let (tx, mut rx) = unbounded_channel();
    spawn_query(1, "vector(1)".into(), T, None, tx.clone());
    let Some(Msg::Step(StepMsg::Done { outcome, .. })) = rx.recv().await else {
        panic!()
    };
    assert!(outcome
        .error
        .unwrap()
        .contains("no Prometheus is configured"));
    let dead = common::spec(
        "prom-dead",
        oncall::source::SourceKind::Prometheus,
        &format!("http://127.0.0.1:{}", common::free_port()),
        None,
    );
    spawn_query(2, "vector(1)".into(), T, Some(dead), tx);
    let Some(Msg::Step(StepMsg::Done { outcome, .. })) = rx.recv().await else {
        panic!()
    };
    let e = outcome.error.unwrap();
    assert!(e.contains("prom-dead") && e.contains("connect"), "{e}");
}
