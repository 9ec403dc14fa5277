//! Alert labels and captured values as a step's environment. STUB.

use std::collections::BTreeMap;

use crate::model::runbook::Runbook;
use crate::model::Labels;

/// A value that may not reach a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("label {label} has a value that may not reach a command ({reason}): {value:?}")]
pub struct VarError {
    pub label: String,
    pub value: String,
    pub reason: String,
}

/// The variables a step's command receives, sorted by name.
pub fn step_env(
    runbook: &Runbook,
    labels: &Labels,
    captured: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, VarError> {
    let _ = (runbook, labels, captured);
    Ok(Vec::new())
}

/// Names of the variables a command mentions (`$POD`, `${NAMESPACE}`).
pub fn referenced(command: &str) -> Vec<String> {
    let _ = command;
    Vec::new()
}

/// The environment of one command: every valid variable, and an error for
/// a referenced one whose value may not reach it. STUB.
pub fn command_env(
    runbook: &Runbook,
    labels: &Labels,
    captured: &BTreeMap<String, String>,
    command: &str,
) -> Result<Vec<(String, String)>, VarError> {
    let _ = command;
    step_env(runbook, labels, captured)
}
