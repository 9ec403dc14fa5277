//! A failed step keeps its way forward: its labelled branches stay
//! choosable (`1` works at once, not after `d`), and its "If not" advice
//! stays on screen next to the output.

use crate::common;

use common::stepper::*;
use oncall::core::{update, Msg};
use oncall::runbook::stepper::StepStatus;

#[test]
fn a_failed_step_keeps_its_labelled_branches_choosable() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["error: no GPU found"], 1);
    let st = s.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Failed);
    let labels: Vec<&str> = st
        .choice
        .as_ref()
        .expect("the branches are still offered")
        .iter()
        .map(|(l, _)| l.as_str())
        .collect();
    // The `when` branch is not offered: a failed run's output decides nothing.
    assert_eq!(labels, ["memory is flat", "memory grows"]);
    let fx = update(&mut s, Msg::Choose(1));
    disk.run(&mut s, fx);
    let st = s.rb.stepper.as_ref().unwrap();
    assert_eq!(st.current, Some(1), "memory grows → trend");
    assert_eq!(
        st.status(0),
        StepStatus::Failed,
        "choosing does not rewrite the result"
    );
    let last = disk.events(&disk.incidents[0].0).last().unwrap().clone();
    assert_eq!(last.data.goto.as_deref(), Some("trend"));
    assert_eq!(last.data.step_status.as_deref(), Some("failed"));
}

#[test]
fn a_failed_steps_advice_stays_next_to_its_output() {
    let (mut s, mut disk) = console("gpu-node-07");
    let measure = &mut s.rb.loaded[0].steps[0];
    measure.description = "Read how much GPU memory the serving process holds. ".repeat(8);
    measure.troubleshooting = Some("Check the driver with nvidia-smi first.".into());
    let (run, _) = start_first_step(&mut s, &mut disk);
    let output: Vec<String> = (1..=30).map(|n| format!("probe line {n}")).collect();
    let lines: Vec<&str> = output.iter().map(String::as_str).collect();
    finish(&mut s, &mut disk, run, &lines, 1);
    let screen = common::screen::screen(&s, 80, 24);
    assert!(
        screen.contains("If not: Check the driver with nvidia-smi first."),
        "{screen}"
    );
    assert!(screen.contains("probe line 30"), "{screen}");
    assert!(screen.contains("1  memory is flat"), "{screen}");
}

fn type_line(s: &mut oncall::core::State, text: &str) -> Vec<oncall::core::Effect> {
    use oncall::core::update::InputEdit;
    for c in text.chars() {
        update(s, Msg::Input(InputEdit::Char(c)));
    }
    update(s, Msg::Input(InputEdit::Submit))
}

fn select(s: &mut oncall::core::State, disk: &mut common::disk::Disk, instance: &str) {
    use oncall::core::Action;
    for a in [Action::Up, Action::Up, Action::Down, Action::Down] {
        if s.selected_alert().and_then(|x| x.labels.get("instance")) == Some(instance) {
            return;
        }
        act(s, disk, a);
    }
    assert_eq!(
        s.selected_alert().and_then(|x| x.labels.get("instance")),
        Some(instance)
    );
}

/// Two alerts: gpu-b's run declared an incident; then gpu-a's runbook is
/// opened, its run not yet recorded. Returns gpu-b's incident id.
fn second_alert_unrecorded() -> (oncall::core::State, common::disk::Disk, String) {
    use oncall::core::{Action, Pane};
    let (mut s, mut disk) = console("gpu-b");
    // Another alertname, so each alert is a row of its own; the same runbook_url.
    let a = common::build::alert(&[
        ("alertname", "GPUMemoryNearlyFullOnA"),
        ("severity", "warning"),
        ("instance", "gpu-a"),
    ])
    .started(t0() - chrono::Duration::minutes(3))
    .annotation(
        "runbook_url",
        "https://runbooks.example/ml/gpumemorynearlyfull",
    )
    .source("am")
    .build();
    common::fixtures::poll_alerts(&mut s, vec![a, alert("gpu-b")]);
    select(&mut s, &mut disk, "gpu-b");
    act(&mut s, &mut disk, Action::Runbook);
    act(&mut s, &mut disk, Action::Open);
    answer(&mut s, &mut disk, true);
    assert_eq!(disk.incidents.len(), 1, "gpu-b's incident was declared");
    update(&mut s, Msg::Dismiss);
    let inc_b = disk.incidents[0].0.clone();
    act(&mut s, &mut disk, Action::Back);
    assert_eq!(s.pane, Pane::Alerts);
    select(&mut s, &mut disk, "gpu-a");
    act(&mut s, &mut disk, Action::Runbook);
    assert_eq!(
        s.rb.stepper.as_ref().unwrap().labels.get("instance"),
        Some("gpu-a")
    );
    (s, disk, inc_b)
}

#[test]
fn a_note_in_an_unrecorded_run_asks_which_incident_and_never_lands_elsewhere() {
    use oncall::core::{Action, Msg};
    use oncall::model::EventKind;
    let (mut s, mut disk, inc_b) = second_alert_unrecorded();
    let notes = |disk: &common::disk::Disk| {
        disk.events(&inc_b)
            .iter()
            .filter(|e| e.kind == EventKind::Note)
            .map(|e| e.text.clone())
            .collect::<Vec<_>>()
    };
    act(&mut s, &mut disk, Action::Note);
    let fx = type_line(&mut s, "fans at full speed on gpu-a");
    disk.run(&mut s, fx);
    assert!(
        notes(&disk).is_empty(),
        "the note went into gpu-b's incident"
    );
    let ask = s
        .confirm
        .clone()
        .expect("asks which incident takes the note");
    assert!(
        ask.lines
            .iter()
            .any(|l| l.starts_with("1  note it on ") && l.contains(&inc_b)),
        "{ask:?}"
    );
    // Esc: the note is kept nowhere.
    update(&mut s, Msg::Dismiss);
    assert!(notes(&disk).is_empty());
    // Asked again, 1 puts it where the engineer said.
    act(&mut s, &mut disk, Action::Note);
    let fx = type_line(&mut s, "fans at full speed on gpu-a");
    disk.run(&mut s, fx);
    let fx = update(&mut s, Msg::ConfirmPick(0));
    disk.run(&mut s, fx);
    assert_eq!(notes(&disk), ["fans at full speed on gpu-a"]);
}

#[test]
fn the_record_question_offers_open_incidents_and_a_pick_links_the_alert() {
    use oncall::core::{Action, Msg};
    use oncall::model::EventKind;
    let (mut s, mut disk, inc_b) = second_alert_unrecorded();
    act(&mut s, &mut disk, Action::Open);
    let ask = s.confirm.clone().expect("asks where to record");
    assert!(ask.title.contains("incident"), "{ask:?}");
    assert!(
        ask.lines
            .iter()
            .any(|l| l.starts_with("1  record on ") && l.contains(&inc_b)),
        "{ask:?}"
    );
    assert!(
        ask.lines.iter().any(|l| l.starts_with("y  declare")),
        "{ask:?}"
    );
    let fx = update(&mut s, Msg::ConfirmPick(0));
    let fx = feed(&mut s, &mut disk, fx);
    assert_eq!(s.rb.incident.as_deref(), Some(inc_b.as_str()));
    // No second incident; gpu-a is linked to gpu-b's, then its step asked.
    assert_eq!(disk.incidents.len(), 1);
    let linked: Vec<&str> = disk
        .events(&inc_b)
        .iter()
        .filter(|e| e.kind == EventKind::AlertLinked)
        .filter_map(|e| e.data.labels.as_ref()?.get("instance"))
        .collect();
    assert!(linked.contains(&"gpu-a"), "{linked:?}");
    assert!(
        s.confirm
            .as_ref()
            .is_some_and(|c| c.title.starts_with("Run step 1/3")),
        "{:?} {fx:?}",
        s.confirm
    );
}

#[test]
fn a_failed_steps_branches_are_offered_again_after_a_restart() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["error: no GPU found"], 1);
    let again = restarted(&disk, "gpu-node-07");
    let st = again.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Failed);
    assert_eq!(st.choice.as_ref().map(Vec::len), Some(2), "{:?}", st.choice);
}
