//! `oncall ack` and `oncall unack`: acks are short Alertmanager silences
//! whose comment starts with `ACK!` (the karma / kthxbye convention), so
//! every teammate's console and karma see them.

use std::process::ExitCode;

use chrono::Utc;

use super::write::{self, or_exit, Clusters};
use crate::app::Settings;
use crate::cli::{AckArgs, UnackArgs};
use crate::model::matcher::format_matchers;
use crate::model::{ack_comment, Matcher, SilenceDraft};
use crate::sanitize;
use crate::source::write::{AckOutcome, WriteError, ACK_SETTLE};

pub async fn ack(settings: &Settings, args: &AckArgs) -> ExitCode {
    let matchers = or_exit!(write::matchers(&args.matchers));
    let duration = or_exit!(write::duration(
        args.duration.as_deref(),
        settings.ack_duration
    ));
    let clusters = or_exit!(write::clusters(settings, true).await);
    let now = Utc::now();
    let draft = SilenceDraft {
        id: None,
        matchers,
        starts_at: now,
        ends_at: write::after(now, duration),
        created_by: write::author(args.author.as_deref(), settings),
        comment: ack_comment(args.comment.as_deref().unwrap_or("")),
    };
    let shown = format_matchers(&draft.matchers);
    let results = clusters
        .each(|group| {
            let draft = draft.clone();
            async move {
                let outcome = group.members().ack(&draft, ACK_SETTLE).await?;
                // Only for a hint: a typo in the matchers acks nothing.
                let firing = group.snapshot().await.map(|snap| {
                    snap.alerts
                        .iter()
                        .any(|a| draft.matchers.iter().all(|m| m.matches(&a.labels)))
                });
                Ok((outcome, firing.unwrap_or(true)))
            }
        })
        .await;
    let (mut ok, mut failed) = (0, 0);
    for (cluster, result) in results {
        match result {
            Ok((outcome, any_alert)) => {
                ok += 1;
                report_ack(&clusters, &cluster, &outcome, any_alert, &shown);
            }
            Err(e) => {
                failed += 1;
                clusters.fail(&cluster, "cannot ack", &e);
            }
        }
    }
    write::exit_code(ok, failed)
}

fn report_ack(clusters: &Clusters, cluster: &str, o: &AckOutcome, any_alert: bool, shown: &str) {
    let at = clusters.at(cluster);
    if !o.created {
        eprintln!(
            "oncall: {at}already acknowledged by {} until {} ({}); that ack stands",
            sanitize::line(&o.kept.created_by),
            write::utc(o.kept.ends_at),
            sanitize::line(&o.kept.comment),
        );
    }
    if !any_alert {
        eprintln!(
            "oncall: {at}note: no alert matches {} right now; the ack silences any that fire before it ends",
            sanitize::line(shown)
        );
    }
    clusters.print(cluster, &sanitize::line(&o.kept.id));
}

/// What unack did in one cluster: the acks expired, and those that would not go.
struct Unacked {
    expired: Vec<String>,
    refused: Vec<(String, WriteError)>,
}

pub async fn unack(settings: &Settings, args: &UnackArgs) -> ExitCode {
    let matchers = or_exit!(write::matchers(&args.matchers));
    let clusters = or_exit!(write::clusters(settings, true).await);
    let results = clusters
        .each(|group| {
            let matchers = matchers.clone();
            async move {
                let snap = group.snapshot().await?;
                let targets = ack_targets(&snap, &matchers);
                let members = group.members();
                let mut done = Unacked {
                    expired: vec![],
                    refused: vec![],
                };
                for id in targets {
                    match members.expire(&id).await {
                        Ok(_) => done.expired.push(id),
                        Err(e) => done.refused.push((id, e)),
                    }
                }
                Ok(done)
            }
        })
        .await;
    let (mut expired, mut failed) = (0, 0);
    for (cluster, result) in results {
        match result {
            Ok(done) => {
                for id in &done.expired {
                    clusters.print(&cluster, &sanitize::line(id));
                }
                expired += done.expired.len();
                for (id, e) in &done.refused {
                    failed += 1;
                    clusters.fail(
                        &cluster,
                        &format!("cannot expire ack {}", sanitize::line(id)),
                        e,
                    );
                }
            }
            Err(e) => {
                failed += 1;
                clusters.fail(&cluster, "cannot read acks", &e);
            }
        }
    }
    if expired == 0 && failed == 0 {
        eprintln!(
            "oncall: nothing to unack: no active ack (ACK! silence) has the matchers {} or covers an alert they select",
            sanitize::line(&format_matchers(&matchers))
        );
        return ExitCode::from(1);
    }
    write::exit_code(expired, failed)
}

/// The active acks with exactly these matchers (any order), or covering an
/// alert these matchers select.
fn ack_targets(snap: &crate::source::Snapshot, matchers: &[Matcher]) -> Vec<String> {
    let now = Utc::now();
    let selected: Vec<_> = snap
        .alerts
        .iter()
        .filter(|a| matchers.iter().all(|m| m.matches(&a.labels)))
        .collect();
    let mut ids: Vec<String> = Vec::new();
    for s in &snap.silences {
        let hit = s.is_ack()
            && s.is_active(now)
            && (s.same_matchers(matchers) || selected.iter().any(|a| s.covers(&a.labels)));
        if hit && !ids.contains(&s.id) {
            ids.push(s.id.clone());
        }
    }
    ids
}
