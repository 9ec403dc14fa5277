//! Turns the command line, the environment and the config file into the
//! settings every command runs with, and sets up logging.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::config::{self, SourceArgs};
use crate::core::runbook_state::RunbookSettings;
use crate::model::duration::parse_duration;
use crate::model::{parse_matchers, Matcher, Sev};
use crate::source::{demo, SourceSpec};

#[derive(Debug, Clone)]
pub struct Settings {
    pub sources: Vec<SourceSpec>,
    pub demo: bool,
    pub refresh: Duration,
    pub timeout: Duration,
    pub stale_after: Duration,
    pub read_only: bool,
    pub theme: Option<String>,
    pub keys: BTreeMap<String, String>,
    pub group_by: Option<String>,
    pub state_dir: Option<PathBuf>,
    pub config_path: Option<PathBuf>,
    /// Who acks and silences: config `author`, else `$USER`.
    pub author: String,
    pub ack_duration: Duration,
    /// What an ack's comment starts with (config `ack.prefix`, default `ACK!`).
    pub ack_prefix: String,
    /// Defaults of the silence form.
    pub silence_duration: Duration,
    pub require_comment: bool,
    /// Where postmortem drafts go (config `postmortems`, default `./postmortems`).
    pub postmortems: PathBuf,
    pub incidents: IncidentSettings,
    /// Where runbooks are looked for, in order: `./runbooks`, then the config's `runbooks:`.
    pub runbook_dirs: Vec<PathBuf>,
    pub stepper: RunbookSettings,
    /// On-call rotations (`schedules:`).
    pub schedules: Vec<crate::model::schedule::Schedule>,
    /// Escalation policies, the time intervals they use, and their notifiers.
    pub policies: Vec<crate::model::escalation::Policy>,
    pub intervals: Vec<crate::model::time_interval::TimeInterval>,
    pub notifiers: Vec<crate::notify::Notifier>,
    /// Labels that make alerts related in the detail view (`context:`).
    pub related_labels: Option<Vec<String>>,
    /// Service level objectives (`slos:`), for the SLO pane.
    pub slos: Vec<crate::model::slo::Slo>,
    /// The `wall:` config, and whether this run is the wall board.
    pub wall: crate::core::wall::WallSettings,
    pub wall_mode: bool,
    /// Things the user must hear about (shown in the console, printed by one-shot commands).
    pub warnings: Vec<String>,
}

/// The `incidents:` config, checked.
#[derive(Debug, Clone)]
pub struct IncidentSettings {
    /// Alert severity label (lowercase) → incident severity.
    pub severity_map: BTreeMap<String, Sev>,
    /// Declare an incident by itself for alerts matching any of these.
    pub auto_declare: Vec<(Vec<Matcher>, Option<Sev>)>,
    pub postmortem_template: Option<PathBuf>,
}

impl Default for IncidentSettings {
    fn default() -> IncidentSettings {
        IncidentSettings {
            severity_map: [
                ("critical", Sev::Sev2),
                ("error", Sev::Sev3),
                ("warning", Sev::Sev3),
                ("info", Sev::Sev4),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            auto_declare: Vec::new(),
            postmortem_template: None,
        }
    }
}

impl IncidentSettings {
    /// The severity an incident for an alert with this `severity` label gets.
    pub fn severity_for(&self, label: Option<&str>) -> Sev {
        label
            .and_then(|l| self.severity_map.get(&l.to_ascii_lowercase()))
            .copied()
            .unwrap_or(Sev::Sev3)
    }
}

impl Settings {
    /// `<state dir>/incidents`: one journal per incident.
    pub fn incident_dir(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|d| d.join("incidents"))
    }
}

fn incident_settings(c: Option<&config::IncidentsConfig>) -> Result<IncidentSettings, String> {
    let mut out = IncidentSettings::default();
    let Some(c) = c else { return Ok(out) };
    let sev = |text: &str, key: &str| {
        Sev::parse(text)
            .ok_or_else(|| format!("incidents.{key}: {text:?} is not a severity (SEV1..SEV4)"))
    };
    for (label, s) in &c.severity_map {
        out.severity_map
            .insert(label.to_ascii_lowercase(), sev(s, "severity_map")?);
    }
    for (i, d) in c.declare.iter().enumerate() {
        let matchers = parse_matchers(&d.matchers)
            .map_err(|e| format!("incidents.declare[{i}].match: {e}"))?;
        let s = d
            .severity
            .as_deref()
            .map(|s| sev(s, "declare"))
            .transpose()?;
        out.auto_declare.push((matchers, s));
    }
    out.postmortem_template = c.postmortem_template.clone();
    Ok(out)
}

/// Reads config and flags; errors are one sentence for stderr.
pub fn settings(args: &GlobalArgs) -> Result<Settings, String> {
    let (config, config_path) = config::load(args.config.as_deref()).map_err(|e| e.to_string())?;
    for url in args.alertmanagers.iter().chain(&args.prometheus) {
        if url
            .split_once("://")
            .is_some_and(|(_, rest)| rest.split('/').next().unwrap_or("").contains('@'))
        {
            return Err(format!(
                "source url {:?} (shown without them) holds credentials, which are refused on the command line and in ALERTMANAGER_URL (they would \
                 land in shell history and process lists); put them in the config file with basic_auth and password_file or password_env",
                crate::source::redact_url(url)
            ));
        }
    }
    // An empty ALERTMANAGER_URL (or flag) counts as unset.
    let non_empty = |v: &Vec<String>| {
        v.iter()
            .filter(|u| !u.trim().is_empty())
            .map(|u| u.trim().to_string())
            .collect()
    };
    let source_args = SourceArgs {
        alertmanagers: non_empty(&args.alertmanagers),
        prometheus: non_empty(&args.prometheus),
    };
    let sources = if args.demo {
        demo::specs()
    } else {
        config::source_specs(&config, &source_args)?
    };
    let refresh = match &args.refresh {
        Some(r) => parse_duration(r).map_err(|e| format!("--refresh: {e}"))?,
        None => config.refresh(),
    };
    if refresh < Duration::from_secs(1) {
        return Err(format!(
            "refresh of {}ms is too fast; use at least 1s",
            refresh.as_millis()
        ));
    }
    let stale_after = if config.stale_after.is_some() {
        config.stale_after()
    } else {
        refresh * 3
    };
    let warnings = sources
        .iter()
        .filter(|s| s.tls.insecure_skip_verify)
        .map(|s| {
            format!(
                "INSECURE: TLS certificates of {} are not verified (insecure_skip_verify)",
                s.name
            )
        })
        .collect();
    let incidents = incident_settings(config.incidents.as_ref())?;
    let mut runbook_dirs = vec![PathBuf::from("runbooks")];
    runbook_dirs.extend(config.runbooks.clone().unwrap_or_default());
    let mut stepper = RunbookSettings::default();
    if let Some(s) = &config.stepper {
        if let Some(t) = s.timeout.as_deref().and_then(|t| parse_duration(t).ok()) {
            stepper.timeout = t;
        }
        if let Some(c) = s.confirm_diagnosis {
            stepper.confirm_diagnosis = c;
        }
    }
    let schedules = config::schedules(&config.schedules)?;
    let intervals = config::time_intervals_value(config.time_intervals.as_ref())?;
    let names: Vec<&str> = intervals.iter().map(|i| i.name.as_str()).collect();
    let policies = config::policies(&config.escalation, &names)?;
    let notifiers = config::notifiers(&config.notifiers)?;
    let slos = config::slos(&config.slos)?;
    let wall = config::wall_settings(config.wall.as_ref())?;
    for p in &policies {
        for (i, l) in p.levels.iter().enumerate() {
            if let Some(n) = l
                .notify
                .iter()
                .find(|n| !notifiers.iter().any(|x| &&x.name == n))
            {
                return Err(format!(
                    "escalation.{}.levels[{i}].notify: {n:?} is not in notifiers:",
                    p.name
                ));
            }
        }
    }
    Ok(Settings {
        related_labels: config
            .context
            .as_ref()
            .and_then(|c| c.related_labels.clone()),
        slos,
        wall,
        wall_mode: false,
        schedules,
        policies,
        intervals,
        notifiers,
        runbook_dirs,
        stepper,
        warnings,
        postmortems: config
            .postmortems
            .clone()
            .unwrap_or_else(|| PathBuf::from("./postmortems")),
        incidents,
        sources,
        demo: args.demo,
        refresh,
        timeout: config.timeout().min(refresh.max(Duration::from_secs(1))),
        stale_after,
        read_only: args.read_only,
        theme: args.theme.clone().or(config.theme.clone()),
        keys: config.keys.clone(),
        group_by: config.group_by.clone(),
        state_dir: args.state_dir.clone().or_else(config::state_dir),
        config_path,
        author: config
            .author
            .clone()
            .filter(|a| !a.trim().is_empty())
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "oncall".into()),
        ack_duration: config.ack_duration(),
        ack_prefix: config.ack_prefix(),
        silence_duration: config.silence_duration(),
        require_comment: config
            .silences
            .as_ref()
            .and_then(|s| s.require_comment)
            .unwrap_or(true),
    })
}

/// Logs go to `<state dir>/oncall.log`, never to the screen. Returns the
/// log path, or why logging is off.
pub fn init_logging(state_dir: Option<&PathBuf>) -> Result<PathBuf, String> {
    let dir = state_dir.ok_or("no state directory (set XDG_STATE_HOME or HOME)")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("oncall.log");
    use std::os::unix::fs::OpenOptionsExt;
    // Only the user reads the log: it names hosts and alerts.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let filter = std::env::var("ONCALL_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(path)
}

/// What to tell a user who has configured no source.
pub fn no_source_help() -> String {
    let config = config::config_dir()
        .map(|d| d.join("config.yaml").display().to_string())
        .unwrap_or_else(|| "$XDG_CONFIG_HOME/oncall/config.yaml".into());
    format!(
        "oncall: no Alertmanager is configured.\n\n\
         Point oncall at one:\n  \
           oncall --alertmanager http://127.0.0.1:9093\n  \
           export ALERTMANAGER_URL=http://127.0.0.1:9093\n  \
           or list `alertmanagers:` in {config} (see README.md)\n\n\
         Or look around the built-in demo first:\n  \
           oncall --demo\n"
    )
}
