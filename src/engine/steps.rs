//! Runs one runbook step for the console: the executor's events become
//! `Msg::Step`s, so the stepper state changes only in `update`.

use tokio::sync::mpsc::{channel, UnboundedSender};

use crate::core::runbook::StepMsg;
use crate::core::Msg;
use crate::runbook::exec::{self, ExecEvent, ExecHandle, ExecRequest};

pub fn spawn(run: u64, request: ExecRequest, tx: UnboundedSender<Msg>) -> ExecHandle {
    let (etx, mut erx) = channel(1024);
    let handle = exec::spawn(request, etx);
    tokio::spawn(async move {
        while let Some(first) = erx.recv().await {
            // What is queued goes as one message, a screenful at a time at
            // most: a command that floods its output costs one redraw per
            // batch, and the executor's bounded channel makes it wait.
            let mut lines = Vec::new();
            let mut done = None;
            let mut next = Some(first);
            while let Some(ev) = next.take() {
                match ev {
                    ExecEvent::Output { line, .. } => lines.push(line),
                    ExecEvent::Done(outcome) => done = Some(outcome),
                }
                if done.is_none() && lines.len() < BATCH {
                    next = erx.try_recv().ok();
                }
            }
            let full = lines.len() == BATCH;
            if !lines.is_empty() && tx.send(Msg::Step(StepMsg::Output { run, lines })).is_err() {
                break;
            }
            if let Some(outcome) = done {
                let at = chrono::Utc::now();
                let _ = tx.send(Msg::Step(StepMsg::Done { run, outcome, at }));
                break;
            }
            // Give the screen a moment between batches of a flood.
            if full {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    });
    handle
}

/// The session file of a run core named (a run is a runbook on one alert):
/// one per run for the life of this process. A restarted console starts
/// new sessions, as a new terminal would. `None` (a fresh shell per step)
/// if the session dir cannot be made.
pub fn session_file(name: &std::path::Path) -> Option<std::path::PathBuf> {
    let dir = crate::runbook::session::dir().ok()?;
    Some(crate::runbook::session::file(&dir, &name.to_string_lossy()))
}

/// Removes this process's sessions (they may hold what steps exported).
pub fn end_sessions() {
    if let Ok(dir) = crate::runbook::session::dir() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Output lines sent to the console in one message at most.
const BATCH: usize = 500;

/// Runs a `promql` step against the first configured Prometheus: each
/// series is a line of output; a failure ends the step with the reason.
pub fn spawn_query(
    run: u64,
    query: String,
    timeout: std::time::Duration,
    prometheus: Option<crate::source::SourceSpec>,
    tx: UnboundedSender<Msg>,
) -> tokio::task::AbortHandle {
    tokio::spawn(async move {
        let (lines, outcome) =
            crate::runbook::query_step::run_step(prometheus.as_ref(), timeout, &query).await;
        if !lines.is_empty() {
            let _ = tx.send(Msg::Step(StepMsg::Output { run, lines }));
        }
        let _ = tx.send(Msg::Step(StepMsg::Done {
            run,
            outcome,
            at: chrono::Utc::now(),
        }));
    })
    .abort_handle()
}

/// Ctrl-c on a query step: the request is dropped and the step ends stopped.
pub fn stop_query(run: u64, query: &tokio::task::AbortHandle, tx: &UnboundedSender<Msg>) {
    query.abort();
    let outcome = exec::ExecOutcome {
        killed: true,
        ..exec::ExecOutcome::default()
    };
    let at = chrono::Utc::now();
    let _ = tx.send(Msg::Step(StepMsg::Done { run, outcome, at }));
}
