//! The stepper's record on the timeline, read back: choices after a skip,
//! runs of two alerts on one incident, reruns, read-only, and asking about
//! the incident once.

use crate::common;

use common::stepper::*;
use oncall::core::incidents::JournalReply;
use oncall::core::{update, Action, Msg};
use oncall::runbook::stepper::StepStatus;

#[test]
fn a_choice_offered_after_a_skip_is_offered_again_after_a_restart() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["boom"], 1);
    act(&mut s, &mut disk, Action::StepSkip);
    assert!(s.rb.stepper.as_ref().unwrap().choice.is_some());
    let again = restarted(&disk, "gpu-node-07");
    let st = again.rb.stepper.as_ref().unwrap();
    assert_eq!(st.status(0), StepStatus::Skipped);
    assert_eq!(
        st.choice.as_ref().map(Vec::len),
        Some(2),
        "the choice is back"
    );
    assert_eq!(
        st.runs[0].summary.as_deref(),
        Some("exit 1 after 1.2s"),
        "kept as it was said"
    );
}

#[test]
fn read_only_refuses_the_numbered_choice() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["used=40"], 0);
    let mut again = restarted(&disk, "gpu-node-07");
    again.read_only = true;
    let before = disk.incidents[0].1.len();
    let fx = update(&mut again, Msg::Choose(0));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        again.rb.stepper.as_ref().unwrap().choice.is_some(),
        "nothing chosen"
    );
    assert_eq!(disk.incidents[0].1.len(), before);
    assert!(status(&again).contains("read-only"), "{}", status(&again));
}

#[test]
fn two_alerts_on_one_incident_keep_their_runs_of_a_runbook_apart() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["used=97"], 0);
    // Another GPU's alert joins the same incident; its run starts fresh.
    let mut other = alert("gpu-node-09");
    other.fingerprint = "other-fp".into();
    let events = disk.incidents.clone();
    let (mut again, _) = console("gpu-node-07");
    common::fixtures::poll_alerts(&mut again, vec![alert("gpu-node-07"), other.clone()]);
    update(
        &mut again,
        Msg::Journal(JournalReply::Read {
            batches: events,
            problems: vec![],
        }),
    );
    let id = disk.incidents[0].0.clone();
    let mut link = oncall::model::Event::new(
        t0(),
        "alice",
        oncall::model::EventKind::AlertLinked,
        "linked",
    );
    link.id = "link-9".into();
    link.data.fingerprint = Some(other.fingerprint.to_string());
    link.data.labels = Some(other.labels.clone());
    update(
        &mut again,
        Msg::Journal(JournalReply::Read {
            batches: vec![(id.clone(), vec![link])],
            problems: vec![],
        }),
    );
    let row = again.rows.iter().position(|r| matches!(r, oncall::core::Row::Alert { index } if again.alerts[*index].fingerprint == "other-fp"));
    again.cursor = row.expect("the other alert is listed");
    update(&mut again, Msg::Action(Action::Runbook));
    let st = again.rb.stepper.as_ref().unwrap();
    assert_eq!(st.fingerprint, "other-fp");
    assert_eq!(again.rb.incident.as_deref(), Some(id.as_str()));
    assert_eq!(
        st.status(0),
        StepStatus::Pending,
        "gpu-node-07's run is not this one"
    );
    assert!(st.captured.is_empty(), "{:?}", st.captured);
}

#[test]
fn a_rerun_keeps_no_value_the_earlier_run_captured() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    finish(&mut s, &mut disk, run, &["used=97"], 0);
    act(&mut s, &mut disk, Action::Top);
    act(&mut s, &mut disk, Action::Open);
    let fx = answer(&mut s, &mut disk, true);
    let (run, _) = run_request(&fx);
    finish(&mut s, &mut disk, run, &["no numbers this time"], 0);
    let st = s.rb.stepper.as_ref().unwrap();
    assert_eq!(st.captured.get("USED"), None, "{:?}", st.captured);
    assert!(st.choice.is_some(), "without USED the engineer decides");
}

#[test]
fn running_unrecorded_is_asked_once() {
    let (mut s, mut disk) = console("gpu-node-07");
    act(&mut s, &mut disk, Action::Runbook);
    act(&mut s, &mut disk, Action::Open);
    answer(&mut s, &mut disk, false);
    let fx = answer(&mut s, &mut disk, true);
    let (run, _) = run_request(&fx);
    finish(&mut s, &mut disk, run, &["used=99"], 0);
    act(&mut s, &mut disk, Action::Open);
    let c = s.confirm.clone().expect("the run question");
    assert!(
        c.title.starts_with("Run step 3/3"),
        "no second incident question: {c:?}"
    );
    assert!(disk.incidents.is_empty());
}
