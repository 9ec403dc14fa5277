//! Runs the writes the console asks for (`Effect::Write`): each job on its
//! cluster, clusters in parallel, and reports each cluster's answer.

use std::time::Duration;

use chrono::Utc;

use super::alertmanager_writes::{Members, ACK_SETTLE};
use super::cluster::Cluster;
use super::SourceSpec;
use crate::model::{Alert, SilenceDraft};

/// One write the console asked for, per cluster.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteOp {
    Ack(SilenceDraft),
    /// Create, or replace when the draft has an id.
    Silence(SilenceDraft),
    Expire(Vec<String>),
    Extend {
        id: String,
        by: Duration,
    },
    Resolve(Vec<Alert>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct WriteRequest {
    /// What the user did, for the status line ("ack of HighLatency").
    pub what: String,
    /// Came from the silence form, which stays open until the answer.
    pub from_form: bool,
    pub jobs: Vec<(Cluster, WriteOp)>,
}

/// The answer of each cluster: what was done, or why not.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteReport {
    pub what: String,
    pub from_form: bool,
    pub results: Vec<(String, Result<String, String>)>,
}

/// Runs every job of a request (clusters in parallel) and reports, in job order.
pub async fn execute(specs: &[SourceSpec], timeout: Duration, req: WriteRequest) -> WriteReport {
    let specs = std::sync::Arc::new(specs.to_vec());
    let mut tasks = tokio::task::JoinSet::new();
    for (k, (cluster, op)) in req.jobs.iter().cloned().enumerate() {
        let specs = specs.clone();
        tasks.spawn(async move {
            let members = Members::new(&specs, &cluster.members, timeout);
            (k, run(&members, &op).await)
        });
    }
    let mut answers: Vec<Option<Result<String, String>>> = vec![None; req.jobs.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((k, r)) = done {
            answers[k] = Some(r);
        }
    }
    let results = req
        .jobs
        .iter()
        .zip(answers)
        .map(|((c, _), r)| {
            (
                c.name.clone(),
                r.unwrap_or_else(|| Err("the write task failed".into())),
            )
        })
        .collect();
    WriteReport {
        what: req.what,
        from_form: req.from_form,
        results,
    }
}

async fn run(members: &Members<'_>, op: &WriteOp) -> Result<String, String> {
    let now = Utc::now();
    let short = |id: &str| id.chars().take(8).collect::<String>();
    match op {
        WriteOp::Ack(draft) => {
            let out = members
                .ack(draft, ACK_SETTLE)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if out.created {
                format!("acked (silence {})", short(&out.kept.id))
            } else {
                format!(
                    "already acked by {} (silence {})",
                    crate::sanitize::line(&out.kept.created_by),
                    short(&out.kept.id)
                )
            })
        }
        WriteOp::Silence(draft) => {
            let (id, _) = members.create(draft).await.map_err(|e| e.to_string())?;
            Ok(match &draft.id {
                Some(old) if *old != id => {
                    format!("silence {} replaced by {}", short(old), short(&id))
                }
                Some(_) => format!("silence {} updated", short(&id)),
                None => format!("silence {} created", short(&id)),
            })
        }
        WriteOp::Expire(ids) => {
            let mut failed = Vec::new();
            for id in ids {
                if let Err(e) = members.expire(id).await {
                    failed.push(format!("{}: {e}", short(id)));
                }
            }
            if failed.is_empty() {
                let n = ids.len();
                Ok(format!(
                    "{n} silence{} expired",
                    if n == 1 { "" } else { "s" }
                ))
            } else {
                Err(failed.join("; "))
            }
        }
        WriteOp::Extend { id, by } => {
            let (new_id, end) = members
                .extend(id, *by, now)
                .await
                .map_err(|e| e.to_string())?;
            // The day only when it is not today: the time must fit at 80 columns.
            let when = if end.date_naive() == now.date_naive() {
                end.format("%H:%M UTC").to_string()
            } else {
                end.format("%Y-%m-%d %H:%M UTC").to_string()
            };
            Ok(format!("silence {} now ends {when}", short(&new_id)))
        }
        WriteOp::Resolve(alerts) => {
            let took = members
                .resolve(alerts, now)
                .await
                .map_err(|e| e.to_string())?;
            let missed = members.specs.len() - took.len();
            // Short: at 80 columns the status line holds about 75 characters.
            Ok(if missed > 0 {
                format!("resolved, but {missed} unreachable member(s) still show it")
            } else {
                "resolved (it returns if its rule still fires)".into()
            })
        }
    }
}
