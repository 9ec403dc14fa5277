//! End to end: `oncall wall` in tmux against a real Alertmanager. The board
//! turns STALE when its Alertmanager is killed under it and recovers when it
//! comes back; keys that would write do nothing; it survives resizes.

use crate::common;

use common::tmux::Session;
use common::Alertmanagers;
use serde_json::json;

/// A critical and a warning of different services (so the test
/// Alertmanager's inhibit rule leaves the warning alone).
fn alerts() -> serde_json::Value {
    json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "service": "fraud-scoring"},
         "annotations": {"summary": "fraud-xgb-v14 not ready\u{1b}[2J"}},
        {"labels": {"alertname": "FeatureDataDrift", "severity": "warning", "service": "features"},
         "annotations": {"summary": "PSI 0.31"}},
    ])
}

/// `oncall wall` on this Alertmanager, polling every second; silent for
/// more than 3s counts as stale (config `wall: {stale_after: 3s}`).
fn wall(tag: &str, url: &str, w: u16, h: u16) -> Session {
    let home = common::temp_dir("e2e-wall");
    std::fs::create_dir_all(home.join("c/oncall")).unwrap();
    std::fs::write(
        home.join("c/oncall/config.yaml"),
        "wall: {stale_after: 3s, page_interval: 5s}\n",
    )
    .unwrap();
    let cmd = format!(
        "env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s USER=erin TERM=xterm-256color {bin} wall --alertmanager {url} --refresh 1s; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
    );
    let name = format!("oncall-wall-{tag}-{}", std::process::id());
    Session::start(&name, w, h, &cmd, Some(home))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_goes_stale_when_its_alertmanager_dies_and_recovers_when_it_returns() {
    let mut ams = Alertmanagers::start(1);
    ams.post_alerts(alerts()).await;
    let source = ams.urls[0].trim_start_matches("http://").to_string();
    let s = wall("stale", &ams.urls[0], 120, 40);
    let screen = s.wait_for("the red board", |t| {
        t.contains("C R I T I C A L")
            && t.contains("ModelServerDown")
            && t.contains("FeatureDataDrift")
    });
    assert!(
        screen.contains("OLDEST UNACKED CRITICAL  ModelServerDown"),
        "{screen}"
    );
    assert!(
        screen.contains("fraud-xgb-v14 not ready") && !screen.contains("[2J"),
        "{screen}"
    );
    assert!(screen.contains(&format!("{source} ok")), "{screen}");

    ams.kill(0);
    let screen = s.wait_for("the STALE banner naming the source", |t| {
        t.contains("S T A L E") && t.contains(&format!("{source} has not answered for"))
    });
    // The last counts stay, marked with their time; nothing reads as all clear.
    assert!(
        screen.contains("as of") && screen.contains("ModelServerDown"),
        "{screen}"
    );
    assert!(
        !screen.contains("C R I T I C A L") && !screen.contains("ALL CLEAR"),
        "{screen}"
    );
    assert!(screen.contains(&format!("{source} STALE")), "{screen}");

    // Resizes while stale: the banner stays at every size.
    for (w, h) in [(80, 24), (300, 80), (120, 40)] {
        s.resize(w, h);
        s.wait_for(&format!("the stale banner at {w}x{h}"), |t| {
            t.contains("STALE") && t.contains("has not answered")
        });
    }

    ams.restart(0);
    ams.post_alerts(alerts()).await;
    let screen = s.wait_for("recovery after the restart", |t| {
        t.contains("C R I T I C A L") && !t.contains("STALE") && t.contains(&format!("{source} ok"))
    });
    assert!(screen.contains("ModelServerDown"), "{screen}");
    assert!(!screen.contains("EXITED"), "{screen}");
    s.press(&["q"]);
    exits_cleanly(&s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_that_would_write_do_nothing_on_the_wall() {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(alerts()).await;
    let s = wall("keys", &ams.urls[0], 120, 40);
    let before = s.wait_for("the red board", |t| {
        t.contains("C R I T I C A L") && t.contains("ModelServerDown")
    });
    assert!(before.contains("ModelServerDown"));
    // Ack, unack, silence, resolve, declare, note, postmortem, runbook,
    // expire, extend; then the console's panes, filter and command line.
    s.press(&[
        "a", "A", "s", "r", "i", "n", "p", "b", "e", "x", "Enter", "y",
    ]);
    let screen = s.wait_for("a refusal at the foot", |t| t.contains("refused"));
    assert!(screen.contains("wall display (read-only)"), "{screen}");
    s.press(&["/", "x", "Escape"]);
    s.press(&[":", "a", "c", "k", "Enter"]);
    s.press(&["S", "I", "E", "z", "Z"]);
    let screen = s.screen();
    assert!(
        screen.contains("FIRING GROUPS") && screen.contains("ModelServerDown"),
        "{screen}"
    );
    assert!(
        !screen.contains("Silences (") && !screen.contains("Incidents ("),
        "{screen}"
    );
    assert!(
        !screen.contains("matchers") && !screen.contains("/x"),
        "{screen}"
    );
    // Alertmanager holds no silence (an ack is one), and the alerts still fire.
    let silences = get_list(&format!("{}/api/v2/silences", ams.urls[0])).await;
    assert!(silences.is_empty(), "{silences:?}");
    let firing = get_list(&format!("{}/api/v2/alerts", ams.urls[0])).await;
    assert_eq!(firing.len(), 2, "{firing:?}");
    // No incident was declared in the board's state dir.
    let home = s.home.clone().unwrap();
    let incidents = std::fs::read_dir(home.join("s/oncall/incidents"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(incidents, 0);

    // Help is one of the keys it answers.
    s.press(&["?"]);
    s.wait_for("the wall's help", |t| t.contains("read-only status board"));
    s.press(&["?", "q"]);
    exits_cleanly(&s);
}

fn exits_cleanly(s: &Session) {
    let screen = s.wait_for("the board to exit", |t| t.contains("EXITED="));
    assert!(screen.contains("EXITED=0"), "{screen}");
}

async fn get_list(url: &str) -> Vec<serde_json::Value> {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}
