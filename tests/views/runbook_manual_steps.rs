//! The stepper on a Markdown runbook of our corpus: a step left to do by
//! hand shows its command without a prompt and says why, and the step's
//! expected output (the lines the runbook shows under it) is there.

use crate::common;

use std::path::Path;

use chrono::{TimeZone, Utc};
use common::screen::screen;
use oncall::core::incidents::JournalReply;
use oncall::core::{update, Action, Msg, State};
use oncall::model::{Alert, AlertState};
use oncall::runbook::load_dirs;
use oncall::source::Snapshot;

fn stepper_on(alertname: &str) -> State {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
    let mut st = common::fixtures::one_source("am-eu-1", now);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/runbook_corpus");
    st.rb.loaded = load_dirs(&[corpus]).runbooks;
    let labels = common::fixtures::labels(&[("alertname", alertname), ("namespace", "ledger")]);
    let mut a = Alert::new(
        labels,
        AlertState::Firing,
        now - chrono::Duration::minutes(5),
    );
    a.sources = ["am-eu-1".into()].into_iter().collect();
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: now,
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

#[test]
fn a_step_to_do_by_hand_shows_its_command_and_why() {
    let mut st = stepper_on("QueueConsumerStalled");
    for _ in 0..2 {
        update(&mut st, Msg::Action(Action::Down));
    }
    let text = screen(&st, 120, 40);
    assert!(text.contains("Step 3/5"), "{text}");
    assert!(
        text.contains("│ kubectl -n ledger edit configmap queue-consumer"),
        "{text}"
    );
    assert!(!text.contains("$ kubectl -n ledger edit"), "{text}");
    assert!(
        text.contains("(manual: `kubectl -n ledger edit` needs a terminal of its own"),
        "{text}"
    );
    assert!(text.contains("Expected: ..."), "{text}");
    // Enter on it runs nothing and says what to do instead.
    let fx = update(&mut st, Msg::Action(Action::Open));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(st
        .status
        .as_ref()
        .is_some_and(|(_, t, _)| t.contains("manual step")));
}
