//! The tables of a postmortem draft: metrics, the timeline of milestones
//! and pinned events, runbook steps, and the full event log.

use chrono::{DateTime, Utc};

use super::sections::{by_time, impact_start};
use super::{cell, cell_code, since, table_time, MetricGet, METRICS};
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

fn table(head: &[&str], rows: &[Vec<String>]) -> String {
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

/// `350ms`, `1.8s`, `1m05s`
fn took(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms}ms"),
        1000..=59_999 => format!("{}.{}s", ms / 1000, ms % 1000 / 100),
        _ => short_duration(chrono::Duration::milliseconds(ms as i64)),
    }
}

pub fn runbook_table(inc: &Incident) -> String {
    let start = impact_start(inc);
    let rows: Vec<Vec<String>> = by_time(inc)
        .into_iter()
        .filter(|e| e.kind == EventKind::RunbookStep)
        .map(|e| {
            let d = &e.data;
            vec![
                table_time(e.time),
                since(start, e.time),
                cell(&e.text),
                d.command.as_deref().map_or(String::new(), cell_code),
                d.exit_code.map_or("—".into(), |c| c.to_string()),
                d.duration_ms.map_or("—".into(), took),
                d.branch.as_deref().map_or(String::new(), cell),
                cell(&e.actor),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "_No runbook steps were run from oncall during this incident. If commands were \
                run by hand, list them here with what they showed._"
            .into();
    }
    let head = [
        "Time (UTC)",
        "T+",
        "Step",
        "Command",
        "Exit",
        "Took",
        "Branch",
        "By",
    ];
    table(&head, &rows)
        + "\n\n_Did the runbook fit what was happening? Which steps were missing, wrong or slow?_"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_durations() {
        assert_eq!(took(350), "350ms");
        assert_eq!(took(1840), "1.8s");
        assert_eq!(took(65_200), "1m05s");
    }
}
