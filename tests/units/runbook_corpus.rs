//! Our own corpus (`tests/data/runbook_corpus`), written in the shapes the
//! public prometheus-operator runbooks use: prompts with output, console
//! blocks without prompts, placeholders, TODO blocks and trailing links,
//! nested headings, `<details>`, Go templates, awk/jq, nested folders and
//! Hugo's `_index.md`. Each test is one thing a new user saw go wrong.

use crate::common;

use std::path::PathBuf;

use oncall::model::runbook::{Runbook, Step, StepKind};
use oncall::runbook::load_dirs;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/runbook_corpus")
}

fn runbook(id: &str) -> Runbook {
    let loaded = load_dirs(&[corpus()]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded
        .runbooks
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} not loaded"))
}

fn commands(rb: &Runbook) -> Vec<(StepKind, &str)> {
    rb.steps
        .iter()
        .map(|s| (s.kind, s.command.as_deref().unwrap_or("")))
        .collect()
}

fn step<'a>(rb: &'a Runbook, n: usize) -> &'a Step {
    &rb.steps[n - 1]
}

#[test]
fn folders_load_to_any_depth_and_section_pages_are_not_runbooks() {
    let loaded = load_dirs(&[corpus()]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let mut ids: Vec<&str> = loaded.runbooks.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "LedgerPeersSplit",
            "LedgerStoreCompactionStuck",
            "QueueConsumerStalled",
            "ScratchVolumeFillingUp",
            "SessionCarriesState"
        ]
    );
}

#[test]
fn folders_too_deep_are_said_not_skipped_silently() {
    let tmp = std::env::temp_dir().join(format!("oncall-rb-deep-{}", std::process::id()));
    let mut dir = tmp.clone();
    for i in 0..=oncall::runbook::load::MAX_DEPTH {
        dir = dir.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Deep.md"),
        "# Deep\n\n## Diagnosis\n\n```sh\nuptime\n```\n",
    )
    .unwrap();
    std::fs::write(tmp.join("d0").join("Shallow.md"), "# S\n").unwrap();
    let loaded = load_dirs(std::slice::from_ref(&tmp));
    std::fs::remove_dir_all(&tmp).unwrap();
    let ids: Vec<&str> = loaded.runbooks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["Shallow"]);
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    let said = loaded.errors[0].to_string();
    assert!(
        said.contains("folder not read") && said.contains("d8"),
        "{said}"
    );
}

#[test]
fn prompted_blocks_run_only_the_prompted_commands() {
    let rb = runbook("LedgerPeersSplit");
    let s = step(&rb, 1);
    assert_eq!(
        s.command.as_deref(),
        Some("kubectl -n ledger describe svc ledger-ring\nkubectl -n ledger get pods -o wide | grep ledger-")
    );
    let expected = s.expected.as_deref().unwrap();
    assert!(
        expected.starts_with("Name:              ledger-ring"),
        "{expected}"
    );
    assert!(expected.contains("ledger-1    1/1   Running"), "{expected}");
    let console = step(&rb, 3);
    assert_eq!(
        console.command.as_deref(),
        Some(
            "kubectl -n ledger get pods -o wide --no-headers | awk '{ print $7 }' | sort | uniq -c"
        )
    );
    assert_eq!(
        console.expected.as_deref(),
        Some("      2 worker-a\n      1 worker-b")
    );
    let mitigation = step(&rb, 5);
    assert_eq!(
        mitigation.command.as_deref(),
        Some("kubectl -n ledger delete endpoints ledger-ring")
    );
    assert_eq!(
        mitigation.expected.as_deref(),
        Some("endpoints \"ledger-ring\" deleted")
    );
}

#[test]
fn details_show_as_text_without_tags() {
    let rb = runbook("LedgerPeersSplit");
    let meaning = rb.context_text("Meaning").unwrap();
    assert!(!meaning.contains('<'), "{meaning}");
    assert!(
        meaning.contains("Why this matters\n\nA ring split in two"),
        "{meaning}"
    );
}

#[test]
fn console_blocks_without_prompts_are_commands_and_inner_headings_are_context() {
    let rb = runbook("QueueConsumerStalled");
    let kinds = commands(&rb);
    assert_eq!(
        kinds,
        [
            (
                StepKind::Shell,
                "kubectl -n ledger get pods -l app=queue-consumer"
            ),
            (
                StepKind::Shell,
                "kubectl -n ledger logs deploy/queue-consumer --tail=50"
            ),
            (
                StepKind::Manual,
                "kubectl -n ledger edit configmap queue-consumer"
            ),
            (
                StepKind::Shell,
                "kubectl -n ledger delete pod -l app=queue-consumer"
            ),
            (
                StepKind::Shell,
                "kubectl -n ledger rollout restart statefulset/broker"
            ),
        ]
    );
    let edit = step(&rb, 3);
    assert_eq!(
        edit.expected.as_deref(),
        Some("...\nbrokerAddress: broker.ledger.svc:5672\n...")
    );
    assert!(edit
        .manual_why
        .as_deref()
        .unwrap()
        .contains("kubectl -n ledger edit"));
    // `### On the managed cloud` holds two steps: their context, not a title.
    assert!(
        edit.title.starts_with("When the pods run"),
        "{}",
        edit.title
    );
    assert!(edit
        .description
        .starts_with("On the managed cloud: When the pods run"));
    // The prose below the edit explains the edit, not the delete.
    assert!(
        edit.description.contains("reads the config map once"),
        "{}",
        edit.description
    );
    let delete = step(&rb, 4);
    assert!(delete
        .description
        .starts_with("On the managed cloud: Then delete the consumer pods"));
    assert!(
        !delete.description.contains("config map once"),
        "{}",
        delete.description
    );
    // `### Restart the broker` holds one step: it is that step's title.
    assert_eq!(step(&rb, 5).title, "Restart the broker");
    // A later heading with prose only is context, not the step's text.
    assert_eq!(
        step(&rb, 5).description,
        "If the broker itself is stuck, restart it:"
    );
    let mitigation = rb.context_text("Mitigation").unwrap();
    assert!(
        mitigation
            .starts_with("### Move the queue to a bigger broker\n\nWhen the broker keeps stalling"),
        "{mitigation}"
    );
}

#[test]
fn placeholders_make_a_step_manual_and_todo_blocks_and_links_stay_out() {
    let rb = runbook("ScratchVolumeFillingUp");
    let debug = step(&rb, 2);
    assert_eq!(debug.kind, StepKind::Manual);
    assert!(
        debug
            .manual_why
            .as_deref()
            .unwrap()
            .contains("<host label from alert>"),
        "{:?}",
        debug.manual_why
    );
    let titles: Vec<&str> = rb.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Look at the volume's free space over the last day",
            "Open a shell on the worker",
            "Remove old job directories",
            "Remove stale caches",
            "Leave the debug shell"
        ]
    );
    for s in &rb.steps[2..] {
        assert_eq!(s.kind, StepKind::Manual, "{}", s.title);
        assert!(!s.description.contains("TODO") && !s.description.contains("example.invalid"));
    }
    assert_eq!(
        step(&rb, 3).command.as_deref(),
        Some("# TODO: write the cleanup command")
    );
    // `exit` belongs to the shell the manual step opened, not to ours.
    assert!(step(&rb, 5).manual_why.is_some());
    let links = rb.context_text("Mitigation").unwrap();
    assert!(
        links.contains("[cleanup policy](https://example.invalid/cleanup)"),
        "{links}"
    );
}

#[test]
fn here_docs_and_continuations_stay_with_their_command() {
    let rb = runbook("SessionCarriesState");
    assert_eq!(
        step(&rb, 2).command.as_deref(),
        Some("cat > found.txt <<'END'\nfirst line\nEND\necho written \\\n  once")
    );
    assert_eq!(step(&rb, 2).expected.as_deref(), Some("written once"));
}

#[test]
fn a_variable_declared_in_vars_fills_a_placeholder() {
    let md = "---\nvars:\n  NAMESPACE: {label: namespace}\n---\n# X\n\n## Diagnosis\n\n```shell\n$ kubectl -n <namespace> get pods\n```\n";
    let rb = oncall::runbook::markdown::parse_markdown(std::path::Path::new("x.md"), md).unwrap();
    let s = &rb.steps[0];
    assert_eq!(s.kind, StepKind::Shell);
    // A reference to the variable, never its value: that comes by environment.
    assert_eq!(
        s.command.as_deref(),
        Some("kubectl -n \"${NAMESPACE}\" get pods")
    );
}

#[test]
fn an_alert_label_fills_a_placeholder_by_environment_never_by_text() {
    use oncall::runbook::stepper::Stepper;
    use oncall::runbook::vars::command_env;
    let md = "# X\n\n## Diagnosis\n\nList the pods:\n\n```shell\n$ kubectl -n <my-namespace> get pod '<value of pod label from alert>'\n```\n";
    let rb = oncall::runbook::markdown::parse_markdown(std::path::Path::new("x.md"), md).unwrap();
    assert_eq!(rb.steps[0].kind, StepKind::Manual);
    assert_eq!(
        rb.steps[0].placeholders,
        ["my-namespace", "value of pod label from alert"]
    );
    // Without the labels the step stays manual, naming what to fill in.
    let bare = Stepper::new(
        rb.clone(),
        "fp",
        "X",
        &common::fixtures::labels(&[("alertname", "X")]),
    );
    assert_eq!(bare.runbook.steps[0].kind, StepKind::Manual);
    let labels = common::fixtures::labels(&[
        ("alertname", "X"),
        ("namespace", "ledger; rm -rf ~"),
        ("pod", "ledger-0"),
    ]);
    let s = Stepper::new(rb, "fp", "X", &labels);
    let step = &s.runbook.steps[0];
    assert_eq!(step.kind, StepKind::Shell);
    let command = step.command.as_deref().unwrap();
    assert_eq!(command, "kubectl -n \"${NAMESPACE}\" get pod \"${POD}\"");
    assert!(step
        .description
        .contains("<my-namespace> from the alert's namespace label"));
    // The value is checked where it enters the environment: this one may not.
    let e = command_env(&s.runbook, &s.labels, &s.captured, command).unwrap_err();
    assert!(e.to_string().contains("namespace"), "{e}");
}

#[test]
fn blocks_written_for_a_shell_another_step_opens_are_not_run_here() {
    let rb = runbook("LedgerStoreCompactionStuck");
    let kinds = commands(&rb);
    assert_eq!(
        kinds,
        [
            (
                StepKind::Manual,
                "kubectl -n ledger exec -it ledger-0 -- sh"
            ),
            (StepKind::Manual, "ledgerctl compaction status"),
            // A new heading: back on the operator's own machine.
            (StepKind::Shell, "kubectl -n ledger get pvc"),
        ]
    );
    let why = step(&rb, 2).manual_why.as_deref().unwrap();
    assert!(why.contains("inside the shell step 1 opens"), "{why}");
}

#[test]
fn kube_state_metrics_labels_fill_pvc_placeholders() {
    use oncall::runbook::stepper::Stepper;
    let md = "# X\n\n## Diagnosis\n\n```shell\n$ kubectl -n <my-namespace> get pvc <my-pvc>\n```\n";
    let rb = oncall::runbook::markdown::parse_markdown(std::path::Path::new("x.md"), md).unwrap();
    let labels = common::fixtures::labels(&[
        ("alertname", "X"),
        ("namespace", "ledger"),
        ("persistentvolumeclaim", "data-ledger-0"),
    ]);
    let s = Stepper::new(rb, "fp", "X", &labels);
    assert_eq!(
        s.runbook.steps[0].command.as_deref(),
        Some("kubectl -n \"${NAMESPACE}\" get pvc \"${PERSISTENTVOLUMECLAIM}\"")
    );
    assert_eq!(s.runbook.steps[0].kind, StepKind::Shell);
}
