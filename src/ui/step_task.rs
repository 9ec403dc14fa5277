//! Runs one runbook step for the console: the executor's events become
//! `Msg::Step`s, so the stepper state changes only in `update`.

use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use crate::core::runbook::StepMsg;
use crate::core::Msg;
use crate::runbook::exec::{self, ExecEvent, ExecHandle, ExecRequest};

pub fn spawn(run: u64, request: ExecRequest, tx: UnboundedSender<Msg>) -> ExecHandle {
    let (etx, mut erx) = unbounded_channel();
    let handle = exec::spawn(request, etx);
    tokio::spawn(async move {
        while let Some(ev) = erx.recv().await {
            let msg = match ev {
                ExecEvent::Output { line, .. } => StepMsg::Output { run, line },
                ExecEvent::Done(outcome) => StepMsg::Done {
                    run,
                    outcome,
                    at: chrono::Utc::now(),
                },
            };
            if tx.send(Msg::Step(msg)).is_err() {
                break;
            }
        }
    });
    handle
}
