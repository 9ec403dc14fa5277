//! `oncall silence add | list | expire | extend` (amtool parity).
//!
//! `list --output json` shape (stable; one object per silence id per cluster):
//! `{id, cluster, state: active|pending|expired, matchers: ["name=\"value\""],
//!   startsAt, endsAt, createdBy, comment, ack}`.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cluster_writes::{self, or_exit};
use super::silence_ids::{resolve_ids, unknown_or_failed};
use crate::cli::{Output, SilenceAddArgs, SilenceExpireArgs, SilenceExtendArgs, SilenceListArgs};
use crate::config::Settings;
use crate::model::duration::format_age;
use crate::model::duration::parse_until;
use crate::model::{parse_matchers, Labels, Silence, SilenceDraft, SilenceState};
use crate::sanitize;

pub async fn add(settings: &Settings, args: &SilenceAddArgs) -> ExitCode {
    let matchers = or_exit!(cluster_writes::matchers(&args.matchers));
    let comment = args.comment.as_deref().unwrap_or("").trim().to_string();
    if comment.is_empty() && settings.require_comment {
        eprintln!(
            "oncall: a silence needs a comment saying why (--comment TEXT); \
             to allow none, set `silences: {{require_comment: false}}` in the config"
        );
        return ExitCode::from(1);
    }
    let now = Utc::now();
    let ends_at = match &args.end {
        Some(text) => match parse_end(text, now) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("oncall: --end: {e}");
                return ExitCode::from(1);
            }
        },
        None => cluster_writes::after(
            now,
            or_exit!(cluster_writes::duration(
                args.duration.as_deref(),
                settings.silence_duration
            )),
        ),
    };
    let draft = SilenceDraft {
        id: None,
        matchers,
        starts_at: now,
        ends_at,
        created_by: cluster_writes::author(args.author.as_deref(), settings),
        comment,
    };
    if args.dry_run {
        print_dry_run(&draft);
        return ExitCode::SUCCESS;
    }
    let clusters = or_exit!(cluster_writes::clusters(settings, true).await);
    let results = clusters
        .each(|group| {
            let draft = draft.clone();
            async move { group.members().create(&draft).await }
        })
        .await;
    let (mut ok, mut failed) = (0, 0);
    for (cluster, result) in results {
        match result {
            Ok((id, _member)) => {
                ok += 1;
                clusters.print(&cluster, &sanitize::line(&id));
            }
            Err(e) => {
                failed += 1;
                clusters.fail(&cluster, "cannot create the silence", &e);
            }
        }
    }
    cluster_writes::exit_code(ok, failed)
}

/// `--dry-run`: each matcher as Alertmanager will hold it (name, operator,
/// the value's exact text) and in Alertmanager's own syntax.
fn print_dry_run(draft: &SilenceDraft) {
    cluster_writes::out("dry run: nothing was sent. Alertmanager would store these matchers:");
    let w = draft
        .matchers
        .iter()
        .map(|m| sanitize::width(&sanitize::line(&m.name)))
        .max()
        .unwrap_or(0)
        .max(4);
    cluster_writes::out(&format!("  {:<w$}  op  value", "name"));
    for m in &draft.matchers {
        let name = sanitize::line(&m.name);
        let pad = w.saturating_sub(sanitize::width(&name));
        cluster_writes::out(&format!(
            "  {name}{}  {:<2}  {}",
            " ".repeat(pad),
            m.op.symbol(),
            sanitize::line(&m.value)
        ));
    }
    cluster_writes::out(&format!(
        "as Alertmanager prints them: {}",
        sanitize::line(&crate::model::matcher::format_matchers(&draft.matchers))
    ));
    cluster_writes::out(&format!(
        "from {} to {}, by {}: {}",
        cluster_writes::utc(draft.starts_at),
        cluster_writes::utc(draft.ends_at),
        sanitize::line(&draft.created_by),
        sanitize::line(&draft.comment)
    ));
}

/// `--end`: what the console's form takes (RFC3339, `YYYY-MM-DD HH:MM` or
/// `HH:MM` in UTC, or a duration), and it must be in the future.
pub fn parse_end(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let end = parse_until(text, now)?;
    if end <= now {
        return Err(format!("{} is in the past", cluster_writes::utc(end)));
    }
    Ok(end)
}

/// One row of `silence list`, in the stable JSON shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    id: &'a str,
    cluster: &'a str,
    state: SilenceState,
    matchers: Vec<String>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    created_by: &'a str,
    comment: &'a str,
    ack: bool,
}

pub async fn list(settings: &Settings, args: &SilenceListArgs) -> ExitCode {
    let filter = match args.filter.as_deref().map(parse_matchers).transpose() {
        Ok(f) => f.unwrap_or_default(),
        Err(e) => {
            eprintln!("oncall: invalid --filter: {e}");
            return ExitCode::from(1);
        }
    };
    let clusters = or_exit!(cluster_writes::clusters(settings, false).await);
    let results = clusters
        .each(|group| async move { group.members().list().await })
        .await;
    let now = Utc::now();
    let (mut rows, mut ok, mut failed) = (Vec::new(), 0, 0);
    for (cluster, result) in &results {
        match result {
            Ok(silences) => {
                ok += 1;
                for s in silences {
                    // As amtool: the filter matches the silence's own name → value pairs.
                    let pairs: Labels = s
                        .matchers
                        .iter()
                        .map(|m| (m.name.as_str().into(), m.value.as_str().into()))
                        .collect();
                    let state = s.state_at(now);
                    if (args.expired || state != SilenceState::Expired)
                        && filter.iter().all(|m| m.matches(&pairs))
                    {
                        rows.push((cluster.as_str(), state, s));
                    }
                }
            }
            Err(e) => {
                failed += 1;
                clusters.fail(cluster, "cannot list silences", e);
            }
        }
    }
    if ok == 0 {
        return ExitCode::from(1);
    }
    rows.sort_by_key(|(cluster, state, s)| (*cluster, *state as u8, s.ends_at, s.id.clone()));
    let written = match args.output {
        Output::Json => write_json(&rows, &settings.ack_prefix),
        Output::Table => write_table(&rows, clusters.several(), now, &settings.ack_prefix),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("oncall: cannot write output: {e}");
            return ExitCode::from(1);
        }
    }
    cluster_writes::exit_code(ok, failed)
}

type Row<'a> = (&'a str, SilenceState, &'a Silence);

fn write_json(rows: &[Row], ack_prefix: &str) -> std::io::Result<()> {
    let listed: Vec<Listed> = rows
        .iter()
        .map(|(cluster, state, s)| Listed {
            id: &s.id,
            cluster,
            state: *state,
            matchers: s.matchers.iter().map(|m| m.to_string()).collect(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            created_by: &s.created_by,
            comment: &s.comment,
            ack: s.is_ack(ack_prefix),
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &listed)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn write_table(
    rows: &[Row],
    several: bool,
    now: DateTime<Utc>,
    ack_prefix: &str,
) -> std::io::Result<()> {
    let matchers: Vec<String> = rows
        .iter()
        .map(|(_, _, s)| sanitize::line(&join_matchers(s)).into_owned())
        .collect();
    let width = matchers
        .iter()
        .map(|m| sanitize::width(m))
        .max()
        .unwrap_or(0)
        .clamp(8, 60);
    // As wide as the widest name: `127.0.0.1:29601+127.0.0.1:29602` is common.
    let cluster_width = rows
        .iter()
        .map(|(c, _, _)| sanitize::width(&sanitize::line(c)))
        .chain([sanitize::width("CLUSTER")])
        .max()
        .unwrap_or(0);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let cluster_col = |c: &str| {
        if several {
            sanitize::pad(c, cluster_width + 2)
        } else {
            String::new()
        }
    };
    writeln!(
        out,
        "{}{:<37}{:<15}{} {:<8}  {:<14}COMMENT",
        cluster_col("CLUSTER"),
        "ID",
        "STATE",
        sanitize::pad("MATCHERS", width),
        "ENDS",
        "CREATED BY"
    )?;
    for ((cluster, state, s), m) in rows.iter().zip(&matchers) {
        let state = match state {
            SilenceState::Active => "active",
            SilenceState::Pending => "pending",
            SilenceState::Expired => "expired",
        };
        let state = if s.is_ack(ack_prefix) {
            format!("{state} (ack)")
        } else {
            state.to_string()
        };
        writeln!(
            out,
            "{}{} {:<15}{} {:<8}  {} {}",
            cluster_col(cluster),
            sanitize::pad(&s.id, 36),
            state,
            sanitize::pad(m, width),
            relative(s.ends_at, now),
            sanitize::pad(&s.created_by, 13),
            sanitize::line(&s.comment),
        )?;
    }
    out.flush()
}

pub(super) fn join_matchers(s: &Silence) -> String {
    let parts: Vec<String> = s.matchers.iter().map(|m| m.to_string()).collect();
    parts.join(",")
}

/// `in 12m` for a future time, `3m ago` for a past one.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t > now {
        format!("in {}", crate::core::ack_actions::time_left(t, now))
    } else {
        format!("{} ago", format_age((now - t).num_seconds()))
    }
}

pub async fn expire(settings: &Settings, args: &SilenceExpireArgs) -> ExitCode {
    let clusters = or_exit!(cluster_writes::clusters(settings, true).await);
    let (mut ok, mut failed) = (0, 0);
    for id in resolve_ids(&clusters, &args.ids).await {
        let Some(id) = id else {
            failed += 1;
            continue;
        };
        let results = clusters
            .each(|group| {
                let id = id.clone();
                async move { group.members().expire(&id).await }
            })
            .await;
        if results.iter().any(|(_, r)| r.is_ok()) {
            ok += 1;
            cluster_writes::out(&sanitize::line(&id));
        } else {
            failed += 1;
            unknown_or_failed(&clusters, &id, "expire", &results);
        }
    }
    cluster_writes::exit_code(ok, failed)
}

pub async fn extend(settings: &Settings, args: &SilenceExtendArgs) -> ExitCode {
    let by = or_exit!(cluster_writes::duration(
        Some(&args.duration),
        settings.silence_duration
    ));
    let clusters = or_exit!(cluster_writes::clusters(settings, true).await);
    let resolved = resolve_ids(&clusters, std::slice::from_ref(&args.id)).await;
    let Some(Some(id)) = resolved.into_iter().next() else {
        return ExitCode::from(1);
    };
    let now = Utc::now();
    let results = clusters
        .each(|group| {
            let id = id.clone();
            async move { group.members().extend(&id, by, now).await }
        })
        .await;
    match results.iter().find_map(|(_, r)| r.as_ref().ok()) {
        Some((new_id, end)) => {
            if *new_id != id {
                eprintln!(
                    "oncall: silence {} had ended; Alertmanager made a new one",
                    sanitize::line(&id)
                );
            }
            cluster_writes::out(&format!(
                "{} {}",
                sanitize::line(new_id),
                end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
            ExitCode::SUCCESS
        }
        None => {
            unknown_or_failed(&clusters, &id, "extend", &results);
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn end_times_read_rfc3339_and_utc_wall_clock() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
        let want = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(parse_end("2026-12-01 09:00", now), Ok(want));
        assert_eq!(parse_end("2026-12-01T09:00:00Z", now), Ok(want));
        assert_eq!(parse_end("2026-12-01T10:00:00+01:00", now), Ok(want));
        assert!(parse_end("2026-11-22 02:59", now)
            .unwrap_err()
            .contains("past"));
        assert!(parse_end("tomorrow", now).unwrap_err().contains("RFC3339"));
        assert_eq!(relative(now + chrono::Duration::minutes(12), now), "in 12m");
        // To the minute, as the console says it: not `in 1h` or `in 6d`.
        assert_eq!(
            relative(now + chrono::Duration::minutes(119), now),
            "in 1h59m"
        );
        assert_eq!(
            relative(now + chrono::Duration::hours(6 * 24 + 23), now),
            "in 6d23h"
        );
        assert_eq!(relative(now - chrono::Duration::minutes(3), now), "3m ago");
    }
}
