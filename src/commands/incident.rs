//! `oncall incident declare | list | show | note | status | severity |
//! resolve`: the incident journal without the console. Same files, same
//! rules (`store::journal`), so a note written here shows up in every open
//! console at its next poll.

use std::process::ExitCode;

use chrono::Utc;

use super::alerts::{fetch_merged, urgent_first, PARTIAL};
use super::cluster_writes::{or_exit, out};
use super::incident_view;
use crate::cli::{
    IncidentCommand, IncidentDeclareArgs, IncidentNoteArgs, IncidentResolveArgs,
    IncidentSeverityArgs, IncidentStatusArgs,
};
use crate::config::Settings;
use crate::model::{
    parse_matchers, Alert, Event, EventData, EventKind, Incident, Labels, Sev, Status,
};
use crate::sanitize;
use crate::store::drafts;
use crate::store::journal::{Declared, Journal, Problem};

pub async fn run(settings: &Settings, cmd: &IncidentCommand) -> ExitCode {
    match cmd {
        IncidentCommand::Declare(a) => declare(settings, a).await,
        IncidentCommand::List(a) => incident_view::list(settings, a),
        IncidentCommand::Show(a) => incident_view::show(settings, a),
        IncidentCommand::Note(a) => note(settings, a),
        IncidentCommand::Status(a) => status(settings, a),
        IncidentCommand::Severity(a) => severity(settings, a),
        IncidentCommand::Resolve(a) => resolve(settings, a),
    }
}

/// The journal in the state dir, or the exit code after saying why not.
pub(super) fn journal(settings: &Settings) -> Result<Journal, ExitCode> {
    let Some(dir) = settings.incident_dir() else {
        eprintln!(
            "oncall: no state directory for the incident journal; pass --state-dir DIR or set XDG_STATE_HOME or HOME"
        );
        return Err(ExitCode::from(1));
    };
    Journal::for_settings(settings, &dir).map_err(fail)
}

/// Says what went wrong (one sentence) and gives exit code 1.
pub(super) fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("oncall: {}", sanitize::line(&e.to_string()));
    ExitCode::from(1)
}

/// Torn or malformed journal lines were skipped; the user should know.
pub(super) fn warn(problems: &[Problem]) {
    for p in problems {
        eprintln!("oncall: warning: {}", sanitize::line(&p.to_string()));
    }
}

/// Ids are written upper case; `inc-20261122-001` is what people type.
pub(super) fn normalize(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// One incident, replayed, with its journal's problems told on stderr.
pub(super) fn load(journal: &Journal, id: &str) -> Result<Incident, ExitCode> {
    let (events, problems) = journal.load(id).map_err(fail)?;
    warn(&problems);
    Incident::replay(id, events).ok_or_else(|| {
        fail(format!(
            "{id} is not an incident: its journal does not start with a `declared` event"
        ))
    })
}

/// The journal is shared state, like acks: --read-only refuses to write it.
fn writable(settings: &Settings) -> Result<(), ExitCode> {
    if settings.read_only {
        return Err(fail(
            "refused: --read-only forbids writing to the incident journal",
        ));
    }
    Ok(())
}

fn parse_sev(text: &str) -> Result<Sev, ExitCode> {
    Sev::parse(text).ok_or_else(|| {
        fail(format!(
            "{:?} is not a severity; use SEV1, SEV2, SEV3 or SEV4 (SEV1 is the worst)",
            text
        ))
    })
}

async fn declare(settings: &Settings, args: &IncidentDeclareArgs) -> ExitCode {
    or_exit!(writable(settings));
    let given_sev = or_exit!(args.severity.as_deref().map(parse_sev).transpose());
    let (alerts, partial) = match &args.alert {
        Some(m) => or_exit!(matching_alerts(settings, m).await),
        None => (Vec::new(), false),
    };
    let title = match args.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => match alerts.first() {
            Some(a) => default_title(a),
            None => {
                return fail(
                    "an incident needs a title: --title TEXT (or --alert MATCHERS to take it from an alert)",
                )
            }
        },
    };
    let severity = given_sev.unwrap_or_else(|| {
        let label = alerts.first().and_then(|a| a.labels.get("severity"));
        settings.incidents.severity_for(label)
    });
    let now = Utc::now();
    let author = settings.author.as_str();
    let link = |a: &Alert| EventData {
        fingerprint: Some(a.fingerprint.to_string()),
        labels: Some(Labels::clone(&a.labels)),
        starts_at: Some(a.starts_at),
        ..EventData::default()
    };
    let first = Event::new(now, author, EventKind::Declared, title.as_str()).with(EventData {
        title: Some(title.clone()),
        severity: Some(severity),
        ..alerts.first().map(link).unwrap_or_default()
    });
    let more: Vec<Event> = alerts
        .iter()
        .skip(1)
        .map(|a| Event::new(now, author, EventKind::AlertLinked, alert_words(a)).with(link(a)))
        .collect();
    let mut journal = or_exit!(journal(settings));
    warn_if_linked_already(&journal, &alerts);
    match journal.declare(first, &more, &[]) {
        Ok(Declared::New(id)) | Ok(Declared::Exists(id)) => out(&id),
        Err(e) => return fail(e),
    }
    if partial {
        ExitCode::from(PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

/// The current alerts `matchers` select, most urgent first (the first one
/// names the incident). The bool: some sources did not answer.
pub(super) async fn matching_alerts(
    settings: &Settings,
    text: &str,
) -> Result<(Vec<Alert>, bool), ExitCode> {
    let matchers = parse_matchers(text).map_err(|e| fail(format!("--alert {text:?}: {e}")))?;
    if matchers.is_empty() {
        return Err(fail(
            "--alert needs at least one matcher, e.g. alertname=\"DiskFull\"",
        ));
    }
    for w in &settings.warnings {
        eprintln!("oncall: warning: {w}");
    }
    let (mut alerts, partial) = fetch_merged(settings).await?;
    alerts.retain(|a| matchers.iter().all(|m| m.matches(&a.labels)));
    if alerts.is_empty() {
        return Err(fail(format!(
            "no current alert matches --alert {}",
            sanitize::line(text)
        )));
    }
    urgent_first(&mut alerts);
    Ok((alerts, partial))
}

/// `alertname: summary`, or the alertname alone.
fn default_title(a: &Alert) -> String {
    match a.summary().trim() {
        "" => a.alertname().to_string(),
        s => format!("{}: {s}", a.alertname()),
    }
}

/// `DiskFull instance=db2,job=node`: enough to tell linked alerts apart.
pub(super) fn alert_words(a: &Alert) -> String {
    let labels: Vec<String> = a
        .labels
        .iter()
        .filter(|(k, _)| !matches!(*k, "alertname" | "severity"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{} {}", a.alertname(), labels.join(","))
        .trim()
        .to_string()
}

/// Declaring by hand is the user's call, but a second incident for an alert
/// an open one already covers is usually a mistake worth a word.
fn warn_if_linked_already(journal: &Journal, alerts: &[Alert]) {
    let Ok((incidents, _)) = journal.load_all() else {
        return;
    };
    for i in incidents.iter().filter(|i| i.is_open()) {
        if let Some(a) = alerts.iter().find(|a| i.links(&a.fingerprint)) {
            eprintln!(
                "oncall: warning: open incident {} ({}) already links {}",
                sanitize::line(&i.id),
                sanitize::line(&i.title),
                sanitize::line(&alert_words(a))
            );
        }
    }
}

/// Loads the incident (so an unknown id is an error and `make` can look at
/// it), appends the one event `make` returns, prints its id.
fn update(
    settings: &Settings,
    id: &str,
    make: impl FnOnce(&Incident) -> Result<Event, ExitCode>,
) -> ExitCode {
    or_exit!(writable(settings));
    let id = normalize(id);
    let mut journal = or_exit!(journal(settings));
    let incident = or_exit!(load(&journal, &id));
    let event = or_exit!(make(&incident));
    match journal.append(&id, &[event]) {
        Ok(ids) => {
            for e in ids {
                out(&e);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn note(settings: &Settings, args: &IncidentNoteArgs) -> ExitCode {
    let text = args.text.join(" ").trim().to_string();
    if text.is_empty() {
        return fail("a note needs some text");
    }
    update(settings, &args.id, |_| {
        Ok(Event::new(
            Utc::now(),
            &settings.author,
            EventKind::Note,
            text,
        ))
    })
}

fn status(settings: &Settings, args: &IncidentStatusArgs) -> ExitCode {
    let Some(status) = Status::parse(&args.status) else {
        return fail(format!(
            "{:?} is not a status; use open, acknowledged, investigating, identified or monitoring",
            args.status
        ));
    };
    if status == Status::Resolved {
        // A resolution is part of resolving; `resolve` asks for it.
        return fail(format!(
            "to resolve, use `oncall incident resolve {} --resolution TEXT`",
            normalize(&args.id)
        ));
    }
    let text = args.note.as_deref().unwrap_or("").trim().to_string();
    update(settings, &args.id, |_| {
        Ok(
            Event::new(Utc::now(), &settings.author, EventKind::Status, text).with(EventData {
                status: Some(status),
                ..EventData::default()
            }),
        )
    })
}

fn severity(settings: &Settings, args: &IncidentSeverityArgs) -> ExitCode {
    let sev = or_exit!(parse_sev(&args.severity));
    update(settings, &args.id, |i| {
        let text = format!("{} → {sev}", i.severity);
        Ok(
            Event::new(Utc::now(), &settings.author, EventKind::Severity, text).with(EventData {
                severity: Some(sev),
                ..EventData::default()
            }),
        )
    })
}

fn resolve(settings: &Settings, args: &IncidentResolveArgs) -> ExitCode {
    let resolution = args.resolution.trim().to_string();
    if resolution.is_empty() {
        return fail("--resolution must say how the incident ended");
    }
    let code = update(settings, &args.id, |i| {
        if !i.is_open() {
            return Err(fail(format!(
                "{} is resolved already ({}); nothing written",
                i.id,
                i.resolution.as_deref().unwrap_or("no resolution given")
            )));
        }
        Ok(
            Event::new(Utc::now(), &settings.author, EventKind::Status, resolution).with(
                EventData {
                    status: Some(Status::Resolved),
                    ..EventData::default()
                },
            ),
        )
    });
    if code != ExitCode::SUCCESS {
        return code;
    }
    // The resolution stands even when the draft cannot be written.
    let Ok(mut j) = journal(settings) else {
        return code;
    };
    let id = normalize(&args.id);
    let drafted =
        drafts::write_and_record(&mut j, &id, settings, &settings.postmortems, Utc::now());
    match drafted {
        Ok(d) => eprintln!("oncall: {}", sanitize::line(&d.said)),
        Err(e) => eprintln!(
            "oncall: warning: postmortem not written: {}",
            sanitize::line(&e)
        ),
    }
    code
}
