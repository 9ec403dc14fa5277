//! A runbook's PromQL step: the query asked of Prometheus, ended as a
//! command's step ends.

use std::time::Duration;

use super::exec::ExecOutcome;
use crate::source::{prom_query, SourceSpec};

/// A runbook's query step run to its end: the lines it printed and how it
/// ended, as a command's step ends (exit 0, or the reason it failed).
pub async fn run_step(
    spec: Option<&SourceSpec>,
    timeout: Duration,
    query: &str,
) -> (Vec<String>, ExecOutcome) {
    let started = std::time::Instant::now();
    let result = match spec {
        Some(spec) => prom_query::instant(spec, timeout, query)
            .await
            .map_err(|e| format!("{}: {e}", spec.name)),
        None => Err("no Prometheus is configured to run the query (--prometheus URL)".into()),
    };
    let (lines, error) = match result {
        Ok(lines) => (lines, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let outcome = ExecOutcome {
        exit_code: error.is_none().then_some(0),
        duration: started.elapsed(),
        error,
        ..Default::default()
    };
    (lines, outcome)
}
