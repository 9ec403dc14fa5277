//! The tables of a postmortem draft: metrics, the timeline of milestones
//! and pinned events, runbook steps, and the full event log.

use chrono::{DateTime, Utc};

use super::sections::{by_time, impact_start};
use super::{cell, since, table_time, MetricGet, METRICS};
use crate::model::{short_duration, Event, EventKind, Incident, Milestone};

/// An event's text for a table cell; changes of state name the new value
/// (their text is often empty).
fn describe(e: &Event) -> String {
    let d = &e.data;
    let change = match e.kind {
        EventKind::Status => d.status.map(|s| format!("→ {}", s.word())),
        EventKind::Severity => d.severity.map(|s| format!("→ {s}")),
        EventKind::Title => d.title.as_deref().map(|t| format!("→ {}", cell(t))),
        EventKind::Milestone => match (d.milestone, d.at) {
            (Some(m), Some(at)) => Some(format!("{} = {}", m.word(), table_time(at))),
            _ => None,
        },
        _ => None,
    };
    match (change, cell(&e.text)) {
        (Some(c), t) if t.is_empty() => c,
        (Some(c), t) => format!("{c}: {t}"),
        (None, t) => t,
    }
}

pub(super) fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}|",
        head.join(" | "),
        ["---"; 9][..head.len()].join("|")
    );
    for row in rows {
        out += &format!("\n| {} |", row.join(" | "));
    }
    out
}

fn label(m: Milestone) -> &'static str {
    match m {
        Milestone::ImpactStarted => "Impact started",
        Milestone::Detected => "Detected",
        Milestone::Acknowledged => "Acknowledged",
        Milestone::Declared => "Declared",
        Milestone::Mitigated => "Mitigated",
        Milestone::Resolved => "Resolved",
    }
}

pub fn metrics_table(inc: &Incident) -> String {
    let metrics = inc.metrics();
    let spans = [
        "impact started → detected",
        "alert fired → acknowledged",
        "impact started → mitigated",
        "impact started → resolved",
    ];
    let rows: Vec<Vec<String>> = METRICS
        .iter()
        .zip(spans)
        .map(|((name, get), span): (&(&str, MetricGet), _)| {
            let d = get(&metrics);
            let mut title = name.replace('_', " ");
            title[..1].make_ascii_uppercase();
            vec![
                title,
                d.map_or("—".into(), short_duration),
                d.map_or(String::new(), |d| d.num_seconds().to_string()),
                span.to_string(),
            ]
        })
        .collect();
    table(&["Metric", "Duration", "Seconds", "Measured"], &rows)
}

pub fn timeline_table(inc: &Incident) -> String {
    let start = impact_start(inc);
    let mut rows: Vec<(DateTime<Utc>, Vec<String>)> = Vec::new();
    for m in Milestone::ALL {
        let Some(t) = inc.milestone(m) else { continue };
        let hand = if inc.milestone_by_hand(m) {
            " (set by hand)"
        } else {
            ""
        };
        let what = format!("**{}**{hand}", label(m));
        rows.push((t, vec![table_time(t), since(start, t), what, String::new()]));
    }
    let pinned: Vec<&Event> = by_time(inc)
        .into_iter()
        .filter(|e| inc.is_pinned(e))
        .collect();
    for e in &pinned {
        let what = format!("{}: {}", e.kind.word(), describe(e));
        rows.push((
            e.time,
            vec![
                table_time(e.time),
                since(start, e.time),
                what,
                cell(&e.actor),
            ],
        ));
    }
    rows.sort_by_key(|(t, _)| *t);
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    let mut out = table(&["Time (UTC)", "T+", "What", "By"], &rows);
    if pinned.is_empty() {
        out += "\n\n_No events are pinned. Pin the ones that tell the story (in the console's \
                timeline) and write this draft again, or add rows here._";
    }
    out
}

pub fn event_log(inc: &Incident) -> String {
    let start = impact_start(inc);
    let rows: Vec<Vec<String>> = by_time(inc)
        .into_iter()
        .map(|e| {
            let pin = if inc.is_pinned(e) { " (pinned)" } else { "" };
            vec![
                table_time(e.time),
                since(start, e.time),
                format!("{}{pin}", e.kind.word()),
                cell(&e.actor),
                describe(e),
            ]
        })
        .collect();
    table(&["Time (UTC)", "T+", "Type", "By", "Text"], &rows)
}
