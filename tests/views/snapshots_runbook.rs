//! Snapshots of the runbook stepper pane (80x24, 200x50, 30x8), the run
//! question, and an alert with no runbook; hostile command output must not
//! reach the screen as control characters.

use crate::common;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use common::screen::screen;
use oncall::core::incidents::JournalReply;
use oncall::core::runbook::StepMsg;
use oncall::core::{update, Action, Msg, State};
use oncall::model::{Alert, AlertState};
use oncall::runbook::exec::ExecOutcome;
use oncall::runbook::load_dirs;
use oncall::source::Snapshot;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn console(with_runbooks: bool) -> State {
    let mut st = common::fixtures::one_source("am-eu-1", now());
    if with_runbooks {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
        st.rb.loaded = load_dirs(&[dir]).runbooks;
    }
    let labels = common::fixtures::labels(&[
        ("alertname", "ModelLatencySLOBreach"),
        ("severity", "critical"),
        ("namespace", "ml-serving"),
        ("service", "fraud-scoring"),
    ]);
    let mut a = Alert::new(
        labels,
        AlertState::Firing,
        now() - chrono::Duration::minutes(25),
    );
    a.annotations
        .insert("summary".into(), "fraud-scoring p99 latency 870ms".into());
    a.annotations.insert(
        "runbook_url".into(),
        "https://runbooks.example.com/ml/ModelLatencySLOBreach".into(),
    );
    a.sources = ["am-eu-1".into()].into_iter().collect();
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: now(),
            result: Ok(Snapshot {
                alerts: vec![a].into(),
                ..Snapshot::default()
            }),
        },
    );
    update(
        &mut st,
        Msg::Journal(JournalReply::Read {
            batches: vec![],
            problems: vec![],
        }),
    );
    update(&mut st, Msg::Action(Action::Runbook));
    st
}

/// Answers the open question, feeding the stepper's own follow-ups back.
fn answer(st: &mut State, yes: bool) {
    for e in update(st, Msg::Confirm(yes)) {
        if let oncall::core::Effect::Step(m) = e {
            update(st, Msg::Step(m));
        }
    }
}

/// The first step ran (unrecorded), printed hostile bytes, and the
/// stepper offers the labelled choice.
fn stepped() -> State {
    let mut st = asking();
    answer(&mut st, true);
    let run = st.rb.running.expect("the step runs").0;
    for line in [
        "feature_fetch  p99    48 ms   budget   60 ms",
        "inference      p99   150 ms   budget  180 ms\x1b[2J\x1b]52;c;ZXZpbA==\x07",
        "postprocess    p99    22 ms   budget   40 ms \u{202e}gnp.exe",
        "slowest_stage=none",
    ] {
        let lines = vec![line.to_string()];
        update(&mut st, Msg::Step(StepMsg::Output { run, lines }));
    }
    let outcome = ExecOutcome {
        exit_code: Some(0),
        signal: None,
        timed_out: false,
        killed: false,
        duration: Duration::from_millis(1840),
        error: None,
        session_lost: false,
    };
    update(
        &mut st,
        Msg::Step(StepMsg::Done {
            run,
            outcome,
            at: now(),
        }),
    );
    st
}

/// Enter, then `n` (run without recording): the run question is open.
fn asking() -> State {
    let mut st = console(true);
    update(&mut st, Msg::Action(Action::Open));
    answer(&mut st, false);
    st
}

macro_rules! snap {
    ($name:ident, $state:expr, $w:expr, $h:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(screen(&$state, $w, $h));
        }
    };
}

snap!(runbook_80x24, console(true), 80, 24);
snap!(runbook_200x50, console(true), 200, 50);
snap!(runbook_30x8, console(true), 30, 8);
snap!(runbook_stepped_80x24, stepped(), 80, 24);
snap!(runbook_stepped_200x50, stepped(), 200, 50);
snap!(runbook_run_question_80x24, asking(), 80, 24);
snap!(runbook_missing_80x24, console(false), 80, 24);
snap!(runbook_run_question_scrolled_80x24, scrolled(), 80, 24);

/// The run question scrolled to its end with j: the last lines show.
fn scrolled() -> State {
    let mut st = asking();
    for _ in 0..60 {
        update(&mut st, Msg::ConfirmScroll(1));
    }
    st
}

#[test]
fn no_control_characters_from_step_output_reach_the_buffer() {
    for st in [
        console(true),
        console(false),
        stepped(),
        asking(),
        scrolled(),
    ] {
        common::screen::sweep(&st);
    }
    let text = screen(&stepped(), 200, 50);
    assert!(text.contains("slowest_stage=none"), "{text}");
    assert!(text.contains("exit 0 after 1.8s"), "{text}");
}
