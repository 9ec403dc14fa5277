//! End to end: the real binary in tmux against a real Alertmanager, an
//! escalation policy in its config. The pane counts down to level 1, the
//! level pages when it falls due (status line, the shared paging record),
//! and a restart does not page it again.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::tmux::Session;
use common::Alertmanagers;
use serde_json::json;

const CONFIG: &str = r#"escalation:
  - name: ml-model-serving
    match: 'team="ml-platform"'
    levels:
      - {after: 5m, targets: [fraud-model-oncall], notify: [bell]}
      - {after: 15m, targets: [ml-platform-lead], notify: [bell]}
notifiers:
  - {name: bell, type: terminal}
schedules:
  - {name: fraud-model-oncall, time_zone: UTC, turn: 1w, start: "2026-01-05T09:00:00", users: [bob]}
"#;

fn console(home: &std::path::Path, url: &str, tag: &str) -> Session {
    let name = format!("oncall-e2eesc-{tag}-{}", std::process::id());
    let cmd = format!(
        "cd {h} && env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_STATE_HOME={h}/s USER=erin \
         TERM=xterm-256color {bin} --config {h}/oncall.yaml --state-dir {h}/state --alertmanager {url} \
         --refresh 2s; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
    );
    Session::start(&name, 120, 30, &cmd, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pane_counts_down_and_the_level_pages_once() {
    let ams = Alertmanagers::start(1);
    // Fired 4m50s ago: level 1 (after 5m) falls due within seconds.
    let started = (Utc::now() - chrono::Duration::seconds(290)).to_rfc3339();
    ams.post_alerts(json!([
        {"labels": {"alertname": "E2EEscalates", "team": "ml-platform", "severity": "critical"},
         "annotations": {"summary": "fraud scoring down"}, "startsAt": started},
    ]))
    .await;
    let home = common::temp_dir("e2e-esc");
    std::fs::write(home.join("oncall.yaml"), CONFIG).unwrap();
    let s = console(&home, &ams.urls[0], "one");
    s.wait_for("the alert", |t| t.contains("E2EEscalates"));
    s.press(&["E"]);
    let screen = s.wait_for("the countdown to level 1", |t| {
        t.contains("Escalations (1)")
            && t.contains("L1 in 00:")
            && t.contains("fraud-model-oncall (bob)")
    });
    assert!(screen.contains("ml-model-serving"), "{screen}");
    let screen = s.wait_for("level 1 paged", |t| {
        t.contains("escalated E2EEscalates to level 1: fraud-model-oncall (bob)")
    });
    assert!(screen.contains("L1 fraud-model-oncall (bob)"), "{screen}");
    assert!(
        screen.contains("L2 in "),
        "the next level counts down: {screen}"
    );
    let record = std::fs::read_to_string(home.join("state/paged.jsonl")).unwrap();
    // One claim, and its outcome.
    let claims = |r: &str| r.lines().filter(|l| !l.contains("\"outcome\"")).count();
    assert_eq!(claims(&record), 1, "{record}");
    assert!(record.contains("\"outcome\":\"delivered\""), "{record}");
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
    drop(s);

    // A restart on the same state dir: level 1 is not paged again.
    let again = console(&home, &ams.urls[0], "two");
    again.wait_for("the alert again", |t| t.contains("E2EEscalates"));
    again.press(&["E"]);
    again.wait_for("the pane again", |t| {
        t.contains("L1 fraud-model-oncall (bob)")
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    let record = std::fs::read_to_string(home.join("state/paged.jsonl")).unwrap();
    assert_eq!(claims(&record), 1, "paged twice: {record}");
    assert!(
        !again.screen().contains("escalated E2EEscalates"),
        "{}",
        again.screen()
    );
    drop(again);
    let _ = std::fs::remove_dir_all(&home);
}
