//! Process and disk faults, end to end: the real binary in tmux. SIGTERM
//! and SIGHUP give the terminal back (main screen, cursor, cooked mode); a
//! resize storm down to 1x1 leaves it running and drawing; a state dir or
//! postmortems dir that cannot be written is said loudly while the console
//! keeps working; SIGKILL during a running step loses nothing that was on
//! screen, and the restart marks the step interrupted.
//!
//! Unwritable paths are paths under a regular file (`FILE/state`): they fail
//! with ENOTDIR for everyone, also for root, whom `chmod` does not stop.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use common::tmux::{children, tmux, Session};
use common::Alertmanagers;
use serde_json::json;

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(tag: &str) -> Home {
        let dir = common::temp_dir(tag);
        std::fs::write(dir.join("a-file"), "not a directory\n").unwrap();
        Home { dir }
    }

    /// A path no one can create: its parent is a regular file.
    fn unwritable(&self, name: &str) -> PathBuf {
        self.dir.join("a-file").join(name)
    }

    /// The console with `args`, in a `w`x`h` tmux session named after `tag`.
    fn console(&self, tag: &str, args: &str) -> Session {
        let name = format!("oncall-e2ef-{tag}-{}", std::process::id());
        let cmd = format!(
            "cd {h} && env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_CONFIG_HOME={h}/c \
             XDG_STATE_HOME={h}/s USER=erin TERM=xterm-256color {bin} {args}; echo EXITED=$?; sleep 30",
            h = self.dir.display(),
            bin = env!("CARGO_BIN_EXE_oncall"),
        );
        Session::start(&name, 120, 40, &cmd, None)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A real Alertmanager holding one alert, and the console arguments for a
/// home whose config is `config` (state dir inside the home).
async fn with_alert(
    home: &Home,
    alertname: &str,
    summary: &str,
    config: &str,
) -> (Alertmanagers, String) {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(
        json!([{"labels": {"alertname": alertname, "severity": "critical"},
                            "annotations": {"summary": summary}}]),
    )
    .await;
    std::fs::write(home.dir.join("oncall.yaml"), config).unwrap();
    let args = format!(
        "--config {h}/oncall.yaml --state-dir {h}/state --alertmanager {url} --refresh 2s",
        h = home.dir.display(),
        url = ams.urls[0]
    );
    (ams, args)
}

fn pane(s: &Session, format: &str) -> String {
    tmux(&["display-message", "-p", "-t", &s.name, format])
        .trim()
        .to_string()
}

/// The terminal as the shell needs it back: the main screen, a visible
/// cursor, and a tty in cooked mode with echo.
fn assert_restored(s: &Session, how: &str) {
    assert_eq!(
        pane(s, "#{alternate_on}"),
        "0",
        "{how}: still on the alternate screen"
    );
    assert_eq!(
        pane(s, "#{cursor_flag}"),
        "1",
        "{how}: the cursor stays hidden"
    );
    let tty = pane(s, "#{pane_tty}");
    let out = Command::new("stty")
        .args(["-F", &tty, "-a"])
        .output()
        .unwrap();
    let modes = String::from_utf8_lossy(&out.stdout);
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{how}: the tty is left raw: {modes}"
    );
}

fn signal(pid: &str, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, pid])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} {pid}");
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    let home = Home::new("e2ef-sig");
    for sig in ["-TERM", "-HUP"] {
        let s = home.console(&sig[1..], "--demo");
        s.wait_for("the demo", |t| t.contains("am-demo-1 ok"));
        assert_eq!(
            pane(&s, "#{alternate_on}"),
            "1",
            "the console uses the alternate screen"
        );
        signal(&s.console_pid(), sig);
        s.wait_for("the console to end", |t| t.contains("EXITED="));
        assert_restored(&s, sig);
    }
}

#[test]
fn a_resize_storm_down_to_1x1_leaves_it_drawing() {
    let home = Home::new("e2ef-resize");
    let s = home.console("storm", "--demo");
    s.wait_for("the demo", |t| t.contains("am-demo-1 ok"));
    let pid = s.console_pid();
    // Deterministic "random" sizes: every tiny one, then big jumps.
    let mut sizes: Vec<(u16, u16)> = (1..=6).flat_map(|w| (1..=4).map(move |h| (w, h))).collect();
    let mut x: u32 = 7;
    for _ in 0..40 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345) % (1 << 31);
        sizes.push((1 + (x % 220) as u16, 1 + (x / 220 % 70) as u16));
    }
    for (w, h) in sizes {
        s.resize(w, h);
    }
    s.resize(100, 30);
    let screen = s.wait_for("a full frame at 100x30", |t| {
        t.contains("am-demo-1 ok") && t.contains("SEV") && t.lines().count() <= 30
    });
    assert!(screen.lines().all(|l| l.chars().count() <= 100), "{screen}");
    assert!(!screen.contains("EXITED="), "{screen}");
    assert_eq!(s.console_pid(), pid, "the same console is still running");
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
    assert_restored(&s, "after the storm");
}

#[test]
fn an_unwritable_state_dir_is_said_loudly_and_the_console_keeps_working() {
    let home = Home::new("e2ef-journal");
    let state = home.unwritable("state");
    let s = home.console(
        "journal",
        &format!("--demo --state-dir {}", state.display()),
    );
    let screen = s.wait_for("the journal failure", |t| {
        t.lines().next().unwrap_or("").contains("JOURNAL FAILING")
            && t.contains("JOURNAL FAILING: cannot create the journal directory")
    });
    assert!(
        screen.contains("Not a directory"),
        "the status line keeps the cause (its middle elided): {screen}"
    );
    // The whole message, path and all, is in the history.
    s.press(&["M"]);
    s.wait_for("the path in the message history", |t| {
        t.contains("Messages (") && t.contains("a-file/state")
    });
    s.press(&["Escape"]);
    // Still a console: it moves, filters, declares (the incident waits), helps.
    s.press(&["i"]);
    s.wait_for("the declare form", |t| t.contains("Declare an incident"));
    s.press(&["Enter"]);
    s.wait_for("the declare said to wait", |t| {
        t.contains("JOURNAL FAILING, not recorded yet (it waits for the journal)")
    });
    s.press(&["?"]);
    s.wait_for("help", |t| t.contains("refresh"));
    s.press(&["Escape"]);
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_postmortems_dir_is_one_clear_error() {
    let home = Home::new("e2ef-pm");
    let pm = home.unwritable("postmortems");
    let config = format!("postmortems: {}\n", pm.display());
    let (_ams, args) = with_alert(&home, "E2EFaultPM", "postmortem drill", &config).await;
    let s = home.console("pm", &args);
    s.wait_for("the alert", |t| t.contains("postmortem drill"));
    s.press(&["i"]);
    s.wait_for("the declare form", |t| t.contains("Declare an incident"));
    s.press(&["Enter"]);
    s.wait_for("the declaration", |t| t.contains("declared INC-"));
    s.press(&["I"]);
    s.wait_for("the incidents pane", |t| t.contains("1 open"));
    s.press(&["p"]);
    let screen = s.wait_for("the postmortem error", |t| {
        t.contains("postmortem not written: cannot create the directory")
            && t.contains("Not a directory")
    });
    assert!(!screen.contains("postmortem draft written"), "{screen}");
    // Too long for the status line (cut in the middle): whole in the history.
    s.press(&["M"]);
    let history = s.wait_for("the path in the message history", |t| {
        t.contains("Messages (") && t.contains(&pm.display().to_string())
    });
    assert!(
        history.contains("ERROR postmortem not written"),
        "{history}"
    );
    s.press(&["Escape"]);
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}

const STEP_RUNBOOK: &str = r#"id: e2ekill
title: Kill drill
alerts: [E2EKill]
steps:
  - step_id: long
    title: The long step
    role: diagnosis
    description: Runs long enough to be killed in.
    automation_script: echo step-started; sleep 30; echo never
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_step_loses_nothing_shown_and_marks_it_interrupted() {
    let home = Home::new("e2ef-kill");
    let books = home.dir.join("books");
    std::fs::create_dir_all(&books).unwrap();
    std::fs::write(books.join("e2ekill.yaml"), STEP_RUNBOOK).unwrap();
    let config = format!("runbooks: [{}]\n", books.display());
    let (_ams, args) = with_alert(&home, "E2EKill", "kill drill", &config).await;
    let s = home.console("kill1", &args);
    s.wait_for("the alert", |t| t.contains("kill drill"));
    s.press(&["b"]);
    s.wait_for("the runbook", |t| t.contains("The long step"));
    s.press(&["Enter"]);
    s.wait_for("the incident question", |t| {
        t.contains("Record this runbook run")
    });
    s.press(&["y"]);
    s.wait_for("the run question", |t| t.contains("Run step 1/1"));
    s.press(&["y"]);
    s.wait_for("the step running", |t| {
        t.contains("step-started") && t.contains("· running ")
    });
    let console = s.console_pid();
    let group = children(&console)
        .into_iter()
        .next()
        .expect("the step's shell");
    signal(&console, "-KILL");
    s.wait_for("the console killed", |t| t.contains("EXITED=137"));
    // The step's own process group outlives a SIGKILLed console; end it.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();

    let journal = home.dir.join("state").join("incidents");
    let lines: Vec<String> = std::fs::read_dir(&journal)
        .unwrap()
        .flat_map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let all = lines.join("\n");
    assert!(
        all.contains("\"declared\"") || all.contains("declare"),
        "{all}"
    );
    assert!(all.contains("long"), "the step's start is on disk:\n{all}");
    drop(s);

    let s = home.console("kill2", &args);
    s.wait_for("the alert again", |t| t.contains("kill drill"));
    s.press(&["b"]);
    let screen = s.wait_for("the step marked interrupted", |t| {
        t.contains("The long step") && t.contains("interrupted: oncall stopped while it ran")
    });
    assert!(screen.contains("INC-"), "{screen}");
    s.press(&["Escape"]);
    s.press(&["I"]);
    s.wait_for("the incident kept", |t| t.contains("1 open"));
    s.press(&["Enter"]);
    s.wait_for("its timeline with the step", |t| {
        t.contains("declared") && t.contains("The long step")
    });
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}
