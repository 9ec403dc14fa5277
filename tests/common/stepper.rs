//! The runbook stepper driven through `update()` for the pure tests: a
//! runbook of three steps (measure → restart when USED > 95, or a choice),
//! a console with one alert, and the event loop's part played by hand.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use oncall::core::incidents::JournalReply;
use oncall::core::runbook::StepMsg;
use oncall::core::{update, Action, Effect, Msg, Pane, State};
use oncall::model::runbook::{
    Branch, BranchCond, Capture, Format, Runbook, Step, StepKind, StepRole,
};
use oncall::model::Alert;
use oncall::runbook::exec::{ExecOutcome, ExecRequest};

use super::disk::Disk;
use super::fixtures::{one_source, poll_alerts};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

pub fn alert(instance: &str) -> Alert {
    crate::common::build::alert(&[
        ("alertname", "GPUMemoryNearlyFull"),
        ("severity", "warning"),
        ("instance", instance),
    ])
    .started(t0() - chrono::Duration::minutes(5))
    .annotation(
        "runbook_url",
        "https://runbooks.example/ml/gpumemorynearlyfull",
    )
    .source("am")
    .build()
}

pub fn step(id: &str, role: StepRole, command: Option<&str>) -> Step {
    Step {
        id: id.into(),
        title: format!("the {id} step"),
        section: "Diagnosis".into(),
        role,
        kind: if command.is_some() {
            StepKind::Shell
        } else {
            StepKind::Manual
        },
        description: format!("what {id} is for"),
        command: command.map(str::to_string),
        expected: None,
        troubleshooting: None,
        manual_why: None,
        placeholders: vec![],
        confirm: None,
        timeout: None,
        capture: vec![],
        next: vec![],
        line: 1,
    }
}

pub const MEASURE: &str = "printf 'used=%s\\n' \"$INSTANCE\"";

/// measure (captures USED; > 95 → restart, else a labelled choice) · trend (manual) · restart (mitigation)
pub fn runbook() -> Runbook {
    let mut measure = step("measure", StepRole::Diagnosis, Some(MEASURE));
    measure.capture = vec![Capture {
        var: "USED".into(),
        regex: r"used=(\S+)".into(),
    }];
    measure.next = vec![
        Branch {
            cond: BranchCond::When("USED > 95".into()),
            goto: "restart".into(),
        },
        Branch {
            cond: BranchCond::Label("memory is flat".into()),
            goto: "end".into(),
        },
        Branch {
            cond: BranchCond::Label("memory grows".into()),
            goto: "trend".into(),
        },
    ];
    Runbook {
        id: "gpumemorynearlyfull".into(),
        title: "GPU memory nearly full".into(),
        path: PathBuf::from("runbooks/gpumemorynearlyfull.yaml"),
        format: Format::Yaml,
        alerts: vec![],
        vars: BTreeMap::new(),
        context: vec![("Meaning".into(), "GPU memory is above 90%.".into())],
        steps: vec![
            measure,
            step("trend", StepRole::Diagnosis, None),
            step(
                "restart",
                StepRole::Mitigation,
                Some("echo restarting \"$INSTANCE\""),
            ),
        ],
    }
}

pub fn console(instance: &str) -> (State, Disk) {
    let mut s = one_source("am", t0());
    s.rb.loaded = vec![runbook()];
    poll_alerts(&mut s, vec![alert(instance)]);
    let mut disk = Disk::default();
    let fx = update(
        &mut s,
        Msg::Journal(JournalReply::Read {
            batches: vec![],
            problems: vec![],
        }),
    );
    disk.run(&mut s, fx);
    (s, disk)
}

pub fn act(s: &mut State, disk: &mut Disk, a: Action) -> Vec<Effect> {
    let fx = update(s, Msg::Action(a));
    disk.run(s, fx)
}

pub fn answer(s: &mut State, disk: &mut Disk, yes: bool) -> Vec<Effect> {
    let fx = update(s, Msg::Confirm(yes));
    feed(s, disk, fx)
}

/// Runs journal effects and feeds `Effect::Step` back, as the event loop does.
pub fn feed(s: &mut State, disk: &mut Disk, fx: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in disk.run(s, fx) {
        match e {
            Effect::Step(m) => {
                let more = update(s, Msg::Step(m));
                out.extend(feed(s, disk, more));
            }
            other => out.push(other),
        }
    }
    out
}

pub fn run_request(fx: &[Effect]) -> (u64, ExecRequest) {
    fx.iter()
        .find_map(|e| match e {
            Effect::RunStep { run, request } => Some((*run, request.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no RunStep in {fx:?}"))
}

pub fn finish(s: &mut State, disk: &mut Disk, run: u64, lines: &[&str], code: i32) -> Vec<Effect> {
    let lines = lines.iter().map(|l| l.to_string()).collect();
    update(s, Msg::Step(StepMsg::Output { run, lines }));
    let outcome = ExecOutcome {
        exit_code: Some(code),
        signal: None,
        timed_out: false,
        killed: false,
        duration: Duration::from_millis(1200),
        error: None,
        session_lost: false,
    };
    let fx = update(
        s,
        Msg::Step(StepMsg::Done {
            run,
            outcome,
            at: t0(),
        }),
    );
    feed(s, disk, fx)
}

pub fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|(_, t, _)| t.clone())
        .unwrap_or_default()
}

/// b, Enter, y (declare), y (run): the request that goes out.
pub fn start_first_step(s: &mut State, disk: &mut Disk) -> (u64, ExecRequest) {
    act(s, disk, Action::Runbook);
    assert_eq!(s.pane, Pane::Runbook);
    act(s, disk, Action::Open);
    let ask = s
        .confirm
        .clone()
        .expect("asks to declare an incident first");
    assert!(ask.title.contains("incident"), "{ask:?}");
    answer(s, disk, true);
    assert_eq!(disk.incidents.len(), 1, "the incident was declared");
    let dialog = s.confirm.clone().expect("then shows what will run");
    let text = dialog.lines.join("\n");
    assert!(dialog.title.contains("1/3"), "{}", dialog.title);
    assert!(text.contains(MEASURE), "the exact command is shown: {text}");
    assert!(
        text.contains("INSTANCE=gpu-node-07"),
        "its variables are shown: {text}"
    );
    let fx = answer(s, disk, true);
    run_request(&fx)
}

/// A second console reading the same journal, its stepper opened on the
/// alert (replaying the record must run nothing).
pub fn restarted(disk: &Disk, instance: &str) -> State {
    let (mut again, _) = console(instance);
    let batches = disk.incidents.clone();
    let fx = update(
        &mut again,
        Msg::Journal(JournalReply::Read {
            batches,
            problems: vec![],
        }),
    );
    // Replaying a run's record runs nothing.
    assert!(fx.iter().all(|e| !matches!(e, Effect::RunStep { .. })));
    update(&mut again, Msg::Action(Action::Runbook));
    again
}
