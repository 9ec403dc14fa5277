//! Structured YAML runbooks. STUB.

use std::path::Path;

use super::load::RunbookError;
use crate::model::runbook::Runbook;

pub fn parse_yaml(path: &Path, text: &str) -> Result<Runbook, RunbookError> {
    let _ = text;
    Err(RunbookError { path: path.to_path_buf(), line: None, message: "not implemented".into() })
}
