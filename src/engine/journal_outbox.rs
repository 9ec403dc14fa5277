//! The journal thread's writes when the journal is the team store: a write
//! the store cannot take now (it does not answer) waits in the outbox, and
//! so does every write after it, to keep their order; they go out, oldest
//! first, as soon as the store answers again. The console shows what is
//! waiting (`3 changes not yet shared`).

use crate::core::incidents::{JournalOp, JournalReply};
use crate::store::journal::{Declared, Journal, JournalError};
use crate::store::outbox::{Outbox, Pending};

/// Runs `op`, or queues it. Postmortems are not queued (they read the
/// store); other ops get their event ids first, so a write sent twice is
/// recorded once.
pub fn write(
    journal: &mut Journal,
    outbox: &mut Outbox,
    op: JournalOp,
    send: &impl Fn(JournalReply) -> bool,
) -> Option<JournalReply> {
    let (pending, show) = match op {
        JournalOp::Declare {
            first,
            mut more,
            unless_linked,
            show,
        } => {
            let mut first = vec![*first];
            journal.give_ids(&mut first);
            journal.give_ids(&mut more);
            let first = Box::new(first.remove(0));
            (
                Pending::Declare {
                    first,
                    more,
                    unless_linked,
                },
                show,
            )
        }
        JournalOp::Append {
            incident,
            mut events,
        } => {
            journal.give_ids(&mut events);
            (Pending::Append { incident, events }, false)
        }
        JournalOp::Activity(entries) => (Pending::Activity(entries), false),
        JournalOp::Postmortem { .. } => return None,
    };
    if !outbox.is_empty() {
        return Some(queue(outbox, pending, send));
    }
    match apply(journal, &pending, show) {
        Ok(reply) => Some(reply),
        Err(JournalError::Store(e)) => {
            send(JournalReply::Failed(e));
            Some(queue(outbox, pending, send))
        }
        Err(e) => Some(JournalReply::Failed(e.to_string())),
    }
}

fn queue(outbox: &mut Outbox, p: Pending, send: &impl Fn(JournalReply) -> bool) -> JournalReply {
    if let Err(e) = outbox.push(p) {
        return JournalReply::Failed(format!(
            "the store is away and the outbox cannot be written: {e}"
        ));
    }
    send(JournalReply::Said(
        crate::core::StatusLevel::Warn,
        "the store does not answer: the change waits in the outbox".into(),
    ));
    JournalReply::Pending(outbox.len())
}

/// Sends what waits, oldest first, until the store refuses again.
pub fn flush(journal: &mut Journal, outbox: &mut Outbox, send: &impl Fn(JournalReply) -> bool) {
    let before = outbox.len();
    while let Some(p) = outbox.front() {
        match apply(journal, &p, false) {
            Ok(reply) => {
                if let Err(e) = outbox.remove(&p) {
                    send(JournalReply::Failed(format!(
                        "the outbox cannot be written: {e}"
                    )));
                    return;
                }
                send(reply);
            }
            Err(JournalError::Store(_)) => break,
            Err(e) => {
                // It can never go through (its incident is gone): said, and
                // not left to block the others.
                tracing::warn!(error = %e, "an outbox entry was dropped");
                let _ = outbox.remove(&p);
                send(JournalReply::Failed(format!(
                    "a change from the outbox was not recorded: {e}"
                )));
            }
        }
    }
    if outbox.len() != before {
        send(JournalReply::Pending(outbox.len()));
    }
}

fn apply(journal: &mut Journal, p: &Pending, show: bool) -> Result<JournalReply, JournalError> {
    Ok(match p {
        Pending::Declare {
            first,
            more,
            unless_linked,
        } => match journal.declare((**first).clone(), more, unless_linked)? {
            Declared::New(id) => JournalReply::Declared {
                id,
                existed: false,
                show,
            },
            Declared::Exists(id) => JournalReply::Declared {
                id,
                existed: true,
                show,
            },
        },
        Pending::Append { incident, events } => {
            journal.append(incident, events)?;
            JournalReply::Wrote
        }
        Pending::Activity(entries) => {
            journal.log_activity(entries)?;
            JournalReply::Wrote
        }
    })
}
