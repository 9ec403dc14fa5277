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

/// Runs a `promql` step against the first configured Prometheus: each
/// series is a line of output; a failure ends the step with the reason.
pub fn spawn_query(
    run: u64,
    query: String,
    timeout: std::time::Duration,
    prometheus: Option<crate::source::SourceSpec>,
    tx: UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let result = match &prometheus {
            Some(spec) => crate::source::prom_query::instant(spec, timeout, &query)
                .await
                .map_err(|e| format!("{}: {e}", spec.name)),
            None => Err("no Prometheus is configured to run the query (--prometheus URL)".into()),
        };
        let (lines, error) = match result {
            Ok(lines) => (lines, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        for line in lines {
            let _ = tx.send(Msg::Step(StepMsg::Output { run, line }));
        }
        let outcome = exec::ExecOutcome {
            exit_code: error.is_none().then_some(0),
            signal: None,
            timed_out: false,
            killed: false,
            duration: started.elapsed(),
            error,
        };
        let _ = tx.send(Msg::Step(StepMsg::Done {
            run,
            outcome,
            at: chrono::Utc::now(),
        }));
    });
}
