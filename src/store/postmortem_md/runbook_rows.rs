//! The postmortem's *Runbook execution* table: one row per step run, with
//! the command as it ran (its variables' values in place), the exit code,
//! how long it took, the branch taken and the last lines of its output.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::sections::{by_time, impact_start};
use super::tables::table;
use super::{cell, cell_code, since, table_time};
use crate::model::{short_duration, Event, EventKind, Incident};

/// Lines of a step's output the table keeps, and characters per line.
pub const OUTPUT_LINES: usize = 3;
pub const OUTPUT_CHARS: usize = 120;

/// `350ms`, `1.8s`, `1m05s`
fn took(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms}ms"),
        1000..=59_999 => format!("{}.{}s", ms / 1000, ms % 1000 / 100),
        _ => short_duration(chrono::Duration::milliseconds(ms as i64)),
    }
}

/// One step's run, gathered from its start, its result and a branch
/// chosen after it.
#[derive(Default)]
struct Row {
    at: Option<DateTime<Utc>>,
    /// The latest event's text: the step and how it ended.
    text: String,
    status: String,
    actor: String,
    command: Option<String>,
    vars: BTreeMap<String, String>,
    exit: Option<i32>,
    duration_ms: Option<u64>,
    branch: Option<String>,
    output: Option<String>,
    ended: bool,
}

type Key = (Option<String>, Option<String>, Option<String>);

fn key(e: &Event) -> Key {
    let d = &e.data;
    (d.runbook.clone(), d.fingerprint.clone(), d.step.clone())
}

fn rows(inc: &Incident) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut last: BTreeMap<Key, usize> = BTreeMap::new();
    for e in by_time(inc)
        .into_iter()
        .filter(|e| e.kind == EventKind::RunbookStep)
    {
        let d = &e.data;
        let status = d.step_status.clone().unwrap_or_default();
        if status == "finished" {
            continue;
        }
        let k = key(e);
        let open = last.get(&k).copied().filter(|&i| {
            let r = &rows[i];
            // A start waits for its result; a result may get its branch later.
            !r.ended || (d.branch.is_some() && r.branch.is_none() && status == r.status)
        });
        let i = match open {
            Some(i) if status != "running" => i,
            _ => {
                rows.push(Row {
                    at: Some(e.time),
                    actor: e.actor.clone(),
                    ..Row::default()
                });
                last.insert(k, rows.len() - 1);
                rows.len() - 1
            }
        };
        let r = &mut rows[i];
        r.text = e.text.clone();
        r.status = status.clone();
        r.ended |= status != "running";
        r.command = d.command.clone().or(r.command.take());
        if let Some(v) = &d.vars {
            r.vars = v.clone();
        }
        r.exit = d.exit_code.or(r.exit);
        r.duration_ms = d.duration_ms.or(r.duration_ms);
        r.branch = d.branch.clone().or(r.branch.take());
        r.output = d.output.clone().or(r.output.take());
    }
    rows
}

/// The command with `$NAME` and `${NAME}` replaced by the values it ran
/// with. For reading only: what ran is the text, values by environment.
pub fn as_run(command: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, used) = match after.strip_prefix('{') {
            Some(inner) => inner
                .find('}')
                .map_or(("", 0), |end| (&inner[..end], end + 2)),
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match vars.get(name) {
            Some(v) => {
                out.push_str(v);
                rest = &after[used..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The last [`OUTPUT_LINES`] lines, each cut at [`OUTPUT_CHARS`].
fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let from = lines.len().saturating_sub(OUTPUT_LINES);
    let cut: Vec<String> = lines[from..]
        .iter()
        .map(|l| match l.char_indices().nth(OUTPUT_CHARS) {
            Some((at, _)) => format!("{}…", &l[..at]),
            None => l.to_string(),
        })
        .collect();
    let more = if from > 0 { "…\n" } else { "" };
    format!("{more}{}", cut.join("\n"))
}

pub fn runbook_table(inc: &Incident) -> String {
    let start = impact_start(inc);
    let rows: Vec<Vec<String>> = rows(inc)
        .into_iter()
        .map(|r| {
            let at = r.at.unwrap_or(start);
            let step = if r.ended {
                r.text.clone()
            } else {
                format!("{} (no result: interrupted)", r.text)
            };
            vec![
                table_time(at),
                since(start, at),
                cell(&step),
                r.command
                    .as_deref()
                    .map_or(String::new(), |c| cell_code(&as_run(c, &r.vars))),
                r.exit.map_or("—".into(), |c| c.to_string()),
                r.duration_ms.map_or("—".into(), took),
                r.branch.as_deref().map_or(String::new(), cell),
                r.output
                    .as_deref()
                    .map_or(String::new(), |o| cell(&tail(o))),
                cell(&r.actor),
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
        "Command as run",
        "Exit",
        "Took",
        "Branch",
        "Last output",
        "By",
    ];
    table(&head, &rows)
        + "\n\n_Did the runbook fit what was happening? Which steps were missing, wrong or slow?_"
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

    #[test]
    fn values_in_place_and_output_bounded() {
        let vars = BTreeMap::from([("NS".to_string(), "ml".to_string())]);
        assert_eq!(
            as_run("kubectl -n \"$NS\" get ${NS}x $OTHER", &vars),
            "kubectl -n \"ml\" get mlx $OTHER"
        );
        let long = format!("{}\nb\nc\n{}", "a", "x".repeat(300));
        let t = tail(&long);
        assert!(t.starts_with("…\nb\nc\n"), "{t}");
        assert_eq!(t.lines().last().unwrap().chars().count(), OUTPUT_CHARS + 1);
    }
}
