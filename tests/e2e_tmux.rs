//! End to end: the real binary in tmux against a real Alertmanager. Reads
//! the screen as a user would, filters with `/`, and quits.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Alertmanagers;
use serde_json::json;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap_or_else(|e| {
        panic!("tmux is needed for the end-to-end tests ({e}); install it with: apt-get install tmux")
    });
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session(String);

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        tmux(&args);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.0]);
    }
}

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
    let home = common::temp_dir("e2e-home");
    let name = format!("oncall-e2e-{}", std::process::id());
    // A second source that refuses connections: the console must keep
    // working and name it.
    let dead_port = common::free_port();
    let cmd = format!(
        "env -u ALERTMANAGER_URL HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s TERM=xterm-256color {bin} --alertmanager {url} --alertmanager http://127.0.0.1:{dead_port} --refresh 2s; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
        url = ams.urls[0],
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
    let s = Session(name);

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
    let screen = s.wait_for("the filter to hide the warning", |t| {
        !t.contains("FeatureDataDrift")
    });
    assert!(screen.contains("ModelLatencySLOBreach"), "{screen}");

    // An invalid filter says why, inline, and keeps the last good one.
    s.keys(&["/"]);
    s.keys(&["-l", ",team=~\"(ml"]);
    let screen = s.wait_for("an inline filter error", |t| {
        t.contains("unterminated") || t.contains("invalid")
    });
    assert!(screen.contains("ModelLatencySLOBreach"), "{screen}");
    s.keys(&["Escape"]);

    // Detail view answers what, how bad and since when.
    s.keys(&["j"]);
    s.keys(&["Enter"]);
    let screen = s.wait_for("the detail view", |t| {
        t.contains("fraud-scoring") && t.contains("UTC")
    });
    assert!(screen.contains("critical"), "{screen}");

    s.keys(&["q"]);
    let screen = s.wait_for("oncall to exit", |t| t.contains("EXITED="));
    assert!(screen.contains("EXITED=0"), "{screen}");
    let _ = std::fs::remove_dir_all(home);
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
        let s = Session(name);
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
