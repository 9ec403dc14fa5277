//! `oncall ack` and `oncall unack`: acks are short Alertmanager silences
//! whose comment starts with `ACK!` (the karma / kthxbye convention), so
//! every teammate's console and karma see them.

use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::cluster_writes::{self, or_exit, Clusters};
use crate::cli::{AckArgs, UnackArgs};
use crate::config::Settings;
use crate::model::matcher::format_matchers;
use crate::model::{ack_comment, ack_prefix_of, active_ack, Alert, Matcher, Silence, SilenceDraft};
use crate::sanitize;
use crate::source::alertmanager_writes::{AckOutcome, WriteError, ACK_SETTLE};
use crate::source::Snapshot;

pub async fn ack(settings: &Settings, args: &AckArgs) -> ExitCode {
    let matchers = or_exit!(cluster_writes::matchers(&args.matchers));
    let duration = or_exit!(cluster_writes::duration(
        args.duration.as_deref(),
        settings.ack_duration
    ));
    let clusters = or_exit!(cluster_writes::clusters(settings, true).await);
    let now = Utc::now();
    let draft = SilenceDraft {
        id: None,
        matchers,
        starts_at: now,
        ends_at: cluster_writes::after(now, duration),
        created_by: cluster_writes::author(args.author.as_deref(), settings),
        comment: ack_comment(&settings.ack_prefix, args.comment.as_deref().unwrap_or("")),
    };
    let shown = format_matchers(&draft.matchers);
    let results = clusters
        .each(|group| {
            let draft = draft.clone();
            async move {
                // As the console: when every alert the matchers select is
                // acked already, a new ack would only add noise.
                let snap = group.snapshot().await.ok();
                if let Some((n, acks)) = snap.as_ref().and_then(|s| covering_acks(s, &draft)) {
                    return Ok(Acked::Covered(n, acks));
                }
                let outcome = group.members().ack(&draft, ACK_SETTLE).await?;
                // Only for a hint: a typo in the matchers acks nothing.
                let any_alert = snap.is_none_or(|s| !selected(&s, &draft.matchers).is_empty());
                Ok(Acked::Done(outcome, any_alert))
            }
        })
        .await;
    let now = Utc::now();
    let (mut ok, mut failed) = (0, 0);
    for (cluster, result) in results {
        match result {
            Ok(Acked::Done(outcome, any_alert)) => {
                ok += 1;
                report_ack(&clusters, &cluster, &outcome, any_alert, &shown, now);
            }
            Ok(Acked::Covered(n, acks)) => {
                ok += 1;
                report_covered(&clusters, &cluster, n, &acks, &shown, now);
            }
            Err(e) => {
                failed += 1;
                clusters.fail(&cluster, "cannot ack", &e);
            }
        }
    }
    cluster_writes::exit_code(ok, failed)
}

/// What ack did in one cluster.
enum Acked {
    /// Created an ack, or found one with the same matchers (the bool: some alert matches).
    Done(AckOutcome, bool),
    /// Every alert selected (how many) is under one of these active acks: nothing created.
    Covered(usize, Vec<Silence>),
}

/// The alerts these matchers select.
fn selected<'a>(snap: &'a Snapshot, matchers: &[Matcher]) -> Vec<&'a Alert> {
    snap.alerts
        .iter()
        .filter(|a| matchers.iter().all(|m| m.matches(&a.labels)))
        .collect()
}

/// When the matchers select at least one alert and every one is covered by
/// an active ack (`active_ack`, as the console decides), those acks.
fn covering_acks(snap: &Snapshot, draft: &SilenceDraft) -> Option<(usize, Vec<Silence>)> {
    let alerts = selected(snap, &draft.matchers);
    if alerts.is_empty() {
        return None;
    }
    let n = alerts.len();
    let mut acks: Vec<Silence> = Vec::new();
    for a in alerts {
        let prefix = ack_prefix_of(&draft.comment);
        let s = active_ack(&snap.silences, &a.labels, draft.starts_at, prefix)?;
        if !acks.iter().any(|k| k.id == s.id) {
            acks.push(s.clone());
        }
    }
    Some((n, acks))
}

/// `alice, 14m left (ACK! on it)`.
fn ack_words(s: &Silence, now: DateTime<Utc>) -> String {
    format!(
        "{}, {} left ({})",
        sanitize::line(&s.created_by),
        crate::core::ack_actions::time_left(s.ends_at, now),
        sanitize::line(&s.comment),
    )
}

fn report_covered(
    clusters: &Clusters,
    cluster: &str,
    alerts: usize,
    acks: &[Silence],
    shown: &str,
    now: DateTime<Utc>,
) {
    let mut words: Vec<String> = Vec::new();
    for s in acks {
        let w = ack_words(s, now);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    let which = if alerts == 1 {
        format!("the alert matching {} is", sanitize::line(shown))
    } else {
        format!("all {alerts} alerts matching {} are", sanitize::line(shown))
    };
    eprintln!(
        "oncall: {}{which} already acknowledged by {}; no new ack",
        clusters.at(cluster),
        words.join("; by "),
    );
    for s in acks {
        clusters.print(cluster, &sanitize::line(&s.id));
    }
}

fn report_ack(
    clusters: &Clusters,
    cluster: &str,
    o: &AckOutcome,
    any_alert: bool,
    shown: &str,
    now: DateTime<Utc>,
) {
    let at = clusters.at(cluster);
    if !o.created {
        eprintln!(
            "oncall: {at}already acknowledged by {}; that ack stands",
            ack_words(&o.kept, now)
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
    let matchers = or_exit!(cluster_writes::matchers(&args.matchers));
    let clusters = or_exit!(cluster_writes::clusters(settings, true).await);
    let results = clusters
        .each(|group| {
            let matchers = matchers.clone();
            let prefix = settings.ack_prefix.clone();
            async move {
                let snap = group.snapshot().await?;
                let targets = ack_targets(&snap, &matchers, &prefix);
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
    cluster_writes::exit_code(expired, failed)
}

/// The active acks with exactly these matchers (any order), or covering an
/// alert these matchers select.
fn ack_targets(snap: &crate::source::Snapshot, matchers: &[Matcher], prefix: &str) -> Vec<String> {
    let now = Utc::now();
    let selected: Vec<_> = snap
        .alerts
        .iter()
        .filter(|a| matchers.iter().all(|m| m.matches(&a.labels)))
        .collect();
    let mut ids: Vec<String> = Vec::new();
    for s in &snap.silences {
        let hit = s.is_ack(prefix)
            && s.is_active(now)
            && (s.same_matchers(matchers) || selected.iter().any(|a| s.covers(&a.labels)));
        if hit && !ids.contains(&s.id) {
            ids.push(s.id.clone());
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_matchers, AlertState, Labels, SilenceState};
    use chrono::TimeZone;
    use std::sync::Arc;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
    }

    #[test]
    fn an_ack_is_not_needed_when_every_selected_alert_is_acked_already() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
        let alert = |instance| {
            Alert::new(
                labels(&[("alertname", "ModelServerDown"), ("instance", instance)]),
                AlertState::Suppressed,
                now,
            )
        };
        let ack = |id: &str, instance: &str, comment: &str| Silence {
            id: id.into(),
            matchers: crate::model::label_matchers(&labels(&[
                ("alertname", "ModelServerDown"),
                ("instance", instance),
            ])),
            starts_at: now - chrono::Duration::minutes(1),
            ends_at: now + chrono::Duration::minutes(14),
            created_by: "bob".into(),
            comment: comment.into(),
            state: SilenceState::Active,
            source: "am".into(),
        };
        let mut snap = Snapshot {
            alerts: Arc::new(vec![alert("gpu-1"), alert("gpu-2")]),
            silences: vec![ack("s1", "gpu-1", "ACK! a"), ack("s2", "gpu-2", "ACK! b")],
            ..Snapshot::default()
        };
        let draft = |m: &str| SilenceDraft {
            id: None,
            matchers: parse_matchers(m).unwrap(),
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(15),
            created_by: "alice".into(),
            comment: ack_comment("ACK!", ""),
        };
        let (n, acks) = covering_acks(&snap, &draft("ModelServerDown")).unwrap();
        assert_eq!(n, 2);
        let ids: Vec<&str> = acks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2"]);
        assert_eq!(ack_words(&acks[0], now), "bob, 14m left (ACK! a)");
        // Nothing selected: not "already acked" (the ack waits for them).
        assert!(covering_acks(&snap, &draft("Other")).is_none());
        // One alert not acked, or its silence not an ack: ack.
        snap.silences[1].comment = "maintenance".into();
        assert!(covering_acks(&snap, &draft("ModelServerDown")).is_none());
        assert!(covering_acks(&snap, &draft("instance=gpu-1")).is_some());
    }
}
