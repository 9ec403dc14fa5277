//! A journal that cannot be written, in `update()`: said once, loudly; a
//! change made meanwhile says at once that it is not recorded; the journal
//! thread's retries do not overwrite that; a good write clears it.

use crate::common;

use common::stepper::{console, status};
use oncall::core::incidents::JournalReply;
use oncall::core::update::FormKey;
use oncall::core::{update, Action, Effect, Msg};

#[test]
fn a_failing_journal_is_said_and_a_change_meanwhile_is_not_claimed() {
    let (mut s, _) = console("gpu-node-07");
    let failed = || Msg::Journal(JournalReply::Failed("cannot create /x/incidents".into()));
    update(&mut s, failed());
    assert_eq!(status(&s), "JOURNAL FAILING: cannot create /x/incidents");

    update(&mut s, Msg::Action(Action::Incident));
    assert!(s.iform.is_some(), "the declare form opens");
    // The cursor starts on the Declare line: Enter declares.
    let fx = update(&mut s, Msg::Form(FormKey::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::Journal(_))), "{fx:?}");
    let waiting = status(&s);
    assert!(
        waiting.starts_with(
            "JOURNAL FAILING, not recorded yet (it waits for the journal): cannot create"
        ),
        "{waiting}"
    );
    // The journal thread retries and fails the same way: the news stays.
    update(&mut s, failed());
    assert_eq!(status(&s), waiting);
    assert!(s.journal_error.is_some());

    update(&mut s, Msg::Journal(JournalReply::Wrote));
    assert!(s.journal_error.is_none());
}
