//! The settings every layer reads: what the command line, the environment
//! and the config file add up to (built in `app`), checked. Plain data.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::notifier_spec::Notifier;
use super::source_spec::SourceSpec;
use crate::model::{Matcher, Sev, Severity};

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
    /// Groups of this many alerts or more start folded (`fold_groups_from:`; 0: never).
    pub fold_groups_from: Option<usize>,
    pub state_dir: Option<PathBuf>,
    pub config_path: Option<PathBuf>,
    /// Who acks and silences: config `author`, else `$USER`.
    pub author: String,
    pub ack_duration: Duration,
    /// What an ack's comment starts with (config `ack.prefix`, default `ACK!`).
    pub ack_prefix: String,
    /// How long before a page no notifier delivered is tried again
    /// (config `page_retry`, default 30s).
    pub page_retry: Duration,
    /// Where page claims and the engine lease live (config `store:`).
    pub store: super::store_spec::StoreSpec,
    /// How late a level may get while the team store does not answer
    /// before it is paged uncoordinated (config `store_grace`, 60s).
    pub store_grace: Duration,
    /// How long an alert gone from every source must stay gone before an
    /// incident's timeline says it resolved (config `resolve_grace`, 2m).
    pub resolve_grace: Duration,
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
    pub notifiers: Vec<Notifier>,
    /// Labels that make alerts related in the detail view (`context:`).
    pub related_labels: Option<Vec<String>>,
    /// Service level objectives (`slos:`), for the SLO pane.
    pub slos: Vec<crate::model::slo::Slo>,
    /// The `wall:` config, and whether this run is the wall board.
    pub wall: WallSettings,
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

/// The `runbook:` config, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RunbookSettings {
    /// A step's timeout unless the runbook sets one.
    pub timeout: Duration,
    /// Diagnosis steps ask before running (Mitigation steps always do).
    pub confirm_diagnosis: bool,
}

impl Default for RunbookSettings {
    fn default() -> RunbookSettings {
        RunbookSettings {
            timeout: Duration::from_secs(120),
            confirm_diagnosis: true,
        }
    }
}

/// The `wall:` config, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct WallSettings {
    /// A source silent for longer than this turns the board stale
    /// (`None`: the console's `stale_after`, by default 3 refreshes).
    pub stale_after: Option<Duration>,
    /// How long each page of groups stays before the next one.
    pub page_interval: Duration,
    /// Alerts of this severity or worse change the board's colour.
    pub threshold: Severity,
}

impl Default for WallSettings {
    fn default() -> WallSettings {
        WallSettings {
            stale_after: None,
            page_interval: Duration::from_secs(10),
            threshold: Severity::Warning,
        }
    }
}
