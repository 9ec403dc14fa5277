//! End to end: the runbook stepper of the real binary in tmux, against a
//! real Alertmanager. A diagnosis step runs after both questions, its
//! capture takes a `when:` branch over a step, a long mitigation step is
//! stopped with Ctrl-c (group and all), a hostile label is refused before
//! anything runs, and a restart resumes the run from the incident journal.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{children, pgrep, Session, PATIENCE};
use common::Alertmanagers;
use serde_json::json;

const RUNBOOK: &str = r#"id: e2estep
title: E2E stepper drill
alerts: [E2EStepHostile]
meaning: |
  A drill runbook for the end-to-end test of the stepper.
impact: Nothing; no step changes anything.
vars:
  POD: {label: pod}
steps:
  - step_id: find-stage
    title: Find the slow stage
    role: diagnosis
    description: Names the pod and the slowest stage.
    automation_script: |
      printf 'pod is %s\n' "$POD"; echo 'slowest_stage=inference'
    capture: {STAGE: 'slowest_stage=(\w+)'}
    next:
      - {when: 'STAGE == "inference"', goto: slow}
      - {label: "all fine", goto: end}
  - step_id: skipped-one
    title: Skipped one
    role: diagnosis
    description: Jumped over when the stage is inference.
    automation_script: echo should-not-run
  - step_id: slow
    title: Wait it out
    role: mitigation
    description: Takes far too long; stopped with Ctrl-c.
    automation_script: sleep 30; echo never
    confirm: true
"#;

const HAPPY_POD: &str = "ranker-7d9f-a";

/// The console's home: config, runbook dir and state dir, kept across restarts.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Home {
        let dir = common::temp_dir("e2e-rb");
        let books = dir.join("books");
        std::fs::create_dir_all(&books).unwrap();
        std::fs::write(books.join("e2estep.yaml"), RUNBOOK).unwrap();
        std::fs::write(
            dir.join("oncall.yaml"),
            format!(
                "runbooks: [{}]\nstepper: {{timeout: 2m, confirm_diagnosis: true}}\n",
                books.display()
            ),
        )
        .unwrap();
        Home { dir }
    }

    fn state(&self) -> PathBuf {
        self.dir.join("state")
    }

    fn marker(&self) -> PathBuf {
        self.dir.join("MARKER")
    }

    /// Starts the console in tmux on this home; the session does not remove it.
    fn console(&self, tag: &str, url: &str) -> Session {
        let name = format!("oncall-e2erb-{tag}-{}", std::process::id());
        // The cwd has no ./runbooks: only the config's dir (and the shipped ones) load.
        let cmd = format!(
            "cd {h} && env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_CONFIG_HOME={h}/c \
             XDG_STATE_HOME={h}/s USER=erin TERM=xterm-256color {bin} --config {h}/oncall.yaml \
             --state-dir {state} --alertmanager {url} --refresh 2s; echo EXITED=$?; sleep 30",
            h = self.dir.display(),
            state = self.state().display(),
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

/// Kills a step's process group on drop, should the test fail before the console does.
struct GroupGuard(Option<String>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = &self.0 {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pgid}")])
                .output();
        }
    }
}

/// Polls `check` (not the screen) until it holds.
fn eventually(what: &str, check: impl Fn() -> Result<(), String>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match check() {
            Ok(()) => return,
            Err(last) if Instant::now() > deadline => {
                panic!("{what}: not true within {PATIENCE:?}; last: {last}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// `/`, clear the last filter, type this one, Enter; waits until it applies.
fn filter(s: &Session, text: &str, shows: &str, hides: &str) {
    s.press(&["/", "C-u"]);
    s.type_text(text);
    s.press(&["Enter"]);
    s.wait_for(&format!("the filter {text}"), |t| {
        t.contains(&format!("filter {text}")) && t.contains(shows) && !t.contains(hides)
    });
}

/// The screen line holding `needle`.
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} on:\n{screen}"))
}

fn journal_lines(state: &Path) -> Vec<serde_json::Value> {
    let dir = state.join("incidents");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("INC-") && name.ends_with(".jsonl") {
            for l in std::fs::read_to_string(&path).unwrap().lines() {
                out.push(serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runbook_stepper_runs_branches_stops_and_resumes() {
    let ams = Alertmanagers::start(1);
    let home = Home::new();
    let marker = home.marker();
    let hostile = format!("x;$(touch {})", marker.display());
    ams.post_alerts(json!([
        {"labels": {"alertname": "E2EStep", "severity": "warning", "pod": HAPPY_POD},
         "annotations": {"summary": "ranker p99 high", "runbook_url": "https://runbooks.example/ml/e2estep"}},
        {"labels": {"alertname": "E2EStepHostile", "severity": "warning", "pod": hostile},
         "annotations": {"summary": "a label that tries to run something"}},
    ]))
    .await;

    let s = home.console("one", &ams.urls[0]);
    let screen = s.wait_for("both alerts", |t| {
        t.contains("E2EStepHostile") && t.contains("ranker p99 high")
    });
    assert!(!screen.contains("runbook not loaded"), "{screen}");

    // The hostile label: the runbook opens, but nothing may run.
    filter(
        &s,
        "alertname=\"E2EStepHostile\"",
        "E2EStepHostile",
        "ranker p99 high",
    );
    s.press(&["b"]);
    s.wait_for("the runbook of the hostile alert", |t| {
        t.contains("Runbook E2E stepper drill · E2EStepHostile")
            && t.contains("Find the slow stage")
    });
    s.press(&["Enter"]);
    // Refused before any question: no incident is declared for a step that cannot run.
    let screen = s.wait_for("the refusal naming the label", |t| {
        t.contains("step 1 not run") && t.contains("label pod")
    });
    assert!(!screen.contains("Run step 1/3"), "{screen}");
    assert!(!screen.contains("Record this runbook run"), "{screen}");
    assert!(!screen.contains("output ·"), "nothing ran: {screen}");
    assert!(!marker.exists(), "the label's $(touch) ran");
    s.press(&["Escape"]);

    // The happy path: b, Enter, declare, see exactly what runs, run it.
    filter(
        &s,
        "alertname=\"E2EStep\"",
        "ranker p99 high",
        "E2EStepHostile",
    );
    s.press(&["b"]);
    let screen = s.wait_for("the runbook and its steps", |t| {
        t.contains("Runbook E2E stepper drill · E2EStep ·")
            && t.contains("Find the slow stage")
            && t.contains("Skipped one")
            && t.contains("Wait it out")
    });
    assert!(screen.contains("Step 1/3"), "{screen}");
    assert!(screen.contains("not recorded"), "{screen}");
    s.press(&["Enter"]);
    let screen = s.wait_for("the incident question", |t| {
        t.contains("Record this runbook run on an incident?")
    });
    assert!(
        screen.contains("No incident is open for E2EStep"),
        "{screen}"
    );
    s.press(&["y"]);
    let screen = s.wait_for("the run question", |t| {
        t.contains("Run step 1/3: Find the slow stage?")
    });
    assert!(
        screen.contains(r#"printf 'pod is %s\n' "$POD"; echo 'slowest_stage=inference'"#),
        "the exact command: {screen}"
    );
    assert!(screen.contains(&format!("POD={HAPPY_POD}")), "{screen}");
    assert!(screen.contains("recorded on INC-"), "{screen}");
    let incident = screen
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.starts_with("INC-"))
        .unwrap()
        .to_string();
    s.press(&["y"]);
    // The capture takes the `when:` branch over step 2, straight to step 3.
    let screen = s.wait_for("the stepper on step 3", |t| {
        t.contains("Step 3/3") && t.contains("slow")
    });
    assert!(
        screen.contains(&incident),
        "recorded on {incident}: {screen}"
    );
    assert!(
        line_with(&screen, "Find the slow stage").contains('✓'),
        "{screen}"
    );
    assert!(!line_with(&screen, "Skipped one").contains('✓'), "{screen}");
    assert!(screen.contains("came here by"), "{screen}");
    // Back on step 1: its output and how it ended.
    s.press(&["k", "k"]);
    let screen = s.wait_for("step 1's output", |t| {
        t.contains("Step 1/3") && t.contains(&format!("pod is {HAPPY_POD}"))
    });
    assert!(screen.contains("exit 0"), "{screen}");
    assert!(screen.contains("STAGE=inference"), "{screen}");
    s.press(&["j", "j"]);
    s.wait_for("step 3 shown again", |t| t.contains("Step 3/3"));

    // The long mitigation step: asked, running, stopped with Ctrl-c.
    s.press(&["Enter"]);
    let screen = s.wait_for("the run question of step 3", |t| {
        t.contains("Run step 3/3: Wait it out?")
    });
    assert!(screen.contains("sleep 30; echo never"), "{screen}");
    s.press(&["y"]);
    s.wait_for("step 3 running", |t| {
        t.contains("· running ") && t.contains("Ctrl-c stops it")
    });
    let console = s.console_pid();
    let pgid = children(&console)
        .into_iter()
        .next()
        .expect("the step's shell under the console");
    let mut group = GroupGuard(Some(pgid.clone()));
    eventually("the sleep in the step's process group", || {
        let g = pgrep(&["-g", &pgid, "-f", "sleep 30"]);
        (!g.is_empty()).then_some(()).ok_or("no sleep yet".into())
    });
    s.press(&["C-c"]);
    let screen = s.wait_for("the step stopped", |t| t.contains("stopped by you"));
    assert!(
        !screen.contains("EXITED="),
        "Ctrl-c quit the console: {screen}"
    );
    assert!(line_with(&screen, "Wait it out").contains('✗'), "{screen}");
    eventually("no process left of the step's group", || {
        let g = pgrep(&["-g", &pgid]);
        g.is_empty()
            .then_some(())
            .ok_or(format!("still there: {g:?}"))
    });
    group.0 = None;
    // A second Ctrl-c out of habit, with nothing running: the console stays.
    s.press(&["C-c"]);
    let screen = s.wait_for("the second Ctrl-c answered", |t| {
        t.contains("no step is running")
    });
    assert!(
        !screen.contains("EXITED="),
        "a second Ctrl-c quit the console: {screen}"
    );
    assert!(
        children(&console).is_empty(),
        "a child of the console is left"
    );
    // Quitting while the step runs again asks, then stops it and says so
    // on the timeline.
    s.press(&["Enter"]);
    s.wait_for("the run question again", |t| {
        t.contains("Run step 3/3: Wait it out?")
    });
    s.press(&["y"]);
    s.wait_for("step 3 running again", |t| {
        t.contains("· running ") && t.contains("▶ STEP 3")
    });
    s.press(&["q"]);
    s.wait_for("the quit question", |t| {
        t.contains("Step 3 is still running. Quit?")
    });
    s.press(&["y"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
    assert!(
        children(&console).is_empty(),
        "the step outlived the console"
    );
    drop(s);

    // A restart on the same state dir resumes from the incident's timeline.
    let s = home.console("two", &ams.urls[0]);
    s.wait_for("the alerts again", |t| t.contains("ranker p99 high"));
    filter(
        &s,
        "alertname=\"E2EStep\"",
        "ranker p99 high",
        "E2EStepHostile",
    );
    s.press(&["b"]);
    let screen = s.wait_for("the resumed run", |t| {
        t.contains(&format!("resumed from {incident}")) && t.contains("Find the slow stage")
    });
    assert!(
        line_with(&screen, "Find the slow stage").contains('✓'),
        "{screen}"
    );
    assert!(line_with(&screen, "Wait it out").contains('✗'), "{screen}");
    assert!(screen.contains(&incident), "{screen}");
    s.press(&["G"]);
    s.wait_for("why step 3 ended", |t| {
        t.contains("stopped: oncall quit while it ran")
    });

    // The same pane at 80x24 stays inside the window and keeps the steps.
    s.resize(80, 24);
    let screen = s.wait_for("the pane at 80x24", |t| {
        t.lines().count() <= 24
            && t.contains("Runbook E2E stepper")
            && t.contains("Find the slow stage")
            && t.contains("Wait it out")
            && t.contains("Step ")
    });
    for l in screen.lines() {
        assert!(
            l.chars().count() <= 80,
            "a line wider than 80: {l:?}\n{screen}"
        );
    }
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
    drop(s);

    // The journal is the record: the step's start, its exit code and the branch.
    let events = journal_lines(&home.state());
    let steps: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e.to_string().contains("\"runbook_step\""))
        .collect();
    let text: Vec<String> = steps.iter().map(|e| e.to_string()).collect();
    let all = text.join("\n");
    let first_done = text
        .iter()
        .find(|t| t.contains("\"exit_code\":0") && t.contains("find-stage"))
        .unwrap_or_else(|| panic!("no runbook_step of find-stage with exit_code 0:\n{all}"));
    assert!(first_done.contains("\"branch\":"), "{first_done}");
    assert!(first_done.contains("inference"), "{first_done}");
    assert!(first_done.contains("\"goto\":\"slow\""), "{first_done}");
    assert!(
        text.iter()
            .any(|t| t.contains("\"step\":\"slow\"") && t.contains("stopped by you")),
        "the stop is on the timeline:\n{all}"
    );
    assert!(
        !all.contains("skipped-one"),
        "step 2 was jumped over:\n{all}"
    );
    assert!(!marker.exists(), "the label's $(touch) ran");
}
