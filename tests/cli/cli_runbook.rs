//! `oncall runbook list|show|run` as the real binary: runbooks written to
//! temp dirs, alerts held by a real Alertmanager, commands really run by
//! bash (the run's session) in a temp working directory, and the incident journal on disk.

use crate::common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

use common::cli::{cluster_config, fire, stderr, stdout, Home};
use common::Alertmanagers;
use serde_json::{json, Value};

/// A HOME with a working directory, a runbook dir and a `--state-dir`
/// inside it; all removed with the HOME.
struct Env {
    home: Home,
    /// The cwd `oncall` runs in: step commands run (and `touch`) here.
    cwd: PathBuf,
    /// A runbook dir named by the config's `runbooks:`.
    books: PathBuf,
    state: PathBuf,
    config: Option<String>,
}

impl Env {
    fn new() -> Env {
        let home = Home::new();
        let cwd = home.0.join("work");
        let books = home.0.join("team-runbooks");
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::create_dir_all(&books).unwrap();
        let state = home.0.join("incident-state");
        Env {
            home,
            cwd,
            books,
            state,
            config: None,
        }
    }

    /// A config with the runbook dir (and the Alertmanager, when given).
    fn configure(&mut self, ams: Option<&Alertmanagers>) {
        let books = format!("runbooks: ['{}']\nauthor: alice\n", self.books.display());
        let yaml = match ams {
            Some(ams) => cluster_config(ams, &books),
            None => books,
        };
        self.config = Some(self.home.config(&yaml));
    }

    fn book(&self, file: &str, text: &str) {
        std::fs::write(self.books.join(file), text).unwrap();
    }

    fn all_args<'a>(&'a self, a: &[&'a str]) -> Vec<&'a str> {
        let mut all = vec!["--state-dir", self.state.to_str().unwrap()];
        if let Some(c) = &self.config {
            all.extend(["--config", c.as_str()]);
        }
        all.extend_from_slice(a);
        all
    }

    /// `oncall [--config C] --state-dir S ARGS` in `cwd`, stdin closed.
    fn run(&self, a: &[&str]) -> Output {
        let out = self
            .home
            .command(&self.all_args(a))
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .output()
            .expect("run oncall");
        eprintln!(
            "$ oncall {a:?} → {:?}\n--- stdout\n{}--- stderr\n{}",
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
        out
    }

    /// As `run`, with `input` on stdin.
    fn run_with_input(&self, a: &[&str], input: &str) -> Output {
        let mut child = self
            .home
            .command(&self.all_args(a))
            .current_dir(&self.cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run oncall");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        eprintln!(
            "$ oncall {a:?} <<< {input:?} → {:?}\n--- stdout\n{}--- stderr\n{}",
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
        out
    }

    fn ok(&self, a: &[&str]) -> String {
        let out = self.run(a);
        assert_eq!(out.status.code(), Some(0), "{a:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn marker(&self, name: &str) -> bool {
        self.cwd.join(name).exists()
    }

    /// The incident's journal, one JSON value per line.
    fn journal(&self, id: &str) -> Vec<Value> {
        let path = self.state.join("incidents").join(format!("{id}.jsonl"));
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect()
    }
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

/// A branching runbook: the first step prints the pod and a stage, the
/// stage picks `slow`, and `jumped` (the step below) is jumped over.
const FLOW: &str = r#"id: e2eflow
title: E2E flow for a pod
alerts: [E2EPodDown]
vars:
  NAMESPACE: {label: namespace, default: ml-serving}
steps:
  - step_id: greet
    title: Say which pod
    role: diagnosis
    description: Names the pod from the alert.
    automation_script: |
      printf 'pod is %s\n' "$POD"
      echo "stage=slow"
    capture: {STAGE: 'stage=(\w+)'}
    next:
      - {when: 'STAGE == "fast"', goto: jumped}
      - {when: 'STAGE == "slow"', goto: slow}
  - step_id: jumped
    title: Only when fast
    automation_script: touch jumped.marker
    next: [{goto: end}]
  - step_id: slow
    title: The slow path
    role: mitigation
    automation_script: |
      touch slow.marker
      printf 'namespace %s stage %s\n' "$NAMESPACE" "$STAGE"
    next: [{goto: end}]
"#;

const GO_TEMPLATE: &str = r#"kubectl -n "$NAMESPACE" get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\t"}}{{.status.phase}}{{"\n"}}{{end}}'"#;

fn templated_markdown() -> String {
    format!(
        "---\nalerts: [E2ETemplated]\nvars:\n  NAMESPACE: ml-serving\n---\n\
         # Templated pods\n\n## Meaning\n\nPods are listed.\n\n## Diagnosis\n\n\
         ### List the pods\n\nEvery pod and its phase.\n\n```sh {{name=list-pods}}\n{GO_TEMPLATE}\n```\n\n\
         ## Mitigation\n\nAsk the owning team.\n"
    )
}

#[test]
fn list_finds_the_shipped_runbooks_from_anywhere_and_the_configured_dir() {
    let mut env = Env::new();
    // No config, an empty cwd: the shipped runbooks are built in.
    let list = env.ok(&["runbook", "list"]);
    let ids: Vec<&str> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(list.starts_with("ID "), "a header first: {list}");
    for shipped in [
        "modelserverdown",
        "modellatencyslobreach",
        "gpumemorynearlyfull",
    ] {
        assert!(ids.contains(&shipped), "{shipped} in {ids:?}");
    }
    assert!(!ids.contains(&"e2eflow"), "{ids:?}");
    let row = list
        .lines()
        .find(|l| l.starts_with("modellatencyslobreach "))
        .unwrap();
    assert!(row.contains("ModelLatencySLOBreach"), "{row}");

    // A configured dir adds its runbooks; ./runbooks in the cwd too.
    env.book("e2eflow.yaml", FLOW);
    env.configure(None);
    std::fs::create_dir_all(env.cwd.join("runbooks")).unwrap();
    std::fs::write(
        env.cwd.join("runbooks").join("e2elocal.md"),
        templated_markdown(),
    )
    .unwrap();
    let list = env.ok(&["runbook", "list"]);
    let row = list
        .lines()
        .find(|l| l.starts_with("e2eflow "))
        .unwrap_or_else(|| panic!("e2eflow listed: {list}"));
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(words, ["e2eflow", "3", "E2EPodDown"], "{row}");
    assert!(list.lines().any(|l| l.starts_with("e2elocal ")), "{list}");
    assert!(
        list.lines().any(|l| l.starts_with("modelserverdown ")),
        "{list}"
    );
}

#[test]
fn show_prints_title_steps_commands_and_branches_and_refuses_unknown_names() {
    let mut env = Env::new();
    env.book("e2eflow.yaml", FLOW);
    env.book("e2etemplated.md", &templated_markdown());
    env.configure(None);

    let show = env.ok(&["runbook", "show", "E2EFLOW"]);
    let first = show.lines().next().unwrap();
    assert!(first.starts_with("E2E flow for a pod ("), "{first}");
    assert!(first.contains("e2eflow.yaml"), "{first}");
    assert!(show.contains("alerts: E2EPodDown"), "{show}");
    assert!(
        show.contains("var NAMESPACE: label namespace, default \"ml-serving\""),
        "{show}"
    );
    let at = |needle: &str| {
        show.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {show}"))
    };
    let steps = [
        at("1. [diagnosis] greet: Say which pod"),
        at("   $ printf 'pod is %s\\n' \"$POD\""),
        at("   capture STAGE from /stage=(\\w+)/"),
        at("   → when STAGE == \"slow\" goto slow"),
        at("2. ["),
        at("jumped: Only when fast"),
        at("   $ touch jumped.marker"),
        at("3. [mitigation] slow: The slow path"),
    ];
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "in order: {show}");
    assert!(
        show.contains("   → when STAGE == \"fast\" goto jumped"),
        "{show}"
    );
    assert!(show.contains("   → then goto end"), "{show}");

    // A kubectl Go template passes through byte for byte.
    let md = env.ok(&["runbook", "show", "e2etemplated"]);
    assert!(md.starts_with("Templated pods ("), "{md}");
    assert!(md.contains("list-pods: List the pods"), "{md}");
    assert!(md.contains(&format!("   $ {GO_TEMPLATE}\n")), "{md}");
    // And so it does in the shipped runbook.
    let shipped = include_str!("../../runbooks/modelserverdown.md");
    let template = shipped
        .lines()
        .find(|l| l.contains("{{range .items}}"))
        .unwrap();
    let msd = env.ok(&["runbook", "show", "modelserverdown"]);
    // A continuation line of the command: indented, byte-identical.
    assert!(
        msd.lines().any(|l| l.trim_start() == template.trim()),
        "{template} in {msd}"
    );

    let out = env.run(&["runbook", "show", "nosuchbook"]);
    assert_eq!(code(&out), Some(1));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("no runbook \"nosuchbook\""), "{err}");
    let known = err
        .split("known: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{err}"));
    for id in [
        "e2eflow",
        "e2etemplated",
        "modelserverdown",
        "modellatencyslobreach",
    ] {
        assert!(known.contains(id), "{id} in {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_shows_commands_and_label_values_and_runs_nothing_and_hostile_values_stop() {
    let ams = Alertmanagers::start(1);
    fire(
        &ams,
        json!({"alertname": "E2EPodDown", "pod": "fraud-xgb-7f9", "namespace": "ml-prod", "severity": "critical"}),
    )
    .await;
    fire(
        &ams,
        json!({"alertname": "E2EHostile", "pod": "x;$(touch injected.marker)", "namespace": "ml-prod"}),
    )
    .await;
    let mut env = Env::new();
    env.book("e2eflow.yaml", FLOW);
    env.configure(Some(&ams));

    let out = env.run(&[
        "runbook",
        "run",
        "e2eflow",
        "--dry-run",
        "--alert",
        "alertname=\"E2EPodDown\"",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        stderr(&out).contains("variables from E2EPodDown namespace=ml-prod,pod=fraud-xgb-7f9"),
        "{}",
        stderr(&out)
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {text}"))
    };
    let order = [
        at("greet: Say which pod"),
        at("   $ printf 'pod is %s\\n' \"$POD\""),
        at("   POD=fraud-xgb-7f9"),
        at("jumped: Only when fast"),
        at("   $ touch jumped.marker"),
        at("slow: The slow path"),
        at("   NAMESPACE=ml-prod"),
        at("dry run: nothing was run"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in order: {text}");
    // The capture does not exist before the step runs.
    assert!(text.contains("   STAGE is not set"), "{text}");
    // Nothing ran: no output of the commands, no marker files.
    assert!(!text.contains("pod is fraud-xgb-7f9"), "{text}");
    assert!(!env.marker("jumped.marker") && !env.marker("slow.marker"));

    // --read-only: a dry run is fine, a real run is refused.
    let out = env.run(&[
        "--read-only",
        "runbook",
        "run",
        "e2eflow",
        "--dry-run",
        "--alert",
        "alertname=E2EPodDown",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("   POD=fraud-xgb-7f9"),
        "{}",
        stdout(&out)
    );
    let out = env.run(&[
        "--read-only",
        "runbook",
        "run",
        "e2eflow",
        "--yes",
        "--alert",
        "alertname=E2EPodDown",
    ]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("--read-only"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("pod is"), "{}", stdout(&out));
    assert!(!env.marker("slow.marker"), "read-only ran a step");

    // A label value with shell in it stops the step that uses it.
    let out = env.run(&[
        "runbook",
        "run",
        "e2eflow",
        "--yes",
        "--alert",
        "alertname=E2EHostile",
    ]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("label pod"), "names the label: {err}");
    assert!(err.contains("$POD"), "names the variable: {err}");
    assert!(!stdout(&out).contains("pod is"), "{}", stdout(&out));
    assert!(!env.marker("injected.marker"), "the label's $(...) ran");
    assert!(!env.marker("slow.marker"), "a later step ran");
    // Its dry run says so too, and runs nothing.
    let out = env.run(&[
        "runbook",
        "run",
        "e2eflow",
        "--dry-run",
        "--alert",
        "alertname=E2EHostile",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("would not run: label pod"),
        "{}",
        stdout(&out)
    );
    assert!(!env.marker("injected.marker"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_runs_the_commands_follows_the_branch_and_records_on_the_incident() {
    let ams = Alertmanagers::start(1);
    fire(
        &ams,
        json!({"alertname": "E2EPodDown", "pod": "fraud-xgb-7f9", "namespace": "ml-prod", "severity": "critical"}),
    )
    .await;
    let mut env = Env::new();
    env.book("e2eflow.yaml", FLOW);
    env.configure(Some(&ams));
    let id = env
        .ok(&["incident", "declare", "--alert", "alertname=E2EPodDown"])
        .trim()
        .to_string();
    assert!(id.starts_with("INC-"), "{id}");

    let out = env.run(&[
        "runbook",
        "run",
        "e2eflow",
        "--yes",
        "--alert",
        "alertname=E2EPodDown",
        "--incident",
        &id,
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            "pod is fraud-xgb-7f9",
            "stage=slow",
            "namespace ml-prod stage slow"
        ],
        "the commands' output, and only that, on stdout"
    );
    let err = stderr(&out);
    assert!(err.contains("── branch: STAGE == \"slow\" → slow"), "{err}");
    assert!(err.contains("runbook e2eflow finished"), "{err}");
    assert!(env.marker("slow.marker"), "the slow step ran");
    assert!(!env.marker("jumped.marker"), "the step jumped over ran");

    // The journal holds every step: start, end with its exit code, the branch.
    let steps: Vec<Value> = env
        .journal(&id)
        .into_iter()
        .filter(|e| e["type"] == "runbook_step")
        .collect();
    let summary: Vec<(String, String)> = steps
        .iter()
        .map(|e| {
            (
                e["data"]["step"].as_str().unwrap_or("?").to_string(),
                e["data"]["step_status"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    let expect: Vec<(String, String)> = [
        ("greet", "running"),
        ("greet", "done"),
        ("slow", "running"),
        ("slow", "done"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(summary, expect, "{steps:#?}");
    let greet = &steps[1]["data"];
    assert_eq!(greet["runbook"], "e2eflow");
    assert_eq!(greet["exit_code"], 0);
    assert_eq!(greet["branch"], "STAGE == \"slow\" → slow");
    assert_eq!(greet["goto"], "slow");
    assert_eq!(greet["captured"]["STAGE"], "slow");
    assert!(
        greet["output"]
            .as_str()
            .unwrap()
            .contains("pod is fraud-xgb-7f9"),
        "{greet}"
    );
    assert_eq!(steps[3]["data"]["exit_code"], 0);
    assert_eq!(steps[3]["data"]["goto"], "end");
    assert!(steps.iter().all(|e| e["actor"] == "alice"), "{steps:#?}");

    // And `incident show` tells it.
    let show = env.ok(&["incident", "show", &id]);
    assert!(
        show.contains("e2eflow: step 1 Say which pod: done: exit 0"),
        "{show}"
    );
    assert!(show.contains("STAGE == \"slow\" → slow"), "{show}");
    assert!(
        show.contains("e2eflow: step 3 The slow path: done: exit 0"),
        "{show}"
    );
    assert!(!show.contains("Only when fast"), "{show}");

    // Run again on the same incident: the recorded run is resumed, and as it
    // finished, nothing runs twice.
    std::fs::remove_file(env.cwd.join("slow.marker")).unwrap();
    let before = env.journal(&id).len();
    let out = env.run(&[
        "runbook",
        "run",
        "e2eflow",
        "--yes",
        "--alert",
        "alertname=E2EPodDown",
        "--incident",
        &id,
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("resuming the run recorded on {id}")),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "ran again: {}", stdout(&out));
    assert!(!env.marker("slow.marker"), "the slow step ran twice");
    assert_eq!(env.journal(&id).len(), before);
}

/// Runbooks that need no alert: their variables have defaults.
const FAILS: &str = r#"title: Fails halfway
steps:
  - step_id: probe
    automation_script: |
      echo before the failure
      exit 3
  - step_id: after
    automation_script: touch after.marker
"#;

const CHOOSES: &str = r#"title: Command then a choice
steps:
  - step_id: look
    automation_script: echo looked
    next:
      - {label: "It is the database", goto: db}
      - {label: "It is the network", goto: end}
  - step_id: db
    automation_script: touch db.marker
"#;

const MANUAL_CHOICE: &str = r#"title: A manual step that branches
steps:
  - step_id: decide
    title: Decide with the team
    action: Talk to the database owners and pick a way on.
    next:
      - {label: "Fail over", goto: failover}
      - {label: "Wait it out", goto: end}
  - step_id: fallthrough
    title: Below the choice
    automation_script: touch fell-through.marker
    next: [{goto: end}]
  - step_id: failover
    automation_script: touch failover.marker
"#;

const ASKS: &str = r#"title: Asks before each step
vars:
  GREETING: {default: hello}
steps:
  - step_id: first
    automation_script: |
      touch first.marker
      echo "$GREETING from the first step"
  - step_id: second
    automation_script: touch second.marker
  - step_id: third
    automation_script: echo third ran > third.marker
"#;

#[test]
fn a_failing_step_stops_the_run_with_its_exit_code() {
    let mut env = Env::new();
    env.book("e2efails.yaml", FAILS);
    env.configure(None);
    let out = env.run(&["runbook", "run", "e2efails", "--yes"]);
    assert_eq!(code(&out), Some(1));
    assert_eq!(stdout(&out), "before the failure\n");
    let err = stderr(&out);
    assert!(err.contains("── step 1: exit 3"), "{err}");
    assert!(!err.contains("finished"), "{err}");
    assert!(
        !env.marker("after.marker"),
        "the run went on after a failure"
    );
}

#[test]
fn yes_cannot_make_a_choice_after_a_command() {
    let mut env = Env::new();
    env.book("e2echooses.yaml", CHOOSES);
    env.configure(None);
    let out = env.run(&["runbook", "run", "e2echooses", "--yes"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "looked\n");
    let err = stderr(&out);
    assert!(err.contains("a choice is needed"), "{err}");
    assert!(
        err.contains("It is the database → db"),
        "the options: {err}"
    );
    assert!(!env.marker("db.marker"));
}

/// A manual step that branches, and one with a `goto`: --yes skips manual
/// steps, but a skipped step must not send the run to a step its branches
/// do not lead to.
const MANUAL_GOTO: &str = r#"title: A manual step with a goto
steps:
  - step_id: handoff
    action: Page the other team.
    next: [{goto: verify}]
  - step_id: other-branch
    automation_script: touch other-branch.marker
    next: [{goto: end}]
  - step_id: verify
    automation_script: echo verified
"#;

#[test]
fn yes_stops_at_a_manual_choice_and_follows_a_manual_goto() {
    let mut env = Env::new();
    env.book("e2emanualchoice.yaml", MANUAL_CHOICE);
    env.book("e2emanualgoto.yaml", MANUAL_GOTO);
    env.configure(None);

    let out = env.run(&["runbook", "run", "e2emanualchoice", "--yes"]);
    let err = stderr(&out);
    assert!(
        !env.marker("fell-through.marker"),
        "--yes skipped the manual choice and ran the step below it, which neither \
         branch leads to (exit {:?}): {err}",
        code(&out)
    );
    assert!(!env.marker("failover.marker"), "{err}");
    assert_eq!(code(&out), Some(1), "{err}");
    assert!(err.contains("a choice is needed"), "{err}");

    let out = env.run(&["runbook", "run", "e2emanualgoto", "--yes"]);
    assert!(
        !env.marker("other-branch.marker"),
        "--yes skipped the manual step and ran the next one in the file instead of its goto: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "verified\n");
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
}

#[test]
fn answers_on_stdin_run_or_skip_each_step() {
    let mut env = Env::new();
    env.book("e2easks.yaml", ASKS);
    env.configure(None);

    // y runs the first, s skips the second, y runs the third.
    let out = env.run_with_input(&["runbook", "run", "e2easks"], "y\ns\ny\n");
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello from the first step\n");
    let err = stderr(&out);
    assert_eq!(
        err.matches("run it? y yes, s skip, q quit:").count(),
        3,
        "{err}"
    );
    assert!(err.contains("GREETING=hello"), "{err}");
    assert!(env.marker("first.marker"));
    assert!(!env.marker("second.marker"), "a skipped step ran");
    assert!(env.marker("third.marker"));
    assert!(err.contains("runbook e2easks finished"), "{err}");

    // q (or the end of input) stops before anything more runs.
    for f in ["first.marker", "third.marker"] {
        std::fs::remove_file(env.cwd.join(f)).unwrap();
    }
    let out = env.run_with_input(&["runbook", "run", "e2easks"], "s\nq\n");
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    for f in ["first.marker", "second.marker", "third.marker"] {
        assert!(!env.marker(f), "{f} after s, q");
    }
    let out = env.run_with_input(&["runbook", "run", "e2easks"], "");
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(!env.marker("first.marker"), "ran without an answer");
}
