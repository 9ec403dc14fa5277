//! The arguments of `oncall schedule`.

use clap::Args;

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// One schedule by name (default: every configured schedule)
    pub name: Option<String>,
    /// Who is on call at this time instead of now: RFC 3339, or `YYYY-MM-DD HH:MM` in UTC
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

pub(super) const SCHEDULE_HELP: &str = "Examples:\n  \
    oncall schedule\n  \
    oncall schedule fraud-model-oncall --at '2026-12-25 12:00'\n\n\
    Prints who is on call, until when (local and UTC) and who is next, for the\n\
    rotations of the config's `schedules:` (overrides included). Exit 1 when a\n\
    schedule is unknown or nobody is on call yet.";
