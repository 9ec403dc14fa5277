//! Runs a step's command. STUB (the executor work replaces it).

use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecRequest {
    pub command: String,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub workdir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOutcome {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub killed: bool,
    pub duration: Duration,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecEvent {
    Output { stream: Stream, line: String },
    Done(ExecOutcome),
}

pub struct ExecHandle;

impl ExecHandle {
    pub fn kill(&self) {}
}

pub fn spawn(req: ExecRequest, events: tokio::sync::mpsc::UnboundedSender<ExecEvent>) -> ExecHandle {
    let _ = events.send(ExecEvent::Done(ExecOutcome {
        exit_code: None,
        signal: None,
        timed_out: false,
        killed: false,
        duration: Duration::ZERO,
        error: Some(format!("not implemented: {}", req.command)),
    }));
    ExecHandle
}
