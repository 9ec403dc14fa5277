//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod runbook_args;
mod schedule_args;
mod service_args;
use runbook_args::CHECK_HELP;
pub use runbook_args::{CheckArgs, RunbookCommand, RunbookRunArgs, RunbookShowArgs};
pub use schedule_args::ScheduleArgs;
use schedule_args::SCHEDULE_HELP;
pub use service_args::{PageCommand, PageTestArgs, StoreCommand};

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
    /// Acknowledge alerts: a short `ACK!` silence in every cluster
    #[command(after_help = ACK_EXAMPLES)]
    Ack(AckArgs),
    /// Remove acks: expire the `ACK!` silences for these matchers or their alerts
    #[command(after_help = UNACK_EXAMPLES)]
    Unack(UnackArgs),
    /// Add, list, expire and extend silences (like `amtool silence`)
    #[command(subcommand)]
    Silence(SilenceCommand),
    /// Declare, list, show and update incidents (the journal the console shares)
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Write (or rewrite) an incident's postmortem draft; prints its path
    #[command(after_help = POSTMORTEM_HELP)]
    Postmortem(PostmortemArgs),
    /// Incidents by severity, time to acknowledge and resolve, noisiest alerts
    #[command(after_help = STATS_HELP)]
    Stats(StatsArgs),
    /// List, show and run runbooks step by step (the console's stepper, in a plain terminal)
    #[command(subcommand)]
    Runbook(RunbookCommand),
    /// Validate the config, themes and every runbook; exit 1 on errors (for CI)
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Who is on call now (or --at a time), until when, and who is next
    #[command(after_help = SCHEDULE_HELP)]
    Schedule(ScheduleArgs),
    /// A read-only status board for a wall display: green, amber or red, big counts
    #[command(after_help = WALL_HELP)]
    Wall,
    /// Page through a notifier to see that it reaches someone
    #[command(subcommand)]
    Page(PageCommand),
    /// The engine with no terminal: polls, escalates, pages and observes
    /// incidents; serves /healthz and /metrics
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// The shared store (config `store:`): its schema and who pages
    #[command(subcommand)]
    Store(StoreCommand),
    /// Print a shell completion script (bash, zsh or fish) to stdout
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout
    #[command(after_help = "Example:\n  oncall man > /usr/local/share/man/man1/oncall.1")]
    Man,
}

const SERVE_HELP: &str = "Examples:\n  \
    oncall serve --config /etc/oncall/config.yaml\n  \
    RUST_LOG=oncall=debug oncall serve --log-format json --listen 0.0.0.0:9799\n\n\
    Logs go to stderr. SIGTERM or SIGINT let pages on their way finish (10s at\n\
    most) and exit 0; SIGHUP reads the config again, keeping the old one when the\n\
    new one is invalid. While it runs it holds the state dir's engine lease:\n\
    consoles on the same state dir leave paging to it. docs/serve.md has a\n\
    systemd unit and the alert rule that says when it is down.";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where /healthz and /metrics are served
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9799")]
    pub listen: String,
    /// How log lines are written to stderr
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

const COMPLETIONS_HELP: &str = "Examples:\n  \
    oncall completions bash > ~/.local/share/bash-completion/completions/oncall\n  \
    oncall completions zsh > \"${fpath[1]}/_oncall\"\n  \
    oncall completions fish > ~/.config/fish/completions/oncall.fish";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

const WALL_HELP: &str = "Examples:\n  \
    oncall wall --alertmanager http://am1:9093 --refresh 10s\n  \
    oncall wall --demo\n\n\
    Refuses every write. Keys: q quit, ? help, PgDn/j and PgUp/k turn the pages\n\
    of groups (they also turn by themselves). The config's `wall:` sets\n\
    stale_after (default 3 refreshes), page_interval (10s) and threshold (warning).";

const POSTMORTEM_HELP: &str = "Examples:\n  \
    oncall postmortem INC-20261122-001\n  \
    oncall --config team.yaml postmortem INC-20261122-001\n\n\
    The draft goes to the config's `postmortems` directory (default ./postmortems)\n\
    as ID.md, from the default template or `incidents: {postmortem_template: FILE}`,\n\
    and the journal records its path and a hash of its content. Running it again\n\
    replaces the draft, unless the file was edited since: then it is left as it is\n\
    and the new draft is written beside it (ID-2.md, ID-3.md, ...).";

const STATS_HELP: &str = "Examples:\n  \
    oncall stats\n  \
    oncall stats --output json | jq .time_to_acknowledge\n\n\
    Reads the incident journals and the activity log in the state directory.\n\
    Times are the median and mean over the incidents that have them; \"fired most\"\n\
    counts each firing of an alert once, per alertname; \"acked without an\n\
    incident\" counts acks of alerts no incident links.";

#[derive(Debug, Args)]
pub struct PostmortemArgs {
    /// The incident, e.g. INC-20261122-001
    #[arg(value_name = "INCIDENT_ID")]
    pub incident_id: String,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table)]
    pub output: Output,
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
    /// Whole label lists and summaries in the table (by default each cell
    /// is cut at its column's width; the JSON output is never cut)
    #[arg(long)]
    pub wide: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

const ACK_EXAMPLES: &str = "Examples:\n  \
    oncall ack ModelServerDown\n  \
    oncall ack 'alertname=\"ModelServerDown\",instance=\"gpu-node-07\"' --comment 'on it'\n  \
    oncall ack alertname=ModelServerDown instance=gpu-node-07 --duration 30m\n\n\
    Acking is idempotent: when an active ack with the same matchers exists, or\n\
    every alert the matchers select is already under an active ack, those ids are\n\
    printed and nothing is created. Prints the id of the ack that stands (with\n\
    several clusters: CLUSTER ID, one line per cluster).";

const UNACK_EXAMPLES: &str = "Examples:\n  \
    oncall unack ModelServerDown\n  \
    oncall unack 'alertname=\"ModelServerDown\",instance=\"gpu-node-07\"'\n\n\
    Expires every active ack (a silence whose comment starts with ACK!) whose\n\
    matchers are these, in any order, or that covers an alert these matchers\n\
    select. Prints the expired ids; exits 1 when there was nothing to unack.";

const SILENCE_ADD_EXAMPLES: &str = "Examples:\n  \
    oncall silence add 'alertname=\"FeatureDataDrift\"' --duration 4h --comment 'retraining, JIRA-123'\n  \
    oncall silence add alertname=GPUMemoryNearlyFull instance=~'gpu-node-0[78]' \\\n      \
    --end '2026-12-01 09:00' --comment 'node maintenance'\n\n\
    Prints the new silence's id (with several clusters: CLUSTER ID).";

/// `oncall ack` / `oncall silence add` take matchers as one string or as
/// several arguments, joined with `,` (as amtool does).
#[derive(Debug, Args)]
pub struct MatcherArgs {
    /// Matchers: 'alertname="X",job="y"' or alertname=X job=y (a bare word = alertname)
    #[arg(required = true, value_name = "MATCHERS")]
    pub matchers: Vec<String>,
}

impl MatcherArgs {
    pub fn joined(&self) -> String {
        self.matchers.join(",")
    }
}

#[derive(Debug, Args)]
pub struct AckArgs {
    #[command(flatten)]
    pub matchers: MatcherArgs,
    /// How long the ack lasts [default: config `ack.duration`, else 15m]
    #[arg(long, short = 'd', value_name = "DURATION")]
    pub duration: Option<String>,
    /// Why, or what you are doing (stored as `ACK! <comment>`)
    #[arg(long, short = 'c', value_name = "TEXT")]
    pub comment: Option<String>,
    /// Who acks [default: config `author`, else $USER]
    #[arg(long, short = 'a', value_name = "NAME")]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnackArgs {
    #[command(flatten)]
    pub matchers: MatcherArgs,
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Create a silence and print its id
    #[command(after_help = SILENCE_ADD_EXAMPLES)]
    Add(SilenceAddArgs),
    /// List silences (active and pending; --expired for all)
    #[command(
        after_help = "Examples:\n  oncall silence list\n  oncall silence list --filter alertname=ModelServerDown\n  \
            oncall silence list --expired --output json | jq '.[] | select(.ack)'"
    )]
    List(SilenceListArgs),
    /// Expire silences by id (exit 3 when some could not be expired)
    #[command(
        after_help = "Examples:\n  oncall silence expire 8d9c1f0e-6b1a-4c4e-9a57-0f3d1b2c3d4e\n  \
            oncall silence list --output json | jq -r '.[].id' | xargs oncall silence expire"
    )]
    Expire(SilenceExpireArgs),
    /// Push a silence's end further; prints its id and new end
    #[command(
        after_help = "Examples:\n  oncall silence extend 8d9c1f0e-6b1a-4c4e-9a57-0f3d1b2c3d4e --duration 1h\n\n\
            The end moves by DURATION (from now, if the silence has ended; Alertmanager\n\
            then makes a new silence, whose id is printed)."
    )]
    Extend(SilenceExtendArgs),
}

#[derive(Debug, Args)]
pub struct SilenceAddArgs {
    #[command(flatten)]
    pub matchers: MatcherArgs,
    /// How long from now [default: config `silences.duration`, else 2h]
    #[arg(long, short = 'd', value_name = "DURATION", conflicts_with = "end")]
    pub duration: Option<String>,
    /// When it ends: RFC3339 or 'YYYY-MM-DD HH:MM' (UTC)
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,
    /// Why (required unless the config says `silences: {require_comment: false}`)
    #[arg(long, short = 'c', value_name = "TEXT")]
    pub comment: Option<String>,
    /// Who silences [default: config `author`, else $USER]
    #[arg(long, short = 'a', value_name = "NAME")]
    pub author: Option<String>,
    /// Print the matchers exactly as Alertmanager would store them, and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SilenceListArgs {
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Include expired silences
    #[arg(long)]
    pub expired: bool,
    /// Only silences whose matchers satisfy these (as amtool silence query)
    #[arg(long, value_name = "MATCHERS")]
    pub filter: Option<String>,
}

#[derive(Debug, Args)]
pub struct SilenceExpireArgs {
    /// Silence ids
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SilenceExtendArgs {
    /// Silence id
    #[arg(value_name = "ID")]
    pub id: String,
    /// How much longer, e.g. 1h
    #[arg(long, short = 'd', value_name = "DURATION")]
    pub duration: String,
}

const DECLARE_EXAMPLES: &str = "Examples:\n  \
    oncall incident declare --title 'Checkout latency' --severity SEV2\n  \
    oncall incident declare --alert 'alertname=\"ModelServerDown\"'\n\n\
    With --alert, the current alerts the matchers select are fetched from the\n\
    configured Alertmanagers and linked; the most urgent one gives the default\n\
    title (`alertname: summary`) and severity (config incidents.severity_map).\n\
    Prints the new incident's id (INC-YYYYMMDD-NNN).";

const UPDATE_NOTE: &str = "Prints the id of the timeline event written.";

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Declare an incident and print its id
    #[command(after_help = DECLARE_EXAMPLES)]
    Declare(IncidentDeclareArgs),
    /// List incidents: id, severity, status, age, title (open ones unless --all)
    #[command(
        after_help = "Examples:\n  oncall incident list\n  oncall incident list --all --output json"
    )]
    List(IncidentListArgs),
    /// Show an incident: milestones, linked alerts and the timeline (UTC)
    #[command(after_help = "Examples:\n  oncall incident show INC-20261122-001\n  \
        oncall incident show INC-20261122-001 --output json | jq '.timeline[].text'")]
    Show(IncidentShowArgs),
    /// Add a note to an incident's timeline
    #[command(
        after_help = "Examples:\n  oncall incident note INC-20261122-001 restarted the model server pods\n\n\
        Prints the id of the timeline event written."
    )]
    Note(IncidentNoteArgs),
    /// Move an incident along open, acknowledged, investigating, identified, monitoring
    #[command(
        after_help = "Examples:\n  oncall incident status INC-20261122-001 identified --note 'bad deploy 4711'\n  \
        oncall incident status INC-20261122-001 mon\n\n\
        A status may be shortened to any unambiguous prefix. To resolve, use\n\
        `oncall incident resolve`, which asks for the resolution.\n\
        Prints the id of the timeline event written."
    )]
    Status(IncidentStatusArgs),
    /// Change an incident's severity (SEV1 is the worst)
    #[command(after_help = UPDATE_NOTE)]
    Severity(IncidentSeverityArgs),
    /// Resolve an incident, saying how it ended
    #[command(
        after_help = "Examples:\n  oncall incident resolve INC-20261122-001 --resolution 'rolled back deploy 4711'\n\n\
        Prints the id of the timeline event written."
    )]
    Resolve(IncidentResolveArgs),
}

#[derive(Debug, Args)]
pub struct IncidentDeclareArgs {
    /// What is broken, in a few words [default with --alert: the first alert's `alertname: summary`]
    #[arg(long, short = 't', value_name = "TEXT")]
    pub title: Option<String>,
    /// SEV1..SEV4 [default: from the first alert's severity label, else SEV3]
    #[arg(long, short = 's', value_name = "SEV")]
    pub severity: Option<String>,
    /// Link the current alerts these matchers select, e.g. 'alertname="DiskFull"'
    #[arg(long, value_name = "MATCHERS")]
    pub alert: Option<String>,
}

#[derive(Debug, Args)]
pub struct IncidentListArgs {
    /// Resolved incidents too
    #[arg(long)]
    pub all: bool,
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct IncidentShowArgs {
    /// Incident id, e.g. INC-20261122-001
    #[arg(value_name = "ID")]
    pub id: String,
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct IncidentNoteArgs {
    /// Incident id, e.g. INC-20261122-001
    #[arg(value_name = "ID")]
    pub id: String,
    /// The note (several words are joined with spaces)
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

#[derive(Debug, Args)]
pub struct IncidentStatusArgs {
    /// Incident id, e.g. INC-20261122-001
    #[arg(value_name = "ID")]
    pub id: String,
    /// open, acknowledged, investigating, identified or monitoring
    #[arg(value_name = "STATUS")]
    pub status: String,
    /// Why, or what was found (shown with the change on the timeline)
    #[arg(long, short = 'n', value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct IncidentSeverityArgs {
    /// Incident id, e.g. INC-20261122-001
    #[arg(value_name = "ID")]
    pub id: String,
    /// SEV1..SEV4 (or 1..4)
    #[arg(value_name = "SEV")]
    pub severity: String,
}

#[derive(Debug, Args)]
pub struct IncidentResolveArgs {
    /// Incident id, e.g. INC-20261122-001
    #[arg(value_name = "ID")]
    pub id: String,
    /// How it ended: what fixed it, or why it needs nothing more
    #[arg(long, short = 'r', value_name = "TEXT")]
    pub resolution: String,
}
