//! Command-line interface (design §4).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "oncall",
    version,
    about = "A terminal console for the person holding the pager",
    long_about = "A terminal console for the person holding the pager.\n\n\
        Without a command, opens the console on the configured Alertmanagers\n\
        (--alertmanager, ALERTMANAGER_URL, or the config file), or on a built-in\n\
        demo with --demo.",
    after_help = "Examples:\n  oncall --demo\n  oncall --alertmanager http://127.0.0.1:9093\n  \
        oncall alerts --filter 'severity=\"critical\"' --output json"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Config file [default: $XDG_CONFIG_HOME/oncall/config.yaml]
    #[arg(long, global = true, env = "ONCALL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Alertmanager base URL (repeatable; comma-separated in ALERTMANAGER_URL)
    #[arg(
        long = "alertmanager",
        global = true,
        env = "ALERTMANAGER_URL",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub alertmanagers: Vec<String>,
    /// Prometheus base URL, for pending alerts (repeatable)
    #[arg(long = "prometheus", global = true, value_name = "URL")]
    pub prometheus: Vec<String>,
    /// Theme name (dark, light, high-contrast, monochrome) or a theme file
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub theme: Option<String>,
    /// Refuse every action that changes shared state
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Use the built-in demo scenario instead of real sources
    #[arg(long, global = true)]
    pub demo: bool,
    /// Where logs and journals go [default: $XDG_STATE_HOME/oncall]
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Poll interval, e.g. 15s [default: config `refresh`, else 15s]
    #[arg(long, global = true, value_name = "DURATION")]
    pub refresh: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the current alerts once and exit (0 ok, 1 error, 3 partial)
    Alerts(AlertsArgs),
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Alertmanager matchers, e.g. 'severity="critical",team=~"ml.*"' (a bare word = alertname)
    #[arg(long, value_name = "MATCHERS")]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Leave out silenced and inhibited alerts
    #[arg(long)]
    pub active_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}
