//! The config file (design §4): where it is, what it holds, and how the
//! command line and environment combine with it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::model::duration::parse_duration;
use crate::source::{Auth, Secret, SourceKind, SourceSpec, Tls};
use crate::yaml;

mod escalation;
mod notifiers;
pub use escalation::{policies, PolicyConfig};
pub use notifiers::{notifiers, NotifierConfig};
mod schedules;
pub use schedules::{local_time, schedules, ScheduleConfig};
mod slos;
pub use slos::{slos, SloConfig};
mod time_intervals;
pub use time_intervals::{time_intervals, time_intervals_value, TimeIntervalConfig};
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
    /// Rebinds keys: action name → key (`ack: "a"`).
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    pub runbooks: Option<Vec<PathBuf>>,
    pub stepper: Option<StepperConfig>,
    pub postmortems: Option<PathBuf>,
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

/// `ack: {duration: 15m}`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckConfig {
    pub duration: Option<String>,
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
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    for (key, value) in [
        ("refresh", &config.refresh),
        ("timeout", &config.timeout),
        ("stale_after", &config.stale_after),
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
            let d = parse_duration(v).map_err(|e| invalid(format!("{key}: {e}{}", line())))?;
            if key == "refresh" && d < Duration::from_secs(1) {
                return Err(invalid(format!(
                    "refresh of {v} is too fast; use at least 1s{}",
                    line()
                )));
            }
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for s in config.alertmanagers.iter().chain(&config.prometheus) {
        let line = text.lines().position(|l| l.contains(s.url.as_str()));
        check_url(&s.url).map_err(|e| invalid(format!("{e}{}", at_line(line))))?;
        // Named by hand twice: a typo, and names key dedup and writes.
        if let Some(name) = s.name.as_deref() {
            if name.trim().is_empty() {
                return Err(invalid(format!(
                    "a source's name is empty; leave `name` out to name it by its host{}",
                    at_line(line)
                )));
            }
            if names.contains(&name) {
                return Err(invalid(format!(
                    "two sources are named {name:?}; each needs a name of its own{}",
                    at_line(line)
                )));
            }
            names.push(name);
        }
    }
    Ok(config)
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

fn check_url(url: &str) -> Result<(), String> {
    let shown = crate::source::redact_url(url);
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(format!(
            "source url {shown:?} must start with http:// or https://"
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("source url {shown:?} has no host"));
    }
    // `host:port` or `[v6]:port`: a port that is not one fails here, not
    // at the first request.
    let port = match host.strip_prefix('[') {
        Some(v6) => v6.split_once("]:").map(|(_, p)| p),
        None => host.split_once(':').map(|(_, p)| p),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Err(format!("source url {shown:?} has no valid port (1-65535)"));
    }
    // A pasted API address: oncall adds the API path itself.
    let path = url.trim_end_matches('/');
    if let Some(api) = ["/api/v2", "/api/v1"].iter().find(|a| path.ends_with(*a)) {
        return Err(format!(
            "source url {shown:?} ends in {api}: give the server's base URL ({}), oncall adds the API path",
            crate::source::redact_url(&path[..path.len() - api.len()])
        ));
    }
    Ok(())
}

/// Source settings from the command line and environment, merged with the config.
#[derive(Debug, Default, Clone)]
pub struct SourceArgs {
    pub alertmanagers: Vec<String>,
    pub prometheus: Vec<String>,
}

/// Sources given on the command line replace the config file's of their
/// kind (`--alertmanager` its `alertmanagers`, `--prometheus` its
/// `prometheus`), as a flag overrides a setting; a kind not given on the
/// command line comes from the config. `ALERTMANAGER_URL` is read by clap
/// into `alertmanagers` when no flag is given.
pub fn source_specs(config: &Config, args: &SourceArgs) -> Result<Vec<SourceSpec>, String> {
    let mut specs = Vec::new();
    for url in &args.alertmanagers {
        check_url(url)?;
        specs.push(plain_spec(url, SourceKind::Alertmanager));
    }
    for url in &args.prometheus {
        check_url(url)?;
        specs.push(plain_spec(url, SourceKind::Prometheus));
    }
    for (list, kind, given) in [
        (
            &config.alertmanagers,
            SourceKind::Alertmanager,
            &args.alertmanagers,
        ),
        (&config.prometheus, SourceKind::Prometheus, &args.prometheus),
    ] {
        for s in list.iter().filter(|_| given.is_empty()) {
            specs.push(SourceSpec {
                name: s.name.clone().unwrap_or_else(|| host_of(&s.url)),
                kind,
                url: s.url.trim_end_matches('/').to_string(),
                cluster: s.cluster.clone(),
                auth: Auth {
                    bearer_token: s
                        .bearer_token_env
                        .clone()
                        .map(Secret::Env)
                        .or_else(|| s.bearer_token_file.clone().map(Secret::File)),
                    basic_user: s.basic_auth.as_ref().map(|b| b.username.clone()),
                    basic_password: s.basic_auth.as_ref().and_then(|b| {
                        b.password_env
                            .clone()
                            .map(Secret::Env)
                            .or_else(|| b.password_file.clone().map(Secret::File))
                    }),
                },
                tls: Tls {
                    ca_file: s.ca_file.clone(),
                    cert_file: s.cert_file.clone(),
                    key_file: s.key_file.clone(),
                    insecure_skip_verify: s.insecure_skip_verify,
                },
            });
        }
    }
    dedup_names(&mut specs);
    Ok(specs)
}

fn plain_spec(url: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        name: host_of(url),
        kind,
        url: url.trim_end_matches('/').to_string(),
        cluster: None,
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

/// `http://user@am1.example:9093/x` → `am1.example:9093`: a short, secret-free name.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string()
}

/// Two sources may not share a name: dedup keys on it.
fn dedup_names(specs: &mut [SourceSpec]) {
    for i in 1..specs.len() {
        let mut n = 2;
        let base = specs[i].name.clone();
        while specs[..i].iter().any(|s| s.name == specs[i].name) {
            specs[i].name = format!("{base}#{n}");
            n += 1;
        }
    }
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
mod tests {
    use super::*;

    const DESIGN_EXAMPLE: &str = r#"
refresh: 15s
author: alice
alertmanagers:
  - {name: am-eu-1, url: "https://am1.example:9093", cluster: eu, bearer_token_file: /etc/oncall/token, ca_file: /etc/oncall/ca.pem}
  - {name: am-eu-2, url: "https://am2.example:9093", cluster: eu}
prometheus:
  - {name: prom-eu, url: "http://prom.example:9090"}
ack: {duration: 15m}
runbooks: [/srv/runbooks]
postmortems: ./postmortems
theme: dark
escalation:
  - name: ml-model-serving
    match: 'team="ml-platform",severity="critical"'
    levels:
      - {after: 5m, targets: [fraud-model-oncall], notify: [pager]}
slos:
  - {name: fraud-availability, objective: 99.9, window: 30d,
     good: 'sum(rate(model_requests_total{status!="error"}[{{window}}]))', total: 'sum(rate(model_requests_total[{{window}}]))'}
"#;

    #[test]
    fn the_design_example_loads() {
        let c = parse(DESIGN_EXAMPLE, Path::new("c.yaml")).unwrap();
        let specs = source_specs(&c, &SourceArgs::default()).unwrap();
        assert_eq!(specs.len(), 3);
        assert_eq!(specs[0].cluster.as_deref(), Some("eu"));
        assert_eq!(
            specs[0].auth.bearer_token,
            Some(Secret::File("/etc/oncall/token".into()))
        );
        assert_eq!(specs[2].kind, SourceKind::Prometheus);
        assert_eq!(c.refresh(), Duration::from_secs(15));
        assert_eq!(slos(&c.slos).unwrap()[0].name, "fraud-availability");
    }

    #[test]
    fn command_line_sources_replace_the_configs_of_their_kind() {
        let c = parse(DESIGN_EXAMPLE, Path::new("c.yaml")).unwrap();
        let names = |args: &SourceArgs| -> Vec<(String, SourceKind)> {
            source_specs(&c, args)
                .unwrap()
                .into_iter()
                .map(|s| (s.name, s.kind))
                .collect()
        };
        let am = SourceArgs {
            alertmanagers: vec!["http://127.0.0.1:9093".into()],
            prometheus: vec![],
        };
        // The config's two Alertmanagers are gone, its Prometheus stays.
        assert_eq!(
            names(&am),
            [
                ("127.0.0.1:9093".to_string(), SourceKind::Alertmanager),
                ("prom-eu".to_string(), SourceKind::Prometheus)
            ]
        );
        let prom = SourceArgs {
            alertmanagers: vec![],
            prometheus: vec!["http://127.0.0.1:9090".into()],
        };
        let got = names(&prom);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].1, SourceKind::Prometheus);
        assert!(got[1..].iter().all(|(_, k)| *k == SourceKind::Alertmanager));
    }

    #[test]
    fn source_urls_without_a_host_or_with_the_api_path_are_refused() {
        let args = |url: &str| SourceArgs {
            alertmanagers: vec![url.into()],
            prometheus: vec![],
        };
        let err = |url: &str| source_specs(&Config::default(), &args(url)).unwrap_err();
        assert_eq!(err("http://"), r#"source url "http://" has no host"#);
        assert_eq!(err("https:///x"), r#"source url "https:///x" has no host"#);
        let e = err("http://am:9093/api/v2/");
        assert!(
            e.contains("ends in /api/v2") && e.contains("(http://am:9093)"),
            "{e}"
        );
        assert!(err("am:9093").contains("must start with http://"));
        assert!(err("http://am:99999").contains("no valid port"));
        assert!(err("http://[::1]:x/").contains("no valid port"));
        assert!(source_specs(&Config::default(), &args("http://[::1]:9093")).is_ok());
        assert!(source_specs(&Config::default(), &args("http://am:9093/alertmanager")).is_ok());
    }

    #[test]
    fn two_sources_named_alike_in_the_config_are_refused() {
        let e = parse(
            "alertmanagers:\n  - {name: am1, url: \"http://a:9093\"}\n  - {name: am1, url: \"http://b:9093\"}\n",
            Path::new("c.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(r#"c.yaml: two sources are named "am1""#) && e.ends_with("at line 3"),
            "{e}"
        );
        let e = parse(
            "alertmanagers:\n  - {name: \"\", url: \"http://a:9093\"}\n",
            Path::new("c.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("name is empty") && e.ends_with("at line 2"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let err = parse(
            "refresh: 15s\nalertmanager:\n  - url: http://x\n",
            Path::new("c.yaml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("alertmanager") && msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let error = |text: &str| parse(text, Path::new("c.yaml")).unwrap_err().to_string();
        let msg = error("refresh: soon\n");
        assert!(msg.contains("refresh") && msg.contains("soon"), "{msg}");
        // Placed by their keys, as serde_yaml places what it finds.
        let msg = error("theme: dark\nsilences: {duration: 2h}\nack:\n\n  duration: forever\n");
        assert!(
            msg.contains("ack.duration") && msg.ends_with("at line 5"),
            "{msg}"
        );
        let msg = error(
            "alertmanagers:\n  - {name: a, url: \"http://a:9093\"}\n  - {name: b, url: \"b:9093\"}\n",
        );
        assert!(
            msg.contains("must start with http://") && msg.ends_with("at line 3"),
            "{msg}"
        );
        let msg = error("theme: dark\nrefresh: 0s\n");
        assert!(
            msg.contains("too fast") && msg.ends_with("at line 2"),
            "{msg}"
        );
        let msg = error("alertmanagers: [{url: am:9093}]\n");
        assert!(msg.contains("http://"), "{msg}");
    }

    #[test]
    fn names_carry_no_credentials_and_stay_unique() {
        let args = SourceArgs {
            alertmanagers: vec!["http://bob:pw@am:9093/".into(), "http://am:9093".into()],
            prometheus: vec![],
        };
        let specs = source_specs(&Config::default(), &args).unwrap();
        assert_eq!(specs[0].name, "am:9093");
        assert_eq!(specs[1].name, "am:9093#2");
    }
}
