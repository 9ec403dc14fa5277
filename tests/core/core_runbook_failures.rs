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
