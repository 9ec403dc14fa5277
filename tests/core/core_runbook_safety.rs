//! What keeps a runbook run safe in the console: quitting asks while a step
//! runs, the demo runs nothing, a declared variable with no value stops the
//! step, and steps learn the configured Prometheus.

use crate::common;

use std::collections::BTreeMap;

use common::stepper::*;
use oncall::core::{update, Action, Effect, Msg};
use oncall::model::runbook::VarSpec;
use oncall::runbook::vars::command_env;

#[test]
fn quitting_while_a_step_runs_asks_first() {
    let (mut s, mut disk) = console("gpu-node-07");
    start_first_step(&mut s, &mut disk);
    let fx = update(&mut s, Msg::Action(Action::Quit));
    assert!(fx.is_empty() && !s.quit, "{fx:?}");
    let c = s.confirm.clone().expect("a question");
    assert!(c.title.contains("still running"), "{c:?}");
    assert_eq!(c.yes, vec![Effect::Quit]);
}

#[test]
fn the_demo_shows_a_step_and_runs_none_of_it() {
    let (mut s, mut disk) = console("gpu-node-07");
    s.demo = true;
    let (run, req) = start_first_step(&mut s, &mut disk);
    assert!(
        req.command.starts_with("printf 'demo: nothing ran"),
        "{}",
        req.command
    );
    let shown = req.env.iter().find(|(k, _)| k == "ONCALL_STEP_COMMAND");
    assert_eq!(
        shown.map(|(_, v)| v.as_str()),
        Some(MEASURE),
        "it prints the real command"
    );
    // What the stand-in prints is the command's text: no branch is read from it.
    finish(&mut s, &mut disk, run, &["demo: nothing ran", "used=97"], 0);
    let st = s.rb.stepper.as_ref().unwrap();
    assert!(st.captured.is_empty(), "{:?}", st.captured);
    assert!(st.choice.is_some(), "the engineer picks the way on");
}

#[test]
fn a_declared_variable_without_a_value_stops_the_step_that_needs_it() {
    let mut rb = runbook();
    rb.vars.insert(
        "POD".into(),
        VarSpec {
            label: Some("pod".into()),
            default: None,
            pattern: None,
        },
    );
    let labels = alert("gpu-node-07").labels.clone();
    let err = command_env(&rb, &labels, &BTreeMap::new(), "kubectl logs \"$POD\"").unwrap_err();
    assert_eq!(err.label, "pod");
    assert!(err.to_string().contains("missing"), "{err}");
    // Not named by the command: no reason to stop it.
    assert!(command_env(&rb, &labels, &BTreeMap::new(), "kubectl get pods").is_ok());
}

#[test]
fn steps_learn_the_configured_prometheus() {
    let specs = [
        common::fixtures::am_spec("am"),
        common::spec(
            "prom",
            oncall::source::SourceKind::Prometheus,
            "http://127.0.0.1:9090",
            None,
        ),
    ];
    let mut s = oncall::core::State::new(&specs, t0(), std::time::Duration::from_secs(15));
    s.rb.loaded = vec![runbook()];
    common::fixtures::poll_alerts(&mut s, vec![alert("gpu-node-07")]);
    let mut disk = common::disk::Disk::default();
    let fx = update(
        &mut s,
        Msg::Journal(oncall::core::incidents::JournalReply::Read {
            batches: vec![],
            problems: vec![],
        }),
    );
    disk.run(&mut s, fx);
    let (_, req) = start_first_step(&mut s, &mut disk);
    assert!(
        req.env.contains(&(
            "ONCALL_PROMETHEUS_URL".into(),
            "http://127.0.0.1:9090".into()
        )),
        "{:?}",
        req.env
    );
}
