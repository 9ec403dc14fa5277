//! The engine with no terminal at all, against a real Alertmanager pair:
//! it polls, merges, and runs the writes `update` asks for, as it will
//! under `oncall serve`.

use crate::common;

use std::time::{Duration, Instant};

use common::{temp_dir, Alertmanagers};
use oncall::core::{AckState, Action, Msg, Row};
use oncall::engine::Engine;
use serde_json::json;

/// Feeds the engine its own messages until `done` holds (or fails after `within`).
pub(crate) async fn run_until(
    engine: &mut Engine,
    within: Duration,
    what: &str,
    done: impl Fn(&Engine) -> bool,
) {
    let start = Instant::now();
    while !done(engine) {
        let left = within.saturating_sub(start.elapsed());
        assert!(!left.is_zero(), "the engine did not get to: {what}");
        match tokio::time::timeout(left.min(Duration::from_secs(1)), engine.recv()).await {
            Ok(Some(msg)) => {
                let outside = engine.handle(msg);
                assert!(
                    outside.is_empty(),
                    "nothing here needs a terminal: {outside:?}"
                );
            }
            Ok(None) => panic!("every engine task ended"),
            // A tick now and then, as a console's clock sends.
            Err(_) => {
                engine.handle(Msg::Tick(chrono::Utc::now()));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_polls_and_acks_with_no_terminal() {
    let ams = Alertmanagers::start(2);
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "instance": "a:1"},
         "annotations": {"summary": "fraud model server a:1 down"}},
    ]))
    .await;
    let state_dir = temp_dir("engine-headless");
    let args = oncall::cli::GlobalArgs {
        alertmanagers: ams.urls.clone(),
        state_dir: Some(state_dir.clone()),
        refresh: Some("1s".into()),
        ..Default::default()
    };
    let mut settings = oncall::config::from_args(&args).expect("settings");
    settings.author = "engine".into();
    settings.runbook_dirs.clear();
    let mut engine = Engine::start(settings, vec![]);

    run_until(
        &mut engine,
        Duration::from_secs(20),
        "the alert from both members",
        |e| e.state.alerts.len() == 1 && e.state.alerts[0].sources.len() == 2,
    )
    .await;
    let row = engine
        .state
        .rows
        .iter()
        .position(|r| {
            matches!(
                r,
                Row::Alert { .. }
                    | Row::Group {
                        single: Some(_),
                        ..
                    }
            )
        })
        .expect("a row for the alert");
    engine.state.cursor = row;
    let outside = engine.handle(Msg::Action(Action::Ack));
    assert!(outside.is_empty());
    run_until(
        &mut engine,
        Duration::from_secs(20),
        "the ack, polled back",
        |e| {
            e.state.alerts.iter().any(
                |a| matches!(e.state.ack_state(a), AckState::Acked(s) if s.created_by == "engine"),
            )
        },
    )
    .await;
    let held = common::cli::active_acks(&ams.urls[0]).await.unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["createdBy"], "engine");
    engine.shutdown().await;
    let _ = std::fs::remove_dir_all(state_dir);
}
