//! Resolving an incident whose linked alerts still fire says so and asks;
//! with none firing it resolves at once.

use crate::core_incidents::{alert, bobs_ack, declare_first, loaded, poll, type_line};

use oncall::core::journal_ops::JournalOp;
use oncall::core::{update, Action, Effect, Msg, Pane};
use oncall::model::Status;

#[test]
fn resolving_while_linked_alerts_fire_asks_first() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    s.pane = Pane::Timeline;
    update(&mut s, Msg::Action(Action::Resolve));
    let fx = type_line(&mut s, "rolled back model v42");
    assert!(
        fx.is_empty(),
        "nothing is written before the answer: {fx:?}"
    );
    let q = s.confirm.clone().expect("a question");
    assert!(q.title.contains("still fire"), "{}", q.title);
    assert!(
        q.lines[0].contains("1 linked alert still fires: ModelServerDown"),
        "{:?}",
        q.lines
    );
    // Esc: not resolved.
    update(&mut s, Msg::Dismiss);
    assert_eq!(s.incident(&id).unwrap().status, Status::Open);
    // y: resolved anyway.
    update(&mut s, Msg::Action(Action::Resolve));
    type_line(&mut s, "rolled back model v42");
    let fx = update(&mut s, Msg::Confirm(true));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Journal(JournalOp::Postmortem { .. }))));
    disk.run(&mut s, fx);
    assert_eq!(s.incident(&id).unwrap().status, Status::Resolved);
}

#[test]
fn with_acks_the_one_question_names_the_firing_alerts_too() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    declare_first(&mut s, &mut disk);
    let fx = poll(&mut s, vec![a.clone()], vec![bobs_ack(&a)]);
    disk.run(&mut s, fx);
    s.pane = Pane::Timeline;
    update(&mut s, Msg::Action(Action::Resolve));
    type_line(&mut s, "fixed");
    let q = s.confirm.clone().expect("a question");
    assert!(q.title.contains("expire its 1 ack"), "{}", q.title);
    assert!(q.lines[0].contains("still fires"), "{:?}", q.lines);
}

#[test]
fn with_nothing_firing_it_resolves_at_once() {
    let a = alert("ModelServerDown", "gpu-1", "critical");
    let (mut s, mut disk) = loaded(vec![a.clone()]);
    let id = declare_first(&mut s, &mut disk);
    let fx = poll(&mut s, vec![], vec![]);
    disk.run(&mut s, fx);
    s.pane = Pane::Timeline;
    update(&mut s, Msg::Action(Action::Resolve));
    let fx = type_line(&mut s, "fixed");
    assert!(s.confirm.is_none());
    disk.run(&mut s, fx);
    assert_eq!(s.incident(&id).unwrap().status, Status::Resolved);
}
