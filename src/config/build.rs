//! Turns the command line, the environment and the config file into the
//! settings every command runs with.

use std::path::PathBuf;
use std::time::Duration;

use super::settings::{IncidentSettings, RunbookSettings, Settings};
use super::source_spec::{demo_specs, redact_url};
use crate::cli::GlobalArgs;
use crate::config::{self, SourceArgs};
use crate::model::duration::parse_duration;
use crate::model::{parse_matchers, Sev};

pub(super) fn incident_settings(
    c: Option<&config::IncidentsConfig>,
) -> Result<IncidentSettings, String> {
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
pub fn from_args(args: &GlobalArgs) -> Result<Settings, String> {
    let (config, config_path) = config::load(args.config.as_deref()).map_err(|e| e.to_string())?;
    for url in args.alertmanagers.iter().chain(&args.prometheus) {
        if url
            .split_once("://")
            .is_some_and(|(_, rest)| rest.split('/').next().unwrap_or("").contains('@'))
        {
            return Err(format!(
                "source url {:?} (shown without them) holds credentials, which are refused on the command line and in ALERTMANAGER_URL (they would \
                 land in shell history and process lists); put them in the config file with basic_auth and password_file or password_env",
                redact_url(url)
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
        demo_specs()
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
    let store = super::store_spec::store_spec(config.store.as_ref())?;
    if let Some(e) = unknown_notifies(&policies, &notifiers).into_iter().next() {
        return Err(e);
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
        fold_groups_from: config.fold_groups_from,
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
        page_retry: config.page_retry(),
        store,
        store_grace: config.store_grace(),
        resolve_grace: config.resolve_grace(),
        silence_duration: config.silence_duration(),
        require_comment: config
            .silences
            .as_ref()
            .and_then(|s| s.require_comment)
            .unwrap_or(true),
    })
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

/// Every escalation level's `notify:` name that no notifier has.
pub(super) fn unknown_notifies(
    policies: &[crate::model::escalation::Policy],
    notifiers: &[crate::config::notifier_spec::Notifier],
) -> Vec<String> {
    let mut out = Vec::new();
    for p in policies {
        for (i, l) in p.levels.iter().enumerate() {
            for n in l
                .notify
                .iter()
                .filter(|n| !notifiers.iter().any(|x| &x.name == *n))
            {
                out.push(format!(
                    "escalation.{}.levels[{i}].notify: {n:?} is not in notifiers:",
                    p.name
                ));
            }
        }
    }
    out
}
