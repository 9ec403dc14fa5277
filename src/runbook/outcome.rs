//! How a finished command (or query) becomes a step result: success or
//! not, one line that says how it ended, and where the runbook goes.

use super::exec::ExecOutcome;
use super::stepper::{StepStatus, Stepper, Taken};

/// Whether a command's end counts as success, and one line saying how it ended.
pub fn outcome_summary(o: &ExecOutcome) -> (bool, String) {
    let took = took(o.duration);
    match o {
        ExecOutcome {
            killed: true,
            error: Some(e),
            ..
        } => (false, format!("stopped: {e}")),
        ExecOutcome { error: Some(e), .. } => (false, format!("failed: {e}")),
        ExecOutcome {
            timed_out: true, ..
        } => (
            false,
            format!("timed out after {took}; its process group was killed"),
        ),
        ExecOutcome { killed: true, .. } => (false, format!("stopped by you after {took}")),
        ExecOutcome {
            exit_code: Some(0), ..
        } => (true, format!("exit 0 after {took}")),
        ExecOutcome {
            exit_code: Some(c), ..
        } => (false, format!("exit {c} after {took}")),
        ExecOutcome {
            signal: Some(sig), ..
        } => (false, format!("killed by signal {sig} after {took}")),
        _ => (false, format!("ended after {took}")),
    }
}

/// `340ms`, `1.2s`, `2m`: how long a step took or may take.
pub fn took(d: std::time::Duration) -> String {
    match d.as_millis() {
        ms @ 0..=999 => format!("{ms}ms"),
        ms @ 1000..=59_999 if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms @ 1000..=59_999 => format!("{}.{}s", ms / 1000, ms % 1000 / 100),
        _ => crate::model::duration::format_duration(d.as_secs()),
    }
}

impl Stepper {
    /// A command of step `i` ended: its status, one line saying how, and
    /// the branch taken.
    pub fn finish_with(
        &mut self,
        i: usize,
        o: &ExecOutcome,
    ) -> (StepStatus, String, Option<Taken>) {
        let (ok, text) = outcome_summary(o);
        let taken = self.finish(
            i,
            ok,
            o.exit_code,
            o.duration.as_millis() as u64,
            text.clone(),
        );
        let status = if ok {
            StepStatus::Done
        } else {
            StepStatus::Failed
        };
        (status, text, taken)
    }
}
