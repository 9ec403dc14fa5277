//! Escalation notifiers: the ways a page leaves the console. A webhook
//! (generic JSON or Slack-compatible), a local command (the notification in
//! environment variables, never on a command line or through a shell), or
//! the terminal itself (the console rings the bell; nothing to deliver).
//!
//! [`deliver`] makes one attempt and retries failures that may pass
//! (5xx, 429, no connection, timeouts, a command that failed) with
//! exponential backoff. Errors are one sentence naming the notifier and
//! never the webhook URL: it is a credential (a Slack hook's path is its
//! key), so it lives in an environment variable or file ([`Secret`]).

mod command;
mod webhook;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::Labels;

/// Where a webhook URL comes from: an environment variable or a file,
/// never the config text itself. Its `Debug` shows the origin, not the value.
pub use crate::config::notifier_spec::{Notifier, NotifierKind};
pub use crate::config::source_spec::Secret;

pub use command::command_env;
pub use webhook::{generic_payload, slack_payload, slack_text};

/// The longest pause between two attempts, whatever the backoff says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// One page: who is paged (a level of an escalation policy) and for what.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Notification {
    pub policy: String,
    pub level: usize,
    pub targets: Vec<String>,
    pub alertname: String,
    pub group: String,
    pub labels: Labels,
    pub summary: String,
    /// Which console sent it (host or user), so a receiver can tell.
    pub console: String,
    pub time: DateTime<Utc>,
    pub incident: Option<String>,
}

/// Why one attempt failed, and whether another one may do better.
#[derive(Debug)]
pub(crate) struct Failure {
    pub reason: String,
    pub retry: bool,
}

impl Failure {
    pub fn retry(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            retry: true,
        }
    }

    pub fn fatal(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            retry: false,
        }
    }
}

/// The pause before attempt `attempt + 1`, after `attempt` (1-based) failed.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 1u32
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.checked_mul(factor)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF)
}

/// Delivers `note` through `n`: one attempt, then up to `n.retries` more
/// for failures that may pass, with exponential backoff between them.
/// Ok(attempts made), or Err(one sentence naming the notifier, never the
/// webhook URL).
pub async fn deliver(n: &Notifier, note: &Notification) -> Result<u32, String> {
    match &n.kind {
        NotifierKind::Terminal => Ok(1),
        NotifierKind::Webhook { url, slack } => {
            let target = webhook::Target::new(url, n.timeout)
                .map_err(|f| format!("{}: {}", n.label(), f.reason))?;
            let payload = if *slack {
                slack_payload(note)
            } else {
                generic_payload(note)
            };
            with_retries(n, || target.post(&payload)).await
        }
        NotifierKind::Command { program, args } => {
            let env = command_env(note);
            with_retries(n, || command::run(program, args, &env, n.timeout)).await
        }
    }
}

async fn with_retries<F, Fut>(n: &Notifier, mut attempt: F) -> Result<u32, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    let mut made = 0u32;
    loop {
        made += 1;
        let failure = match attempt().await {
            Ok(()) => return Ok(made),
            Err(f) => f,
        };
        if !failure.retry || made > n.retries {
            let tries = if made == 1 {
                String::new()
            } else {
                format!(" (gave up after {made} attempts)")
            };
            return Err(format!("{}: {}{tries}", n.label(), failure.reason));
        }
        tracing::debug!(notifier = %n.label(), attempt = made, reason = %failure.reason, "delivery failed; retrying");
        tokio::time::sleep(backoff(n.backoff_base, made)).await;
    }
}

/// Notifiers whose webhook URL cannot be read now (its `url_env` or
/// `url_file` gives none): one sentence each, naming where the URL was to
/// come from, never the URL. They would fail when a level falls due.
pub fn unreadable(notifiers: &[Notifier]) -> Vec<String> {
    let mut out = Vec::new();
    for n in notifiers {
        let NotifierKind::Webhook { url, .. } = &n.kind else {
            continue;
        };
        let what = format!("notifier {}", n.name);
        match crate::source::http::read_secret(url, &what) {
            Ok(u) if u.starts_with("http://") || u.starts_with("https://") => {}
            Ok(_) => out.push(format!(
                "{what}: the URL from {} is not an http(s) URL",
                match url {
                    Secret::Env(var) => format!("environment variable {var}"),
                    Secret::File(path) => format!("file {}", path.display()),
                }
            )),
            Err(e) => out.push(e.to_string()),
        }
    }
    out
}
