//! Runbooks: loading Markdown and YAML, matching them to
//! alerts, the stepper's state machine, and the executor that runs a step's
//! command with alert labels in its environment only.

pub mod builtin;
pub mod check;
pub mod command_text;
pub mod exec;
pub mod expr;
mod front_matter;
pub mod load;
pub mod markdown;
pub mod matching;
mod md_fence;
mod md_html;
pub mod md_prompt;
mod md_scan;
pub mod outcome;
mod parse_common;
pub mod placeholder;
pub mod query_step;
pub mod record;
pub mod session;
pub mod session_vars;
mod spec;
pub mod stepper;
pub mod vars;
pub mod yaml_form;

pub use load::{load_dirs, Loaded, RunbookError};
pub use matching::{find_by_name, find_for, runbook_url_stem};

/// The console's runbooks: `./runbooks` when it exists, then the configured
/// dirs (a configured dir that is missing is an error), then the shipped
/// examples built into the binary for ids not found on disk.
pub fn load_all(dirs: &[std::path::PathBuf]) -> Loaded {
    let dirs: Vec<std::path::PathBuf> = dirs
        .iter()
        .enumerate()
        .filter(|(i, d)| *i > 0 || d.is_dir())
        .map(|(_, d)| d.clone())
        .collect();
    let mut loaded = load_dirs(&dirs);
    builtin::add_missing(&mut loaded);
    loaded
}
