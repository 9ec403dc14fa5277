//! Two consoles on two machines (homes of their own) sharing one PostgreSQL,
//! in tmux: an incident declared on A is in B's incident list, and a note
//! written on A is on B's open timeline within two seconds.

use std::time::{Duration, Instant};

use crate::common;

use common::postgres::PgServer;
use common::Alertmanagers;
use serde_json::json;

use super::e2e_tmux::console_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_on_one_console_is_on_the_other_screen_within_two_seconds() {
    let server = PgServer::start();
    let url = server.create_db("screens").await;
    let ams = Alertmanagers::start(1);
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "model": "fraud"},
         "annotations": {"summary": "fraud-model has no ready replicas"}},
    ]))
    .await;
    let shared = common::temp_dir("e2e-team");
    let url_file = shared.join("db-url");
    std::fs::write(&url_file, url).unwrap();
    let config = shared.join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "store: {{kind: postgres, url_file: {}}}\n",
            url_file.display()
        ),
    )
    .unwrap();
    let flags = format!("--config {}", config.display());
    let homes = [
        common::temp_dir("e2e-team-a"),
        common::temp_dir("e2e-team-b"),
    ];
    let a = console_in("team-a", &ams.urls, &flags, homes[0].clone());
    let b = console_in("team-b", &ams.urls, &flags, homes[1].clone());
    for s in [&a, &b] {
        s.wait_for("the alert", |t| t.contains("ModelServerDown"));
    }
    a.keys(&["g", "i"]);
    a.wait_for("the declare form", |t| t.contains("Declare an incident"));
    a.keys(&["Enter"]);
    let screen = a.wait_for("the timeline", |t| {
        t.contains("INC-") && t.contains("declared")
    });
    let id = screen
        .split_whitespace()
        .find(|w| w.starts_with("INC-"))
        .unwrap()
        .to_string();

    b.keys(&["I"]);
    b.wait_for("A's incident in B's list", |t| {
        t.contains(&id) && t.contains("open")
    });
    b.keys(&["Enter"]);
    b.wait_for("its timeline on B", |t| {
        t.contains("declared") && t.contains(&id)
    });

    a.keys(&["n"]);
    a.wait_for("the note line", |t| {
        t.lines().any(|l| l.starts_with("note:"))
    });
    a.keys(&["-l", "scaled fraud-model to 6 replicas"]);
    a.keys(&["Enter"]);
    let start = Instant::now();
    let mut seen = None;
    while start.elapsed() < Duration::from_secs(10) {
        if b.screen().contains("scaled fraud-model to 6 replicas") {
            seen = Some(start.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = seen.unwrap_or_else(|| panic!("not on B's screen:\n{}", b.screen()));
    assert!(
        took <= Duration::from_secs(2),
        "on B's screen after {took:?}"
    );
    for s in [&a, &b] {
        s.keys(&["q"]);
        s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
    }
    // The database's password is in neither console's log.
    for home in &homes {
        let log = std::fs::read_to_string(home.join("s/oncall/oncall.log")).unwrap_or_default();
        assert!(!log.is_empty(), "the console logged");
        assert!(!log.contains(common::postgres::PASSWORD), "{log}");
    }
}
