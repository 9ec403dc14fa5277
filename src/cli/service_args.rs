//! Arguments of the commands for operators of the paging service: `oncall
//! page test` and `oncall store status|migrate|import`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PageCommand {
    /// Send a labelled test page through NOTIFIER and say what happened
    #[command(
        after_help = "Examples:\n  oncall page test pager\n  oncall page test chat --to fraud-model-oncall\n\nThe page says it is a test (alertname OncallTestPage); exit 1 when it was not delivered."
    )]
    Test(PageTestArgs),
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Where the store is, its schema version against this binary's, and
    /// who holds the engine lease
    #[command(
        after_help = "Example:\n  ONCALL_DATABASE_URL=postgres://oncall@db/oncall oncall store status"
    )]
    Status,
    /// Apply the schema migrations this binary has and the database lacks
    /// (also done at start by every oncall using the store)
    #[command(after_help = "Example:\n  oncall store migrate")]
    Migrate,
    /// Copy the state dir's incidents and activity log into the store
    /// (running it again adds nothing)
    #[command(after_help = "Example:\n  oncall store import --state-dir ~/.local/state/oncall")]
    Import,
}

#[derive(Debug, Args)]
pub struct PageTestArgs {
    /// A notifier's name from the config's `notifiers:`
    pub notifier: String,
    /// Who the test page is for (a schedule or a person) [default: test]
    #[arg(long, value_name = "TARGET")]
    pub to: Option<String>,
}
