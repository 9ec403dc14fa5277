//! Both Alertmanagers of a pair restart under a running engine with an open
//! incident. They come back empty and stay so until Prometheus re-sends:
//! meanwhile the alert is `unknown`, and nothing false reaches the
//! incident's journal, its postmortem or `oncall stats`.

use crate::common;

use std::time::Duration;

use common::cli::{stderr, stdout, Home};
use common::{temp_dir, Alertmanagers, Prometheus};
use oncall::core::update::FormKey;
use oncall::core::{Action, Msg, Row};
use oncall::engine::Engine;
use oncall::model::AlertState;

use super::engine_headless::run_until;

const RULES: &str = r#"
groups:
  - name: restart-truth
    interval: 1s
    rules:
      - alert: KubePodCrashLooping
        expr: vector(1)
        labels: {severity: critical, pod: api-7}
        annotations: {summary: pod api-7 restarts over and over}
"#;

fn crash_looping(e: &Engine) -> Option<&oncall::model::Alert> {
    e.state
        .alerts
        .iter()
        .find(|a| a.alertname() == "KubePodCrashLooping")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_members_restarted_write_no_false_resolution() {
    let mut ams = Alertmanagers::start(2);
    // Prometheus re-sends every 20s, so the restarted pair stays empty for
    // a few of the engine's polls.
    let _prom = Prometheus::resending_every(&ams.urls, RULES, "20s");
    let home = Home::new();
    let state_dir = temp_dir("restart-truth");
    let drafts = home.0.join("drafts");
    let args = oncall::cli::GlobalArgs {
        alertmanagers: ams.urls.clone(),
        state_dir: Some(state_dir.clone()),
        refresh: Some("1s".into()),
        ..Default::default()
    };
    let mut settings = oncall::config::from_args(&args).expect("settings");
    settings.author = "alice".into();
    settings.runbook_dirs.clear();
    let mut engine = Engine::start(settings, vec![]);

    run_until(
        &mut engine,
        Duration::from_secs(30),
        "the alert from both members, and the journal read",
        |e| e.state.journal_loaded && crash_looping(e).is_some_and(|a| a.sources.len() == 2),
    )
    .await;
    engine.state.cursor = engine
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
    engine.handle(Msg::Action(Action::Incident));
    engine.handle(Msg::Form(FormKey::Enter));
    run_until(
        &mut engine,
        Duration::from_secs(10),
        "the incident declared",
        |e| e.state.incidents.iter().any(|i| i.is_open()),
    )
    .await;
    let id = engine.state.incidents[0].id.clone();

    ams.restart(0);
    ams.restart(1);
    run_until(
        &mut engine,
        Duration::from_secs(15),
        "the alert shown as unknown while the pair is empty",
        |e| crash_looping(e).is_some_and(|a| a.state == AlertState::Unknown),
    )
    .await;
    assert_eq!(engine.state.counts.unknown, 1);
    run_until(
        &mut engine,
        Duration::from_secs(45),
        "the alert firing again once Prometheus re-sent it",
        |e| crash_looping(e).is_some_and(|a| a.state == AlertState::Firing),
    )
    .await;
    // A few more polls, for anything the observer would write late.
    let until = std::time::Instant::now() + Duration::from_secs(3);
    run_until(
        &mut engine,
        Duration::from_secs(5),
        "three more seconds",
        |_| std::time::Instant::now() >= until,
    )
    .await;
    engine.shutdown().await;

    let journal = std::fs::read_to_string(state_dir.join("incidents").join(format!("{id}.jsonl")))
        .expect("the incident's journal");
    for kind in ["\"alert_resolved\"", "\"alert_fired\""] {
        assert!(
            !journal.contains(kind),
            "no {kind} for an alert that never stopped firing:\n{journal}"
        );
    }

    let config = home.config(&format!("postmortems: {}\n", drafts.display()));
    let run = |args: &[&str]| {
        let mut all = vec!["--config", &config, "--state-dir"];
        let dir = state_dir.display().to_string();
        all.push(&dir);
        all.extend(args);
        home.command(&all).output().expect("run oncall")
    };
    let out = run(&["postmortem", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let draft = std::fs::read_to_string(stdout(&out).trim()).expect("the draft");
    assert!(draft.contains("KubePodCrashLooping"), "{draft}");
    for false_event in ["resolved\n", "fires again"] {
        assert!(
            !draft
                .lines()
                .any(|l| l.contains("KubePodCrashLooping") && l.contains(false_event.trim())),
            "no {false_event:?} line in the postmortem:\n{draft}"
        );
    }

    let out = run(&["stats", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["fired_most"],
        serde_json::json!([{"alertname": "KubePodCrashLooping", "count": 1}]),
        "one firing, counted once across the restart"
    );
    let _ = std::fs::remove_dir_all(state_dir);
}
