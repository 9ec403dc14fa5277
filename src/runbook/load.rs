//! Finding and loading runbooks: `runbooks/` then the configured dirs.
//! STUB: replaced by the parser work.

use std::path::{Path, PathBuf};

use crate::model::runbook::Runbook;

/// A runbook that could not be loaded: file and line, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RunbookError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// Every runbook found, and every file that failed (the others still load).
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub runbooks: Vec<Runbook>,
    pub errors: Vec<RunbookError>,
}

/// Loads `*.md`, `*.yaml` and `*.yml` of each dir in order (not recursive
/// beyond one level of subdirectories). A runbook id seen in an earlier dir wins.
pub fn load_dirs(dirs: &[PathBuf]) -> Loaded {
    let _ = dirs;
    Loaded::default()
}

/// Parses one file by its extension.
pub fn load_file(path: &Path) -> Result<Runbook, RunbookError> {
    Err(RunbookError {
        path: path.to_path_buf(),
        line: None,
        message: "not implemented".into(),
    })
}
