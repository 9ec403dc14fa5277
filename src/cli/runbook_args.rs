//! The arguments of `oncall runbook ...` and `oncall check`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum RunbookCommand {
    /// List the runbooks found (./runbooks, the config's `runbooks:`, the shipped ones)
    List,
    /// Print a runbook's context and parsed steps
    Show(RunbookShowArgs),
    /// Run a runbook step by step here, asking before each step
    #[command(after_help = RUNBOOK_RUN_HELP)]
    Run(RunbookRunArgs),
}

#[derive(Debug, Args)]
pub struct RunbookShowArgs {
    /// Runbook id or file stem (case-insensitive), e.g. modelserverdown
    pub name: String,
}

#[derive(Debug, Args)]
pub struct RunbookRunArgs {
    /// Runbook id or file stem (case-insensitive)
    pub name: String,
    /// Take the variables from the most urgent current alert these matchers select
    #[arg(long, value_name = "MATCHERS")]
    pub alert: Option<String>,
    /// Run every command step without asking (manual steps are skipped)
    #[arg(long)]
    pub yes: bool,
    /// Print what would run, step by step, and run nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Record every step on this incident's timeline (and resume its run)
    #[arg(long, value_name = "INCIDENT_ID")]
    pub incident: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check the runbooks of these dirs instead of the configured ones (repeatable)
    #[arg(long, value_name = "DIR")]
    pub runbooks: Vec<PathBuf>,
    /// Count warnings (alerting rules without a runbook) as errors
    #[arg(long)]
    pub strict: bool,
}

const RUNBOOK_RUN_HELP: &str = "Examples:\n  \
    oncall runbook run modelserverdown --alert 'alertname=\"ModelServerDown\"' --dry-run\n  \
    oncall runbook run gpumemorynearlyfull --alert instance=gpu-node-07 --incident INC-20261122-001\n\n\
    Alert labels reach commands only as environment variables ($INSTANCE, $POD, ...\n\
    and ONCALL_LABEL_<NAME>); a value with spaces, quotes, globs or shell characters\n\
    stops the step that names it. Ctrl-c stops the running step's process group.\n\
    Exit 0 when the runbook finished, 1 when a step failed or you stopped.";

pub(super) const CHECK_HELP: &str = "Examples:\n  \
    oncall check\n  \
    oncall check --runbooks ./runbooks --config team.yaml\n\n\
    Prints one line per problem (file:line: what) and exits 1 when there are errors:\n\
    a config or theme that does not load, a runbook that does not parse, a goto to an\n\
    unknown step, an unreachable step, a bad capture regex or when expression.\n\
    Warnings (errors with --strict): variables a command uses that the runbook neither\n\
    declares nor captures, and with Prometheus configured, alerting rules without a runbook.";
