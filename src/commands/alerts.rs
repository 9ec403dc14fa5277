//! `oncall alerts`: a one-shot snapshot of the deduplicated alerts.
//!
//! JSON shape (stable; one object per deduplicated alert, most urgent first):
//! `{fingerprint, labels, annotations, state: firing|pending|suppressed,
//!   startsAt, endsAt?, updatedAt?, generatorURL, silencedBy, inhibitedBy,
//!   receivers, sources, ack}`. `ack` is `null`, or the ack that silences the
//!   alert now: `{"by": createdBy, "until": endsAt, "silenceId": id}` (an ack
//!   is a silence whose comment starts with `ACK!`; other silences show only
//!   in `silencedBy`).

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::cli::{AlertsArgs, Output};
use crate::config::Settings;
use crate::core::filter::Filter;
use crate::model::duration::format_age;
use crate::model::{parse_matchers, Alert, Silence};
use crate::sanitize;
use crate::source::{demo, fetch_once, merge_sources, Snapshot, SourceError, SourceKind};

/// Exit code when some sources failed and the output came from the others.
pub const PARTIAL: u8 = 3;

pub async fn run(settings: &Settings, args: &AlertsArgs) -> ExitCode {
    let filter = match &args.filter {
        Some(f) => match parse_matchers(f) {
            Ok(matchers) => Filter {
                source: f.clone(),
                matchers,
                text: vec![],
            },
            Err(e) => {
                eprintln!("oncall: invalid --filter {f:?}: {e}");
                return ExitCode::from(1);
            }
        },
        None => Filter::default(),
    };
    let (mut alerts, mut acks, partial) = match fetch_merged_with_silences(settings).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    acks.retain(|s| s.is_ack(&settings.ack_prefix));
    alerts.retain(|a| {
        filter.matches(a) && !(args.active_only && (a.is_silenced() || a.is_inhibited()))
    });
    urgent_first(&mut alerts);
    let written = match args.output {
        Output::Json => write_json(&alerts, &acks),
        Output::Table => write_table(&alerts, &acks, args.wide),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("oncall: cannot write output: {e}");
            return ExitCode::from(1);
        }
    }
    if partial {
        ExitCode::from(PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

/// Every configured source once, merged and deduplicated, with each failed
/// source told on stderr. The bool: some sources failed (a partial answer).
/// `Err` (the exit code) when there is no source or none answered.
pub(crate) async fn fetch_merged(settings: &Settings) -> Result<(Vec<Alert>, bool), ExitCode> {
    fetch_merged_with_silences(settings)
        .await
        .map(|(alerts, _, partial)| (alerts, partial))
}

/// As `fetch_merged`, with every source's silences (one copy per id).
async fn fetch_merged_with_silences(
    settings: &Settings,
) -> Result<(Vec<Alert>, Vec<Silence>, bool), ExitCode> {
    if settings.sources.is_empty() {
        eprint!("{}", crate::config::no_source_help());
        return Err(ExitCode::from(1));
    }
    let results = fetch_all(settings).await;
    let mut failed = 0;
    for (i, r) in results.iter().enumerate() {
        if let Err(e) = r {
            failed += 1;
            let spec = &settings.sources[i];
            eprintln!(
                "oncall: {} {} ({}): {}",
                spec.kind.name(),
                spec.name,
                crate::source::redact_url(&spec.url),
                sanitize::line(&e.to_string())
            );
        }
    }
    if failed == results.len() {
        return Err(ExitCode::from(1));
    }
    let alerts = merge_sources(
        settings
            .sources
            .iter()
            .zip(&results)
            .filter_map(|(spec, r)| {
                r.as_ref()
                    .ok()
                    .map(|snap| (spec.name.as_str(), spec.kind, snap.alerts.as_slice()))
            }),
    );
    let mut silences: Vec<Silence> = Vec::new();
    for snap in results.into_iter().flatten() {
        for s in snap.silences {
            if !silences.iter().any(|k| k.id == s.id) {
                silences.push(s);
            }
        }
    }
    Ok((alerts, silences, failed > 0))
}

/// The ack that silences this alert now, as Alertmanager says: one of the
/// acks in its `silencedBy` (the one ending last).
fn ack_of<'a>(alert: &Alert, acks: &'a [Silence], now: DateTime<Utc>) -> Option<&'a Silence> {
    acks.iter()
        .filter(|s| s.is_active(now))
        .filter(|s| alert.silenced_by.iter().any(|id| id.as_str() == s.id))
        .max_by_key(|s| s.ends_at)
}

/// One alert of the JSON output: the alert's own keys, and its ack.
#[derive(Serialize)]
struct JsonAlert<'a> {
    #[serde(flatten)]
    alert: &'a Alert,
    ack: Option<JsonAck<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonAck<'a> {
    by: &'a str,
    until: DateTime<Utc>,
    silence_id: &'a str,
}

/// The order the snapshot prints in: firing before pending before
/// suppressed, then by severity, oldest first.
pub(crate) fn urgent_first(alerts: &mut [Alert]) {
    // Keys computed once per alert: severity() compares label aliases, and
    // per comparison it was most of the sort at 10,000 alerts.
    alerts.sort_by_cached_key(|a| {
        (
            a.state as u8,
            a.severity(),
            a.starts_at,
            a.alertname().to_string(),
        )
    });
}

async fn fetch_all(settings: &Settings) -> Vec<Result<Snapshot, SourceError>> {
    let now = Utc::now();
    let mut set = JoinSet::new();
    for (i, spec) in settings.sources.iter().cloned().enumerate() {
        let timeout = settings.timeout;
        let demo = settings.demo || spec.kind == SourceKind::Demo;
        set.spawn(async move {
            let r = if demo {
                Ok(demo::snapshot(i, now - chrono::Duration::seconds(150), now))
            } else {
                fetch_once(&spec, timeout).await
            };
            (i, r)
        });
    }
    let mut results: Vec<Option<Result<Snapshot, SourceError>>> =
        vec![None; settings.sources.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, r)) = joined {
            results[i] = Some(r);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(SourceError::Decode("poll task failed".into()))))
        .collect()
}

fn write_json(alerts: &[Alert], silences: &[Silence]) -> std::io::Result<()> {
    let now = Utc::now();
    let rows: Vec<JsonAlert> = alerts
        .iter()
        .map(|alert| JsonAlert {
            alert,
            ack: ack_of(alert, silences, now).map(|s| JsonAck {
                by: &s.created_by,
                until: s.ends_at,
                silence_id: &s.id,
            }),
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    serde_json::to_writer(&mut out, &rows)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The summary column's width in the table without `--wide`: one line of
/// a wide terminal with the columns before it, not 170 lines of one summary.
const SUMMARY_W: usize = 80;

fn write_table(alerts: &[Alert], silences: &[Silence], wide: bool) -> std::io::Result<()> {
    let now = Utc::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(
        out,
        "{:<9}{:<28}{:<18}{:>5}  {:<40} SUMMARY",
        "SEVERITY", "ALERTNAME", "STATE", "AGE", "LABELS"
    )?;
    for a in alerts {
        let labels: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| *k != "alertname" && *k != "severity")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let labels = labels.join(",");
        let (labels, summary) = if wide {
            let l = sanitize::line(&labels).into_owned();
            let pad = 40usize.saturating_sub(sanitize::width(&l));
            (
                l + &" ".repeat(pad),
                sanitize::line(a.summary()).into_owned(),
            )
        } else {
            (
                sanitize::pad(&labels, 40),
                sanitize::fit(a.summary(), SUMMARY_W),
            )
        };
        writeln!(
            out,
            "{}{}{}{:>5}  {} {}",
            sanitize::pad(a.severity().name(), 9),
            sanitize::pad(a.alertname(), 28),
            sanitize::pad(&state_word(a, silences, now), 18),
            format_age((now - a.starts_at).num_seconds()),
            labels,
            summary.trim_end(),
        )?;
    }
    writeln!(
        out,
        "{} alert{}",
        alerts.len(),
        if alerts.len() == 1 { "" } else { "s" }
    )?;
    out.flush()
}

/// `acked by bob` for an alert an ack silences, else its state.
fn state_word(a: &Alert, silences: &[Silence], now: DateTime<Utc>) -> String {
    match ack_of(a, silences, now) {
        Some(s) => format!("acked by {}", s.created_by),
        None => a.state_word().to_string(),
    }
}
