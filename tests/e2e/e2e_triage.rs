//! End to end, the noisy night: the real binary in tmux at 80x24 against a
//! real Alertmanager holding 60 TargetDown alerts and the one that matters.
//! The large group starts folded with HighErrorRate on the first screen;
//! `+` / `-` unfold and fold every group; `:messages` reads back what the
//! status line said; `:sort newest` is remembered across a restart.

use crate::common;

use common::tmux::Session;
use common::Alertmanagers;
use serde_json::json;

fn console(tag: &str, url: &str, home: &std::path::Path) -> Session {
    let cmd = format!(
        "env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_CONFIG_HOME={h}/c XDG_STATE_HOME={h}/s USER=erin TERM=xterm-256color {bin} --alertmanager {url} --refresh 2s; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
    );
    let name = format!("oncall-e2e-triage-{tag}-{}", std::process::id());
    // No home: the test removes it after both runs.
    Session::start(&name, 80, 24, &cmd, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_noisy_night_folds_keeps_its_messages_and_remembers_the_sort() {
    let ams = Alertmanagers::start(1);
    let mut alerts: Vec<serde_json::Value> = (0..60)
        .map(|i| {
            json!({"labels": {"alertname": "TargetDown", "severity": "warning", "pod": format!("pod-{i:03}")},
                   "annotations": {"summary": format!("target pod-{i:03} is down")}})
        })
        .collect();
    alerts.push(json!({"labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"},
                       "annotations": {"summary": "checkout 5xx ratio 12%"}}));
    ams.post_alerts(json!(alerts)).await;
    let home = common::temp_dir("e2e-triage");
    let s = console("a", &ams.urls[0], &home);

    // Folded at start: the group is one row and the real alert is on screen.
    let screen = s.wait_for("the folded group and the real alert", |t| {
        t.contains("TargetDown  60 alerts") && t.contains("HighErrorRate")
    });
    assert!(screen.contains("▸"), "{screen}");
    assert!(!screen.contains("pod-000"), "{screen}");

    // `+` unfolds every group: the rows run past the screen, counted below.
    s.press(&["+"]);
    let screen = s.wait_for("the unfolded rows and ↓ N more", |t| {
        t.contains("pod=pod-0") && t.contains("↓") && t.contains("more")
    });
    assert!(screen.contains("1 group unfolded"), "{screen}");
    // `-` folds them again.
    s.press(&["-"]);
    s.wait_for("the group folded again", |t| {
        t.contains("TargetDown  60 alerts") && !t.contains("pod=pod-0")
    });

    // The history has both messages, newest first.
    s.press(&[":"]);
    s.type_text("messages");
    s.press(&["Enter"]);
    let screen = s.wait_for("the message history", |t| t.contains("Messages ("));
    let folded = screen.find("1 group folded").expect(&screen);
    let unfolded = screen.find("1 group unfolded").expect(&screen);
    assert!(folded < unfolded, "newest first:\n{screen}");
    s.press(&["Escape"]);
    s.wait_for("the list again", |t| {
        t.contains("HighErrorRate") && !t.contains("Messages (")
    });

    // `:sort newest`, said in the header, and remembered after a restart.
    s.press(&[":"]);
    s.type_text("sort newest");
    s.press(&["Enter"]);
    s.wait_for("newest first in the header", |t| t.contains("newest first"));
    s.press(&["q"]);
    s.wait_for("oncall to exit", |t| t.contains("EXITED=0"));
    drop(s);
    let again = console("b", &ams.urls[0], &home);
    again.wait_for("the sort remembered", |t| {
        t.contains("newest first") && t.contains("HighErrorRate")
    });
    drop(again);
    let _ = std::fs::remove_dir_all(&home);
}
