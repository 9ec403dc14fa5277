//! `oncall stats`: incidents by severity, time to acknowledge and to
//! resolve, recent declarations and the noisiest alerts, from the journal
//! and the activity log in the state directory.
//!
//! JSON shape (stable): `{incidents: {total, open, by_severity: {SEV1..SEV4}},
//! declared: {last_24h, last_7d}, time_to_acknowledge: {count, median,
//! median_seconds, mean, mean_seconds}, time_to_resolve: {...},
//! fired_most: [{alertname, count}], acked_without_incident: [{alertname, count}]}`
//! (durations as `4m05s` and whole seconds; null when there is none).

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;
use serde_json::{json, Value};

use crate::cli::{Output, StatsArgs};
use crate::config::Settings;
use crate::model::short_duration;
use crate::sanitize;
use crate::store::stats::{compute, AlertCount, Spread, Stats};

/// Rows of each noisy-alert list the table shows (JSON has them all).
const TOP: usize = 10;

pub fn run(settings: &Settings, args: &StatsArgs) -> ExitCode {
    let j = match super::incident::journal(settings) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let loaded = j.load_all().and_then(|(incidents, mut problems)| {
        let (activity, more) = j.read_activity()?;
        problems.extend(more);
        Ok((incidents, activity, problems))
    });
    let (incidents, activity, problems) = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("oncall: {}", sanitize::line(&e.to_string()));
            return ExitCode::from(1);
        }
    };
    super::incident::warn(&problems);
    let stats = compute(&incidents, &activity, Utc::now());
    let text = match args.output {
        Output::Json => format!("{:#}\n", to_json(&stats)),
        Output::Table => table(&stats),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oncall: cannot write to stdout: {e}");
            ExitCode::from(1)
        }
    }
}

fn spread_json(s: &Spread) -> Value {
    json!({
        "count": s.count,
        "median": s.median.map(short_duration),
        "median_seconds": s.median.map(|d| d.num_seconds()),
        "mean": s.mean.map(short_duration),
        "mean_seconds": s.mean.map(|d| d.num_seconds()),
    })
}

fn counts_json(v: &[AlertCount]) -> Value {
    v.iter()
        .map(|c| json!({"alertname": c.alertname, "count": c.count}))
        .collect()
}

pub fn to_json(s: &Stats) -> Value {
    let by_severity: serde_json::Map<String, Value> = s
        .by_severity
        .iter()
        .map(|(sev, n)| (sev.to_string(), json!(n)))
        .collect();
    json!({
        "incidents": {"total": s.incidents, "open": s.open, "by_severity": by_severity},
        "declared": {"last_24h": s.declared_last_24h, "last_7d": s.declared_last_7d},
        "time_to_acknowledge": spread_json(&s.time_to_acknowledge),
        "time_to_resolve": spread_json(&s.time_to_resolve),
        "fired_most": counts_json(&s.fired),
        "acked_without_incident": counts_json(&s.acked_without_incident),
    })
}

pub fn table(s: &Stats) -> String {
    let sevs: Vec<String> = s
        .by_severity
        .iter()
        .map(|(sev, n)| format!("{sev} {n}"))
        .collect();
    let mut out = format!(
        "INCIDENTS  {} ({} open)  {}\nDECLARED   {} in the last 24h, {} in the last 7d\n\n",
        s.incidents,
        s.open,
        sevs.join("  "),
        s.declared_last_24h,
        s.declared_last_7d
    );
    let d = |x: Option<chrono::Duration>| x.map_or("—".into(), short_duration);
    out += &format!("{:<20} {:>7} {:>7}  INCIDENTS\n", "", "MEDIAN", "MEAN");
    for (name, sp) in [
        ("time to acknowledge", &s.time_to_acknowledge),
        ("time to resolve", &s.time_to_resolve),
    ] {
        out += &format!(
            "{name:<20} {:>7} {:>7}  {}\n",
            d(sp.median),
            d(sp.mean),
            sp.count
        );
    }
    for (title, list) in [
        ("FIRED MOST", &s.fired),
        ("ACKED WITHOUT AN INCIDENT", &s.acked_without_incident),
    ] {
        let width = list
            .iter()
            .take(TOP)
            .map(|c| sanitize::width(&sanitize::line(&c.alertname)))
            .chain([title.len()])
            .max()
            .unwrap_or(0)
            .min(60);
        out += &format!("\n{} {:>6}\n", sanitize::pad(title, width), "COUNT");
        if list.is_empty() {
            out += "(none)\n";
        }
        for c in list.iter().take(TOP) {
            out += &format!("{} {:>6}\n", sanitize::pad(&c.alertname, width), c.count);
        }
        if list.len() > TOP {
            out += &format!(
                "… and {} more (--output json lists all)\n",
                list.len() - TOP
            );
        }
    }
    out
}
