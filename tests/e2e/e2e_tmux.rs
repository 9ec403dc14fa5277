//! End to end: the real binary in tmux against a real Alertmanager. Reads
//! the screen as a user would, filters with `/`, and quits.

use crate::common;

use std::process::Command;

use common::tmux::{tmux, Session};
use common::Alertmanagers;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_with_slash_against_a_real_alertmanager() {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelLatencySLOBreach", "severity": "critical", "service": "fraud-scoring"},
         "annotations": {"summary": "p99 870ms over SLO\u{1b}[2J\u{1b}]0;pwned\u{7}"}},
        {"labels": {"alertname": "FeatureDataDrift", "severity": "warning", "model": "churn-v3"},
         "annotations": {"summary": "PSI 0.31"}},
    ]))
    .await;
    // A second source that refuses connections: the console must keep
    // working and name it.
    let dead_port = common::free_port();
    let urls = [ams.urls[0].clone(), format!("http://127.0.0.1:{dead_port}")];
    let s = console("filter", &urls, "");

    let screen = s.wait_for("both alerts on screen", |t| {
        t.contains("ModelLatencySLOBreach") && t.contains("FeatureDataDrift")
    });
    assert!(screen.contains("p99 870ms over SLO"), "{screen}");
    assert!(!screen.contains("EXITED"), "{screen}");
    let screen = s.wait_for("the dead source named in the status bar", |t| {
        t.contains(&format!("127.0.0.1:{dead_port}")) && t.contains("down")
    });
    assert!(screen.contains("ModelLatencySLOBreach"), "{screen}");

    s.keys(&["/"]);
    s.keys(&["-l", "severity=\"critical\""]);
    s.keys(&["Enter"]);
    // Filtering is as-you-type: wait for the whole filter, not its first letter.
    let screen = s.wait_for("the filter to hide the warning", |t| {
        t.contains("filter severity=\"critical\"") && !t.contains("FeatureDataDrift")
    });
    assert!(screen.contains("ModelLatencySLOBreach"), "{screen}");

    // An invalid filter says why, inline, and keeps the last good one.
    s.keys(&["/"]);
    s.keys(&["-l", ",team=~\"(ml"]);
    let screen = s.wait_for("an inline filter error", |t| {
        t.contains("unterminated") || t.contains("invalid")
    });
    assert!(screen.contains("ModelLatencySLOBreach"), "{screen}");
    // Apart, or Escape and `j` read at once are Alt-j (this test once
    // failed so on a loaded machine).
    s.press(&["Escape"]);

    // Detail view answers what, how bad and since when.
    s.press(&["j", "Enter"]);
    let screen = s.wait_for("the detail view", |t| {
        t.contains("fraud-scoring") && t.contains("UTC")
    });
    assert!(screen.contains("critical"), "{screen}");

    s.keys(&["q"]);
    let screen = s.wait_for("oncall to exit", |t| t.contains("EXITED="));
    assert!(screen.contains("EXITED=0"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sighup_restore_the_terminal() {
    for signal in ["TERM", "HUP"] {
        let home = common::temp_dir("e2e-sig");
        let name = format!("oncall-sig{signal}-{}", std::process::id());
        let cmd = format!(
            "env HOME={h} XDG_STATE_HOME={h}/s {bin} --demo & echo PID=$!; wait $!; echo EXITED=$?; stty -a | grep -o -- '-icanon' ; echo STTY-DONE; sleep 30",
            h = home.display(),
            bin = env!("CARGO_BIN_EXE_oncall"),
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ]);
        let s = Session { name, home: None };
        s.wait_for("the demo console", |t| t.contains("ModelLatencySLOBreach"));
        let pid = std::process::Command::new("pgrep")
            .args(["-f", "-n", "oncall --demo"])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&pid.stdout).trim().to_string();
        assert!(!pid.is_empty(), "oncall --demo not found by pgrep");
        std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        let screen = s.wait_for("the shell after the signal", |t| t.contains("STTY-DONE"));
        // Back on the main screen, in cooked mode (raw mode turns icanon off).
        assert!(screen.contains("EXITED=0"), "SIG{signal}: {screen}");
        assert!(
            !screen.contains("-icanon"),
            "SIG{signal} left the terminal in raw mode: {screen}"
        );
        assert!(
            !screen.contains("ModelLatencySLOBreach"),
            "SIG{signal} left the alternate screen up: {screen}"
        );
        let _ = std::fs::remove_dir_all(home);
    }
}

/// Starts the console in tmux on these Alertmanagers, with extra flags.
fn console(tag: &str, urls: &[String], flags: &str) -> Session {
    console_in(tag, urls, flags, common::temp_dir("e2e-home"))
}

/// The same in a given home (a restart finds its state dir again).
pub(crate) fn console_in(
    tag: &str,
    urls: &[String],
    flags: &str,
    home: std::path::PathBuf,
) -> Session {
    let name = format!("oncall-e2e-{tag}-{}", std::process::id());
    let sources: Vec<String> = urls.iter().map(|u| format!("--alertmanager {u}")).collect();
    let cmd = format!(
        "env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s USER=erin TERM=xterm-256color {bin} {src} --refresh 2s {flags}; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
        src = sources.join(" "),
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    Session {
        name,
        home: Some(home),
    }
}

async fn server_silences(url: &str) -> Vec<serde_json::Value> {
    reqwest::get(format!("{url}/api/v2/silences"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ack_and_a_silence_made_with_key_presses_exist_on_the_server() {
    let ams = Alertmanagers::start(2);
    ams.post_alerts(json!([
        {"labels": {"alertname": "GPUMemoryExhausted", "severity": "critical", "gpu": "0", "node": "gpu-7"},
         "annotations": {"summary": "GPU 0 at 99% memory"}},
        {"labels": {"alertname": "FeatureStoreStale", "severity": "warning", "view": "user_txn"},
         "annotations": {"summary": "materialized 40m ago"}},
    ]))
    .await;
    let s = console("write", &ams.urls, "");
    s.wait_for("both alerts", |t| {
        t.contains("GPUMemoryExhausted") && t.contains("FeatureStoreStale")
    });

    // `a` on the first row (the critical): acked, shared through Alertmanager.
    s.keys(&["g", "a"]);
    let screen = s.wait_for("the ack on screen", |t| {
        t.contains("acked") && t.contains("GPUMemoryExhausted: acked")
    });
    assert!(
        ["acked by erin, 15m left", "acked erin 15m"]
            .iter()
            .any(|w| screen.contains(w)),
        "{screen}"
    );
    let list = server_silences(&ams.urls[1]).await;
    let acks: Vec<_> = list
        .iter()
        .filter(|x| {
            x["comment"].as_str().unwrap().starts_with("ACK!") && x["status"]["state"] == "active"
        })
        .collect();
    assert_eq!(acks.len(), 1, "{list:?}");
    assert_eq!(acks[0]["createdBy"], "erin");

    // `s` on the warning: drop the view label, type a comment, submit.
    s.keys(&["G", "s"]);
    s.wait_for("the silence form", |t| {
        t.contains("New silence") && t.contains("Selects 1 current alert")
    });
    // Matchers: alertname, severity, view. Drop `view` (the third line).
    s.keys(&["j", "j", "Space"]);
    s.keys(&["j", "j", "j", "Enter"]); // add-matcher, Ends, Comment
    s.keys(&["-l", "feature store backfill running"]);
    s.keys(&["Enter"]);
    let screen = s.wait_for("the comment in the form", |t| {
        t.contains("Comment    feature store backfill running")
    });
    assert!(screen.contains("[ ] view=\"user_txn\""), "{screen}");
    // Enter kept the comment and moved on to Author.
    s.keys(&["j", "j", "Enter"]); // Write to, submit
    s.wait_for("the silence created", |t| {
        t.contains("silence of FeatureStoreStale (+1 matchers): silence")
    });
    let list = server_silences(&ams.urls[0]).await;
    let made = list
        .iter()
        .find(|x| x["comment"] == "feature store backfill running")
        .unwrap_or_else(|| panic!("not on the server: {list:?}"));
    assert_eq!(made["createdBy"], "erin");
    assert_eq!(made["matchers"].as_array().unwrap().len(), 2);

    // `S` lists both; the ack is marked.
    s.keys(&["S"]);
    let screen = s.wait_for("the silences pane", |t| t.contains("Silences (2)"));
    assert!(
        screen.contains("ACK") && screen.contains("feature store backfill running"),
        "{screen}"
    );
    s.keys(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_writes_on_screen_and_sends_nothing() {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical"}, "annotations": {"summary": "down"}},
    ]))
    .await;
    let s = console("ro", &ams.urls, "--read-only");
    s.wait_for("the alert and the badge", |t| {
        t.contains("ModelServerDown") && t.contains("READ-ONLY")
    });
    s.keys(&["a"]);
    s.wait_for("the refusal", |t| t.contains("read-only mode: ack refused"));
    s.keys(&["s"]);
    let screen = s.wait_for("the refusal", |t| {
        t.contains("read-only mode: silence refused")
    });
    assert!(!screen.contains("New silence"), "{screen}");
    s.keys(&["r"]);
    s.wait_for("the refusal", |t| {
        t.contains("read-only mode: resolve refused")
    });
    assert!(server_silences(&ams.urls[0]).await.is_empty());
    s.keys(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_declared_by_key_survives_sigkill() {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(json!([
        {"labels": {"alertname": "ModelServerDown", "severity": "critical", "model": "fraud"},
         "annotations": {"summary": "fraud-model has no ready replicas"}},
    ]))
    .await;
    let home = common::temp_dir("e2e-home");
    let mut first = console_in("incident-1", &ams.urls, "", home.clone());
    first.home = None; // the restart below needs the home
    first.wait_for("the alert", |t| t.contains("ModelServerDown"));
    first.keys(&["g", "i"]);
    let form = first.wait_for("the declare form", |t| {
        t.contains("Declare an incident for 1 alert")
    });
    assert!(form.contains("SEV2"), "{form}");
    assert!(
        form.contains("ModelServerDown: fraud-model has no ready replicas"),
        "{form}"
    );
    first.keys(&["Enter"]);
    let screen = first.wait_for("the timeline", |t| {
        t.contains("INC-") && t.contains("declared")
    });
    let id = screen
        .split_whitespace()
        .find(|w| w.starts_with("INC-"))
        .unwrap()
        .to_string();
    first.keys(&["n"]);
    first.wait_for("the note line", |t| {
        t.lines().any(|l| l.starts_with("note:"))
    });
    first.keys(&["-l", "restarted the fraud-model pods"]);
    first.keys(&["Enter"]);
    first.wait_for("the note on the timeline", |t| {
        t.contains("note") && t.contains("restarted the fraud-model pods")
    });

    // No chance to flush anything more: what was shown must be on disk.
    let pid = first.console_pid();
    Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    first.wait_for("the console killed", |t| t.contains("EXITED=137"));
    drop(first);

    let second = console_in("incident-2", &ams.urls, "", home);
    second.wait_for("the alert", |t| t.contains("ModelServerDown"));
    second.keys(&["I"]);
    second.wait_for("the incidents list", |t| {
        t.contains(&id) && t.contains("open")
    });
    second.keys(&["Enter"]);
    let screen = second.wait_for("the timeline again", |t| {
        t.contains("restarted the fraud-model pods") && t.contains("declared")
    });
    assert!(screen.contains("erin"), "the actor is shown: {screen}");
    second.keys(&["q"]);
    second.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}
