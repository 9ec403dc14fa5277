//! Pure tests of the runbook stepper in `update()`: what `b`, Enter, the
//! marks and the branch choice do, what the confirmation shows, what runs
//! (the exact request), what reaches the journal, and resuming from it.
//! The executor's events are fed in by hand; tests/runbook_exec.rs runs
//! real processes.

use crate::common;

use std::time::Duration;

use common::stepper::*;
use oncall::core::runbook::StepMsg;
use oncall::core::{update, Action, Effect, Msg, Pane, StatusLevel};
use oncall::model::runbook::{StepKind, StepRole};
use oncall::model::EventKind;
use oncall::runbook::exec::ExecOutcome;
use oncall::runbook::stepper::StepStatus;

#[test]
fn a_step_runs_what_was_shown_and_its_result_and_branch_reach_the_timeline() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, req) = start_first_step(&mut s, &mut disk);
    assert_eq!(req.command, MEASURE);
    assert!(
        req.env.contains(&("INSTANCE".into(), "gpu-node-07".into())),
        "{:?}",
        req.env
    );
    assert!(req
        .env
        .contains(&("ONCALL_LABEL_INSTANCE".into(), "gpu-node-07".into())));
    assert_eq!(
        s.rb.stepper.as_ref().unwrap().status(0),
        StepStatus::Running
    );

    finish(&mut s, &mut disk, run, &["used=97"], 0);
    let st = s.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Done);
    assert_eq!(st.captured.get("USED").map(String::as_str), Some("97"));
    assert_eq!(st.current, Some(2), "USED > 95 leads to restart");
    assert_eq!(s.rb.cursor, 2);

    let events = disk.events(&disk.incidents[0].0).to_vec();
    let steps: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::RunbookStep)
        .collect();
    assert_eq!(steps.len(), 2, "a start and a result: {steps:?}");
    assert_eq!(steps[0].data.step_status.as_deref(), Some("running"));
    let result = &steps[1].data;
    assert_eq!(result.exit_code, Some(0));
    assert_eq!(result.duration_ms, Some(1200));
    assert_eq!(result.command.as_deref(), Some(MEASURE));
    assert_eq!(result.goto.as_deref(), Some("restart"));
    assert!(
        result.branch.as_deref().unwrap().contains("USED > 95"),
        "{result:?}"
    );
    assert_eq!(result.output.as_deref(), Some("used=97"));
    assert!(steps[1].text.contains("exit 0"), "{}", steps[1].text);
}

#[test]
fn a_labelled_choice_is_offered_and_the_pick_is_journaled() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["used=60"], 0);
    let choice =
        s.rb.stepper
            .as_ref()
            .unwrap()
            .choice
            .clone()
            .expect("60 is not > 95: the engineer picks");
    assert_eq!(choice.len(), 2);
    assert!(status(&s).contains("1-2"), "{}", status(&s));
    let fx = update(&mut s, Msg::Choose(1));
    disk.run(&mut s, fx);
    assert_eq!(
        s.rb.stepper.as_ref().unwrap().current,
        Some(1),
        "memory grows → trend"
    );
    let last = disk.events(&disk.incidents[0].0).last().unwrap().clone();
    assert_eq!(last.data.goto.as_deref(), Some("trend"));
    assert!(last
        .data
        .branch
        .as_deref()
        .unwrap()
        .contains("memory grows"));
}

#[test]
fn a_failed_step_stays_and_marks_move_on() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["error: pod not found"], 1);
    let st = s.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Failed);
    assert_eq!(
        st.current,
        Some(0),
        "a failure stays to be retried or skipped"
    );
    assert!(status(&s).contains("exit 1"), "{}", status(&s));
    act(&mut s, &mut disk, Action::StepSkip);
    assert_eq!(
        s.rb.stepper.as_ref().unwrap().status(0),
        StepStatus::Skipped
    );
    // Skipped, it still leads where the runbook says: here, a choice.
    assert!(s.rb.stepper.as_ref().unwrap().choice.is_some());
    let fx = update(&mut s, Msg::Choose(1));
    disk.run(&mut s, fx);
    assert_eq!(s.rb.cursor, 1);
    // The manual step: Enter explains, d marks it done.
    act(&mut s, &mut disk, Action::Open);
    assert!(status(&s).contains("manual"), "{}", status(&s));
    act(&mut s, &mut disk, Action::StepDone);
    assert_eq!(s.rb.stepper.as_ref().unwrap().status(1), StepStatus::Done);
    let marks: Vec<String> = disk
        .events(&disk.incidents[0].0)
        .iter()
        .filter_map(|e| e.data.step_status.clone())
        .collect();
    assert_eq!(marks, ["running", "failed", "skipped", "skipped", "done"]);
}

#[test]
fn mitigation_always_asks_and_diagnosis_may_not() {
    let (mut s, mut disk) = console("gpu-node-07");
    s.rb.settings.confirm_diagnosis = false;
    act(&mut s, &mut disk, Action::Runbook);
    act(&mut s, &mut disk, Action::Open);
    let fx = answer(&mut s, &mut disk, true); // declare
    let (run, _) = run_request(&fx);
    assert!(
        s.confirm.is_none(),
        "diagnosis ran without a second question"
    );
    finish(&mut s, &mut disk, run, &["used=99"], 0);
    assert_eq!(s.rb.cursor, 2);
    let fx = act(&mut s, &mut disk, Action::Open);
    assert!(!fx.iter().any(|e| matches!(e, Effect::RunStep { .. })));
    let c = s.confirm.clone().expect("a mitigation step asks");
    assert!(c.lines.join("\n").contains("mitigation"), "{c:?}");
}

#[test]
fn read_only_runs_nothing_but_shows_the_runbook() {
    let (mut s, mut disk) = console("gpu-node-07");
    s.read_only = true;
    act(&mut s, &mut disk, Action::Runbook);
    assert_eq!(s.pane, Pane::Runbook, "reading a runbook is fine");
    let fx = act(&mut s, &mut disk, Action::Open);
    assert!(fx.is_empty() && s.confirm.is_none());
    assert!(status(&s).contains("read-only"), "{}", status(&s));
    act(&mut s, &mut disk, Action::StepDone);
    assert!(disk.incidents.is_empty());
}

#[test]
fn a_label_value_that_may_not_reach_a_command_stops_the_step_naming_the_label() {
    let (mut s, mut disk) = console("gpu-07;$(touch /tmp/pwned)");
    act(&mut s, &mut disk, Action::Runbook);
    let fx = act(&mut s, &mut disk, Action::Open);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        s.confirm.is_none(),
        "no question for a step that cannot run"
    );
    assert!(disk.incidents.is_empty(), "no incident declared for it");
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Error);
    assert!(text.contains("instance"), "names the label: {text}");
}

#[test]
fn the_stepper_resumes_from_the_timeline_after_a_restart() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["used=97"], 0);
    // A new console on the same journal.
    let again = restarted(&disk, "gpu-node-07");
    let st = again.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Done);
    assert_eq!(st.current, Some(2));
    assert_eq!(st.captured.get("USED").map(String::as_str), Some("97"));
    assert_eq!(st.runs[0].output, ["used=97"]);
    assert_eq!(
        again.rb.incident.as_deref(),
        Some(disk.incidents[0].0.as_str())
    );
    assert!(status(&again).contains("resumed"), "{}", status(&again));
}

#[test]
fn a_step_running_when_oncall_stopped_is_shown_interrupted() {
    let (mut s, mut disk) = console("gpu-node-07");
    start_first_step(&mut s, &mut disk);
    let again = restarted(&disk, "gpu-node-07");
    let st = again.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Failed);
    assert!(st.runs[0]
        .summary
        .as_deref()
        .unwrap()
        .contains("interrupted"));
    assert!(again.rb.running.is_none());
}

#[test]
fn ctrl_c_stops_the_running_step_and_its_end_is_reported() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    let fx = update(&mut s, Msg::Action(Action::StopStep));
    assert_eq!(fx, vec![Effect::KillStep { run }]);
    let outcome = ExecOutcome {
        exit_code: None,
        signal: Some(15),
        timed_out: false,
        killed: true,
        duration: Duration::from_secs(3),
        error: None,
        session_lost: false,
    };
    let fx = update(
        &mut s,
        Msg::Step(StepMsg::Done {
            run,
            outcome,
            at: t0(),
        }),
    );
    disk.run(&mut s, fx);
    assert_eq!(s.rb.stepper.as_ref().unwrap().status(0), StepStatus::Failed);
    assert!(status(&s).contains("stopped by you"), "{}", status(&s));
    assert!(s.rb.running.is_none());
}

#[test]
fn answering_no_runs_unrecorded_and_esc_runs_nothing() {
    let (mut s, mut disk) = console("gpu-node-07");
    act(&mut s, &mut disk, Action::Runbook);
    act(&mut s, &mut disk, Action::Open);
    update(&mut s, Msg::Dismiss);
    assert!(s.confirm.is_none() && disk.incidents.is_empty());
    act(&mut s, &mut disk, Action::Open);
    answer(&mut s, &mut disk, false);
    let c = s.confirm.clone().expect("the run question still comes");
    assert!(c.lines.join("\n").contains("not recorded"), "{c:?}");
    let fx = answer(&mut s, &mut disk, true);
    run_request(&fx);
    assert!(disk.incidents.is_empty(), "nothing was declared");
}

#[test]
fn an_alert_without_a_runbook_says_so_and_y_copies_its_runbook_url() {
    let (mut s, mut disk) = console("gpu-node-07");
    s.rb.loaded.clear();
    act(&mut s, &mut disk, Action::Runbook);
    assert_eq!(s.pane, Pane::Runbook);
    let m = s.rb.missing.clone().expect("says there is none");
    assert_eq!(m.alertname, "GPUMemoryNearlyFull");
    let fx = act(&mut s, &mut disk, Action::CopyLink);
    assert_eq!(
        fx,
        vec![Effect::Copy(
            "https://runbooks.example/ml/gpumemorynearlyfull".into()
        )]
    );
}

#[test]
fn a_promql_step_runs_at_once_with_its_variables_filled_in() {
    let (mut s, mut disk) = console("gpu-node-07");
    let mut q = step(
        "query",
        StepRole::Diagnosis,
        Some(r#"DCGM_FI_DEV_FB_USED{instance="$INSTANCE"}"#),
    );
    q.kind = StepKind::Query;
    s.rb.loaded[0].steps.insert(0, q);
    act(&mut s, &mut disk, Action::Runbook);
    act(&mut s, &mut disk, Action::Open);
    let fx = answer(&mut s, &mut disk, false); // unrecorded
    let query = fx.iter().find_map(|e| match e {
        Effect::RunQuery { query, .. } => Some(query.clone()),
        _ => None,
    });
    assert_eq!(
        query.as_deref(),
        Some(r#"DCGM_FI_DEV_FB_USED{instance="gpu-node-07"}"#),
        "{fx:?}"
    );
    assert!(s.confirm.is_none(), "a query asks nothing");
}
