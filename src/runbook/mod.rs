//! Runbooks (design §5): loading Markdown and YAML, matching them to
//! alerts, the stepper's state machine, and the executor that runs a step's
//! command with alert labels in its environment only.

pub mod check;
pub mod exec;
pub mod expr;
mod front_matter;
pub mod load;
pub mod markdown;
pub mod matching;
mod md_fence;
mod md_scan;
mod spec;
pub mod stepper;
pub mod vars;
pub mod yaml_form;

pub use load::{load_dirs, Loaded, RunbookError};
pub use matching::{find_by_name, find_for, runbook_url_stem};
