//! Writes to Alertmanager: silences (create, replace, expire, extend), acks
//! that stay single when two consoles ack at once, and resolving alerts.
//! Each write goes to one member of a cluster, trying the members in turn.

pub use super::execute::{execute, WriteOp, WriteReport, WriteRequest};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::alertmanager::silence;
use super::dto::AmSilence;
use super::http::{decode, get_json, join, read_body, send_error, HttpClient};
use super::{SourceError, SourceSpec};
use crate::model::{ack_prefix_of, silence::ack_keeper, Alert, Silence, SilenceDraft};

/// How long an ack waits for gossip before looking for a twin made at the
/// same moment by another console (Alertmanager gossips within ~200 ms).
pub const ACK_SETTLE: Duration = Duration::from_millis(1000);

/// Every member of a cluster refused or could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError {
    /// (member name, what went wrong), in the order tried.
    pub attempts: Vec<(String, SourceError)>,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .attempts
            .iter()
            .map(|(member, e)| match e {
                SourceError::Status { status, snippet } => {
                    format!("{status} from {member}: {}", server_words(snippet))
                }
                other => format!("{member}: {other}"),
            })
            .collect();
        if parts.is_empty() {
            f.write_str("no Alertmanager to write to")
        } else {
            f.write_str(&parts.join("; "))
        }
    }
}

impl std::error::Error for WriteError {}

/// Alertmanager's error bodies are JSON: a string, or `{code, message}`.
/// The words inside, unescaped (a clipped snippet is not valid JSON).
fn server_words(snippet: &str) -> String {
    if let Ok(words) = serde_json::from_str::<String>(snippet) {
        return words;
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(snippet) {
        if let Some(message) = v.get("message").and_then(|m| m.as_str()) {
            return message.to_string();
        }
    }
    let s = snippet.strip_prefix('"').unwrap_or(snippet);
    s.replace("\\\"", "\"")
}

/// A 4xx other than "not found" (the next member may know the silence) or
/// "too many requests" is the same on every member: no point retrying.
fn worth_another_member(e: &SourceError) -> bool {
    !matches!(e, SourceError::Status { status, .. }
        if (400..500).contains(status) && !matches!(status, 404 | 408 | 429))
}

type Call<T> = Pin<Box<dyn Future<Output = Result<T, SourceError>> + Send>>;

/// The members of one cluster, ready to be written to.
pub struct Members<'a> {
    pub specs: Vec<&'a SourceSpec>,
    pub timeout: Duration,
}

impl<'a> Members<'a> {
    pub fn new(all: &'a [SourceSpec], indices: &[usize], timeout: Duration) -> Members<'a> {
        Members {
            specs: indices.iter().filter_map(|&i| all.get(i)).collect(),
            timeout,
        }
    }

    /// Runs `call` on the first member that answers; returns its answer and name.
    async fn first<T>(
        &self,
        call: impl Fn(HttpClient, String) -> Call<T>,
    ) -> Result<(T, String), WriteError> {
        let mut attempts = Vec::new();
        for spec in &self.specs {
            let result = match HttpClient::new(spec, self.timeout) {
                Ok(client) => call(client, spec.url.clone()).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(v) => return Ok((v, spec.name.clone())),
                Err(e) => {
                    tracing::info!(member = %spec.name, error = %e, "write refused; trying the next member");
                    let go_on = worth_another_member(&e);
                    attempts.push((spec.name.clone(), e));
                    if !go_on {
                        break;
                    }
                }
            }
        }
        Err(WriteError { attempts })
    }

    /// The silences of every member that answers, one copy of each id.
    async fn all_silences(&self) -> Vec<Silence> {
        let mut out: Vec<Silence> = Vec::new();
        for spec in &self.specs {
            let Ok(client) = HttpClient::new(spec, self.timeout) else {
                continue;
            };
            if let Ok(list) = list_silences(&client, &spec.url, &spec.name).await {
                for s in list {
                    if !out.iter().any(|o| o.id == s.id) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }

    pub async fn create(&self, draft: &SilenceDraft) -> Result<(String, String), WriteError> {
        let body = draft_json(draft);
        self.first(move |c, url| {
            let body = body.clone();
            Box::pin(async move { post_silence(&c, &url, &body).await })
        })
        .await
    }

    /// Expires a silence; expiring an expired one is fine.
    pub async fn expire(&self, id: &str) -> Result<String, WriteError> {
        let id = id.to_string();
        self.first(move |c, url| {
            let id = id.clone();
            Box::pin(async move { delete_silence(&c, &url, &id).await })
        })
        .await
        .map(|((), member)| member)
    }

    pub async fn list(&self) -> Result<Vec<Silence>, WriteError> {
        self.first(|c, url| Box::pin(async move { list_silences(&c, &url, "").await }))
            .await
            .map(|(list, member)| {
                list.into_iter()
                    .map(|s| Silence {
                        source: member.clone(),
                        ..s
                    })
                    .collect()
            })
    }

    pub async fn get(&self, id: &str) -> Result<Silence, WriteError> {
        let id = id.to_string();
        self.first(move |c, url| {
            let id = id.clone();
            Box::pin(async move { get_silence(&c, &url, &id).await })
        })
        .await
        .map(|(s, _)| s)
    }

    /// Pushes the end of a silence `by` further (from now, if it has ended).
    /// Returns the silence's id (new if it had expired) and its new end.
    pub async fn extend(
        &self,
        id: &str,
        by: Duration,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), WriteError> {
        let current = self.get(id).await?;
        let mut draft = SilenceDraft::from(&current);
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        draft.ends_at = draft.ends_at.max(now) + by;
        if current.ends_at <= now {
            // Alertmanager cannot revive an expired silence: it makes a new one.
            draft.starts_at = now;
        }
        let end = draft.ends_at;
        let (new_id, _) = self.create(&draft).await?;
        Ok((new_id, end))
    }

    /// Acknowledges: creates the ack silence unless an active ack with the
    /// same matchers exists, then, after gossip settles, expires any twin
    /// made at the same moment by another console. Every console keeps the
    /// same one (`ack_keeper`), so one ack remains.
    pub async fn ack(
        &self,
        draft: &SilenceDraft,
        settle: Duration,
    ) -> Result<AckOutcome, WriteError> {
        let now = draft.starts_at;
        // Acks made with the same prefix (the same team's config).
        let prefix = ack_prefix_of(&draft.comment);
        let twins = |list: &[Silence], now| -> Vec<Silence> {
            list.iter()
                .filter(|s| {
                    s.is_ack(prefix) && s.is_active(now) && s.same_matchers(&draft.matchers)
                })
                .cloned()
                .collect()
        };
        let existing = twins(&self.list().await?, now);
        if let Some(keep) = ack_keeper(&existing) {
            return Ok(AckOutcome {
                kept: keep.clone(),
                created: false,
                twins_expired: 0,
            });
        }
        // Only the servers' view counts: their startsAt, and only acks
        // still active there (another console may have expired ours).
        for attempt in 0..2 {
            let (id, member) = self.create(draft).await?;
            tokio::time::sleep(settle).await;
            let seen = self.all_silences().await;
            let ours = || Silence {
                id: id.clone(),
                matchers: draft.matchers.clone(),
                starts_at: draft.starts_at,
                ends_at: draft.ends_at,
                created_by: draft.created_by.clone(),
                comment: draft.comment.clone(),
                state: crate::model::SilenceState::Active,
                source: member.clone(),
            };
            if seen.is_empty() {
                // No member lists silences now: ours was accepted; trust it.
                return Ok(AckOutcome {
                    kept: ours(),
                    created: true,
                    twins_expired: 0,
                });
            }
            let acks = twins(&seen, Utc::now().max(now));
            let Some(keep) = ack_keeper(&acks).cloned() else {
                // Every twin, ours too, was expired in a race: ack again, once.
                tracing::warn!(
                    attempt,
                    "every ack of a concurrent ack race was expired; acking again"
                );
                continue;
            };
            let mut twins_expired = 0;
            for twin in acks.iter().filter(|s| s.id != keep.id) {
                match self.expire(&twin.id).await {
                    Ok(_) => twins_expired += 1,
                    Err(e) => {
                        tracing::warn!(silence = %twin.id, error = %e, "could not expire a duplicate ack")
                    }
                }
            }
            return Ok(AckOutcome {
                created: keep.id == id,
                kept: keep,
                twins_expired,
            });
        }
        Err(WriteError {
            attempts: vec![(
                "cluster".into(),
                SourceError::Decode("concurrent acks expired each other twice; ack again".into()),
            )],
        })
    }

    /// Resolves alerts by posting them with `endsAt` = now to every member:
    /// Alertmanager gossips silences, not alerts, so each member must hear it.
    /// Returns the members that took it; fails only if none did.
    pub async fn resolve(
        &self,
        alerts: &[Alert],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, WriteError> {
        let body = serde_json::Value::Array(
            alerts
                .iter()
                .map(|a| {
                    json!({
                        "labels": a.labels,
                        "annotations": a.annotations,
                        "startsAt": a.starts_at,
                        "endsAt": now,
                        "generatorURL": a.generator_url,
                    })
                })
                .collect(),
        );
        let mut done = Vec::new();
        let mut attempts = Vec::new();
        for spec in &self.specs {
            let result = match HttpClient::new(spec, self.timeout) {
                Ok(c) => post_json(&c, &join(&spec.url, "/api/v2/alerts"), &body)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => done.push(spec.name.clone()),
                Err(e) => attempts.push((spec.name.clone(), e)),
            }
        }
        if done.is_empty() {
            return Err(WriteError { attempts });
        }
        for (member, e) in attempts {
            tracing::warn!(%member, error = %e, "resolve not delivered to this member");
        }
        Ok(done)
    }
}

/// What an ack did: `kept` is the ack that stands (ours, or one that was there first).
#[derive(Clone, Debug, PartialEq)]
pub struct AckOutcome {
    pub kept: Silence,
    pub created: bool,
    pub twins_expired: usize,
}

fn draft_json(d: &SilenceDraft) -> serde_json::Value {
    let matchers: Vec<serde_json::Value> = d
        .matchers
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "value": m.value,
                "isRegex": m.op.is_regex(),
                "isEqual": m.op.is_equal(),
            })
        })
        .collect();
    let mut body = json!({
        "matchers": matchers,
        "startsAt": d.starts_at,
        "endsAt": d.ends_at,
        "createdBy": d.created_by,
        "comment": d.comment,
    });
    if let Some(id) = &d.id {
        body["id"] = json!(id);
    }
    body
}

async fn post_json(
    c: &HttpClient,
    url: &str,
    body: &serde_json::Value,
) -> Result<impl AsRef<[u8]>, SourceError> {
    let resp = c
        .inner
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| send_error(&e, c.timeout))?;
    read_body(resp, c.timeout).await
}

async fn post_silence(
    c: &HttpClient,
    base: &str,
    body: &serde_json::Value,
) -> Result<String, SourceError> {
    #[derive(Deserialize)]
    struct Created {
        #[serde(rename = "silenceID")]
        silence_id: String,
    }
    let answer = post_json(c, &join(base, "/api/v2/silences"), body).await?;
    Ok(decode::<Created>(answer.as_ref())?.silence_id)
}

async fn delete_silence(c: &HttpClient, base: &str, id: &str) -> Result<(), SourceError> {
    let url = join(base, &format!("/api/v2/silence/{}", path_segment(id)));
    let resp = c
        .inner
        .delete(url)
        .send()
        .await
        .map_err(|e| send_error(&e, c.timeout))?;
    read_body(resp, c.timeout).await.map(|_| ())
}

async fn get_silence(c: &HttpClient, base: &str, id: &str) -> Result<Silence, SourceError> {
    let url = join(base, &format!("/api/v2/silence/{}", path_segment(id)));
    let s: AmSilence = get_json(c, &url).await?;
    Ok(silence(s, ""))
}

async fn list_silences(
    c: &HttpClient,
    base: &str,
    source: &str,
) -> Result<Vec<Silence>, SourceError> {
    let list: Vec<AmSilence> = get_json(c, &join(base, "/api/v2/silences")).await?;
    Ok(list.into_iter().map(|s| silence(s, source)).collect())
}

/// Silence ids are UUIDs; anything else is percent-encoded so it stays one path segment.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "alertmanager_writes_tests.rs"]
mod tests;
