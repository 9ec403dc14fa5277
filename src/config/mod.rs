//! The config file: where it is, what it holds, and how the
//! command line and environment combine with it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::model::duration::parse_duration;

use crate::yaml;

mod build;
mod escalation;
pub mod notifier_spec;
mod notifiers;
pub mod settings;
pub mod source_spec;
pub mod store_spec;
pub use escalation::{policies, PolicyConfig};
pub use notifiers::{notifiers, NotifierConfig};
mod schedules;
pub use schedules::{local_time, schedules, ScheduleConfig};
mod slos;
pub use slos::{slos, SloConfig};
mod sources;
pub use build::{from_args, no_source_help};
pub use settings::Settings;
use sources::check_url;
pub use sources::{source_specs, SourceArgs};
mod time_intervals;
pub use time_intervals::{time_intervals, time_intervals_value, TimeIntervalConfig};
mod problems;
pub use problems::{all_problems, runbook_dirs};
mod wall;
pub use wall::{wall_settings, WallConfig};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub refresh: Option<String>,
    /// Per-request timeout of a poll (default 10s).
    pub timeout: Option<String>,
    /// A source that has not answered for this long is shown stale (default 3 refreshes).
    pub stale_after: Option<String>,
    pub author: Option<String>,
    #[serde(default)]
    pub alertmanagers: Vec<SourceConfig>,
    #[serde(default)]
    pub prometheus: Vec<SourceConfig>,
    pub theme: Option<String>,
    pub group_by: Option<String>,
    /// Groups of this many alerts or more start folded (default 10; 0: never).
    pub fold_groups_from: Option<usize>,
    /// Rebinds keys: action name → key (`ack: "a"`).
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    pub runbooks: Option<Vec<PathBuf>>,
    pub stepper: Option<StepperConfig>,
    pub postmortems: Option<PathBuf>,
    /// How long before a page no notifier delivered is tried again (default 30s).
    pub page_retry: Option<String>,
    /// How long a linked alert gone from every source must stay gone to be
    /// resolved on its incident's timeline (default 2m).
    pub resolve_grace: Option<String>,
    pub ack: Option<AckConfig>,
    pub silences: Option<SilencesConfig>,
    // Read by later features; accepted here so a full config validates.
    #[serde(default)]
    pub escalation: Vec<PolicyConfig>,
    #[serde(default)]
    pub schedules: Vec<ScheduleConfig>,
    #[serde(default)]
    pub notifiers: Vec<NotifierConfig>,
    pub time_intervals: Option<yaml::Value>,
    #[serde(default)]
    pub slos: Vec<SloConfig>,
    pub incidents: Option<IncidentsConfig>,
    /// The status board of `oncall wall`.
    pub wall: Option<WallConfig>,
    pub context: Option<ContextConfig>,
    /// Where incidents' shared state lives: the state dir, or PostgreSQL.
    pub store: Option<store_spec::StoreConfig>,
    /// How late a level may get while the team store does not answer
    /// before it is paged without a claim (default 60s).
    pub store_grace: Option<String>,
}

/// `context: {related_labels: [service, instance, cluster]}`: the detail
/// view lists other alerts sharing these labels' values.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    pub related_labels: Option<Vec<String>>,
}

/// `incidents: {severity_map: {critical: SEV2}, declare: [{match: '...', severity: SEV1}], postmortem_template: FILE}`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentsConfig {
    /// Alert `severity` label → incident severity (merged over the defaults).
    #[serde(default)]
    pub severity_map: BTreeMap<String, String>,
    /// Alerts matching one of these are declared as incidents without a key press.
    #[serde(default)]
    pub declare: Vec<AutoDeclareConfig>,
    pub postmortem_template: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoDeclareConfig {
    #[serde(rename = "match")]
    pub matchers: String,
    pub severity: Option<String>,
}

/// `stepper: {timeout: 2m, confirm_diagnosis: false}`: how runbook steps run.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepperConfig {
    /// A step's timeout unless its runbook sets one (default 2m).
    pub timeout: Option<String>,
    /// `false` lets Diagnosis steps run without asking; Mitigation steps always ask.
    pub confirm_diagnosis: Option<bool>,
}

/// `ack: {duration: 15m, prefix: "ACK!"}`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckConfig {
    pub duration: Option<String>,
    /// What an ack's comment starts with (karma's and kthxbye's `ACK!` by
    /// default; both let a team choose another).
    pub prefix: Option<String>,
}

/// `silences: {duration: 2h, require_comment: true}`: defaults of the silence form.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilencesConfig {
    pub duration: Option<String>,
    pub require_comment: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: Option<String>,
    pub url: String,
    pub cluster: Option<String>,
    pub bearer_token_file: Option<PathBuf>,
    pub bearer_token_env: Option<String>,
    pub basic_auth: Option<BasicAuthConfig>,
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    #[serde(default)]
    pub insecure_skip_verify: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthConfig {
    pub username: String,
    pub password_file: Option<PathBuf>,
    pub password_env: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// `$XDG_CONFIG_HOME/oncall` (or `~/.config/oncall`).
pub fn config_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("oncall"))
}

/// `$XDG_STATE_HOME/oncall` (or `~/.local/state/oncall`).
pub fn state_dir() -> Option<PathBuf> {
    xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| d.join("oncall"))
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)),
    }
}

/// Loads the config: an explicit path must exist; the default path may be absent.
pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match config_dir() {
            Some(d) => (d.join("config.yaml"), false),
            None => return Ok((Config::default(), None)),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Config::default(), None))
        }
        Err(e) => {
            return Err(ConfigError::Read {
                path,
                reason: e.to_string(),
            })
        }
    };
    let config = parse(&text, &path)?;
    Ok((config, Some(path)))
}

pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    let config: Config = yaml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.message,
    })?;
    match semantic_problems(&config, text).into_iter().next() {
        Some(message) => Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        }),
        None => Ok(config),
    }
}

/// What is wrong with a config that parsed, every problem (each placed by
/// its key's line): `parse` reports the first, `oncall check` all of them.
pub fn semantic_problems(config: &Config, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in [
        ("refresh", &config.refresh),
        ("timeout", &config.timeout),
        ("stale_after", &config.stale_after),
        ("page_retry", &config.page_retry),
        ("resolve_grace", &config.resolve_grace),
        ("store_grace", &config.store_grace),
        (
            "ack.duration",
            &config.ack.as_ref().and_then(|a| a.duration.clone()),
        ),
        (
            "silences.duration",
            &config.silences.as_ref().and_then(|a| a.duration.clone()),
        ),
        (
            "stepper.timeout",
            &config.stepper.as_ref().and_then(|a| a.timeout.clone()),
        ),
    ] {
        if let Some(v) = value {
            let line = || at_line(key_line(text, key));
            match parse_duration(v) {
                Err(e) => out.push(format!("{key}: {e}{}", line())),
                Ok(d) if key == "refresh" && d < Duration::from_secs(1) => out.push(format!(
                    "refresh of {v} is too fast; use at least 1s{}",
                    line()
                )),
                Ok(_) => {}
            }
        }
    }
    if let Some(prefix) = config.ack.as_ref().and_then(|a| a.prefix.as_deref()) {
        // Acks are told apart by their comment's first word (twins made at
        // once by two consoles share it), so a prefix is one word.
        let p = prefix.trim();
        if p.is_empty() || p.chars().any(char::is_whitespace) || p.chars().count() > 32 {
            out.push(format!(
                "ack.prefix {prefix:?} must be one word of at most 32 characters, such as \"ACK!\"{}",
                at_line(key_line(text, "ack.prefix"))
            ));
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for s in config.alertmanagers.iter().chain(&config.prometheus) {
        let line = text.lines().position(|l| l.contains(s.url.as_str()));
        if let Err(e) = check_url(&s.url) {
            out.push(format!("{e}{}", at_line(line)));
        }
        // Named by hand twice: a typo, and names key dedup and writes.
        if let Some(name) = s.name.as_deref() {
            if name.trim().is_empty() {
                out.push(format!(
                    "a source's name is empty; leave `name` out to name it by its host{}",
                    at_line(line)
                ));
            } else if names.contains(&name) {
                out.push(format!(
                    "two sources are named {name:?}; each needs a name of its own{}",
                    at_line(line)
                ));
            }
            names.push(name);
        }
    }
    out
}

/// ` at line N` (1-based), or nothing when the line is not known.
fn at_line(index: Option<usize>) -> String {
    index.map_or(String::new(), |i| format!(" at line {}", i + 1))
}

/// The line (0-based) that writes the dotted `path` (`ack.duration`: the
/// first `duration:` at or after `ack:`): errors found after parsing, which
/// serde_yaml cannot place, are placed by their keys.
fn key_line(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    for key in path.split('.') {
        let pattern = format!("{key}:");
        let starts_key = |l: &str| {
            l.match_indices(&pattern).any(|(p, _)| {
                p == 0 || !matches!(l.as_bytes()[p - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')
            })
        };
        from = (from..lines.len()).find(|&i| starts_key(lines[i]))?;
    }
    Some(from)
}

impl Config {
    pub fn refresh(&self) -> Duration {
        self.refresh
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(15))
    }
    pub fn timeout(&self) -> Duration {
        self.timeout
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(10))
    }
    /// How long an ack lasts (default 15m).
    pub fn ack_duration(&self) -> Duration {
        self.ack
            .as_ref()
            .and_then(|a| a.duration.as_deref())
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(15 * 60))
    }
    /// How long a vanished alert waits before it counts as resolved (default 2m).
    pub fn resolve_grace(&self) -> Duration {
        self.resolve_grace
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(120))
    }
    /// How late a level may get, its claim unanswered, before it is paged
    /// anyway (default 60s).
    pub fn store_grace(&self) -> Duration {
        self.store_grace
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(60))
    }
    /// How long before a failed page is tried again (default 30s).
    pub fn page_retry(&self) -> Duration {
        self.page_retry
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(30))
    }
    /// What an ack's comment starts with (default `ACK!`).
    pub fn ack_prefix(&self) -> String {
        self.ack
            .as_ref()
            .and_then(|a| a.prefix.as_deref())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .unwrap_or(crate::model::ACK_PREFIX)
            .to_string()
    }
    /// The silence form's default duration (default 2h).
    pub fn silence_duration(&self) -> Duration {
        self.silences
            .as_ref()
            .and_then(|a| a.duration.as_deref())
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(Duration::from_secs(2 * 3600))
    }
    pub fn stale_after(&self) -> Duration {
        self.stale_after
            .as_deref()
            .and_then(|r| parse_duration(r).ok())
            .unwrap_or(self.refresh() * 3)
    }
}

#[cfg(test)]
mod tests;
