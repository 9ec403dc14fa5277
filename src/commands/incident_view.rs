//! `oncall incident list` and `show`: incidents as tables and as JSON.
//!
//! `list --output json` (stable): `[{id, title, severity, status, started,
//! declared, resolved?, alerts: [fingerprint], responders}]`.
//! `show --output json` (stable): `{id, title, severity, status, resolution?,
//! responders, milestones: {name: time?}, milestones_by_hand: [name],
//! alerts: [{fingerprint, labels}], postmortem?: {path, hash},
//! timeline: [{id, time, actor, type, text, data?, pinned}]}`.
//!
//! Tables print every journal string through `sanitize` (a note can carry
//! escape sequences); JSON is for programs and escapes control characters.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cluster_writes::or_exit;
use super::incident::{fail, journal, load, normalize, warn};
use crate::cli::{IncidentListArgs, IncidentShowArgs, Output};
use crate::model::duration::format_age;
use crate::model::{Event, EventKind, Incident, Labels, Milestone};
use crate::sanitize;

pub fn list(settings: &crate::config::Settings, args: &IncidentListArgs) -> ExitCode {
    let journal = or_exit!(journal(settings));
    let (mut incidents, problems) = match journal.load_all() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    warn(&problems);
    incidents.retain(|i| args.all || i.is_open());
    let written = match args.output {
        Output::Json => json(&incidents.iter().map(ListRow::of).collect::<Vec<_>>()),
        Output::Table => list_table(&incidents, args.all),
    };
    done(written)
}

pub fn show(settings: &crate::config::Settings, args: &IncidentShowArgs) -> ExitCode {
    let journal = or_exit!(journal(settings));
    let incident = or_exit!(load(&journal, &normalize(&args.id)));
    let written = match args.output {
        Output::Json => json(&Shown::of(&incident)),
        Output::Table => show_table(&incident),
    };
    done(written)
}

/// A closed pipe (`| head`) is not an error; anything else is.
fn done(written: std::io::Result<()>) -> ExitCode {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            fail(format!("cannot write output: {e}"))
        }
        _ => ExitCode::SUCCESS,
    }
}

fn json<T: Serialize>(value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[derive(Serialize)]
struct ListRow<'a> {
    id: &'a str,
    title: &'a str,
    severity: String,
    status: &'a str,
    started: DateTime<Utc>,
    declared: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<DateTime<Utc>>,
    alerts: Vec<&'a str>,
    responders: &'a [String],
}

impl ListRow<'_> {
    fn of(i: &Incident) -> ListRow<'_> {
        ListRow {
            id: &i.id,
            title: &i.title,
            severity: i.severity.to_string(),
            status: i.status.word(),
            started: i.started(),
            declared: i.milestone(Milestone::Declared),
            resolved: i.milestone(Milestone::Resolved),
            alerts: i.alerts.iter().map(|(fp, _)| fp.as_str()).collect(),
            responders: &i.responders,
        }
    }
}

fn list_table(incidents: &[Incident], all: bool) -> std::io::Result<()> {
    let now = Utc::now();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "{:<18}{:<6}{:<15}{:>6}  TITLE",
        "ID", "SEV", "STATUS", "AGE"
    )?;
    for i in incidents {
        writeln!(
            out,
            "{}{:<6}{:<15}{:>6}  {}",
            sanitize::pad(&i.id, 18),
            i.severity.to_string(),
            i.status.word(),
            format_age((now - i.started()).num_seconds()),
            sanitize::line(&i.title)
        )?;
    }
    let n = incidents.len();
    let which = if all { "" } else { "open " };
    writeln!(out, "{n} {which}incident{}", if n == 1 { "" } else { "s" })?;
    out.flush()
}

#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    title: &'a str,
    severity: String,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<&'a str>,
    responders: &'a [String],
    milestones: Milestones,
    milestones_by_hand: Vec<&'static str>,
    alerts: Vec<LinkedAlert<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postmortem: Option<Postmortem<'a>>,
    timeline: Vec<Row<'a>>,
}

/// A struct rather than a map so the JSON keeps the lifecycle order.
#[derive(Serialize)]
struct Milestones {
    impact_started: Option<DateTime<Utc>>,
    detected: Option<DateTime<Utc>>,
    acknowledged: Option<DateTime<Utc>>,
    declared: Option<DateTime<Utc>>,
    mitigated: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct LinkedAlert<'a> {
    fingerprint: &'a str,
    labels: &'a Labels,
}

#[derive(Serialize)]
struct Postmortem<'a> {
    path: &'a str,
    hash: &'a str,
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    event: &'a Event,
    pinned: bool,
}

impl Shown<'_> {
    fn of(i: &Incident) -> Shown<'_> {
        Shown {
            id: &i.id,
            title: &i.title,
            severity: i.severity.to_string(),
            status: i.status.word(),
            resolution: i.resolution.as_deref(),
            responders: &i.responders,
            milestones: Milestones {
                impact_started: i.milestone(Milestone::ImpactStarted),
                detected: i.milestone(Milestone::Detected),
                acknowledged: i.milestone(Milestone::Acknowledged),
                declared: i.milestone(Milestone::Declared),
                mitigated: i.milestone(Milestone::Mitigated),
                resolved: i.milestone(Milestone::Resolved),
            },
            milestones_by_hand: Milestone::ALL
                .into_iter()
                .filter(|m| i.milestone_by_hand(*m))
                .map(Milestone::word)
                .collect(),
            alerts: i
                .alerts
                .iter()
                .map(|(fingerprint, labels)| LinkedAlert {
                    fingerprint,
                    labels,
                })
                .collect(),
            postmortem: i.postmortem.as_ref().map(|p| Postmortem {
                path: &p.path,
                hash: &p.hash,
            }),
            timeline: i
                .events
                .iter()
                .map(|event| Row {
                    event,
                    pinned: i.is_pinned(event),
                })
                .collect(),
        }
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn show_table(i: &Incident) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let s = |text: &str| sanitize::line(text).into_owned();
    writeln!(
        out,
        "{}  {}  {}  {}",
        s(&i.id),
        i.severity,
        i.status,
        s(&i.title)
    )?;
    if let Some(r) = &i.resolution {
        writeln!(out, "resolution: {}", s(r))?;
    }
    let responders: Vec<String> = i.responders.iter().map(|r| s(r)).collect();
    writeln!(out, "responders: {}", responders.join(", "))?;
    if let Some(p) = &i.postmortem {
        writeln!(out, "postmortem: {}", s(&p.path))?;
    }

    writeln!(out, "\nMilestones (UTC)")?;
    for m in Milestone::ALL {
        let at = i.milestone(m).map_or_else(|| "-".to_string(), utc);
        let hand = if i.milestone_by_hand(m) {
            "  (set by hand)"
        } else {
            ""
        };
        writeln!(out, "  {:<16}{at}{hand}", m.word())?;
    }

    writeln!(out, "\nLinked alerts")?;
    if i.alerts.is_empty() {
        writeln!(out, "  none")?;
    }
    for (fp, labels) in &i.alerts {
        let name = labels.get("alertname").unwrap_or("");
        let rest: Vec<String> = labels
            .iter()
            .filter(|(k, _)| *k != "alertname")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(out, "  {}  {}  {}", s(fp), s(name), s(&rest.join(",")))?;
    }

    let pins = if i.pinned.is_empty() {
        ""
    } else {
        ", * = pinned"
    };
    writeln!(out, "\nTimeline (UTC{pins})")?;
    let actor_width = i
        .events
        .iter()
        .map(|e| sanitize::width(&s(&e.actor)))
        .max()
        .unwrap_or(0)
        .min(16);
    for e in &i.events {
        writeln!(
            out,
            "{} {}  {}  {:<10}  {}",
            if i.is_pinned(e) { "*" } else { " " },
            utc(e.time),
            sanitize::pad(&e.actor, actor_width),
            e.kind.word(),
            s(&row_text(e))
        )?;
    }
    out.flush()
}

/// What a timeline row says. A status change keeps its note (or the
/// resolution) in `text` and the new status in `data`: show both.
fn row_text(e: &Event) -> String {
    match (e.kind, e.data.status) {
        (EventKind::Status, Some(status)) if e.text.is_empty() => status.word().to_string(),
        (EventKind::Status, Some(status)) => format!("{status}: {}", e.text),
        _ => e.text.clone(),
    }
}
