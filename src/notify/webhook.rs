//! The webhook notifier: one POST of JSON per attempt, TLS verified
//! (rustls), no redirects followed, and errors scrubbed of the URL.

use std::time::Duration;

use reqwest::{Client, Url};
use serde_json::{json, Value};

use super::{Failure, Notification, Secret};
use crate::source::http::{read_secret, send_error, snippet};
use crate::source::SourceError;

/// The Slack-compatible line: `[oncall] ModelServerDown → level 2:
/// ml-platform-lead (policy ml-model-serving)`. One line whatever the
/// alert holds; Slack's control characters (`& < >`) are escaped, so
/// alert data cannot turn into `<!channel>` mentions or links.
pub fn slack_text(note: &Notification) -> String {
    let targets = if note.targets.is_empty() {
        "nobody".to_string()
    } else {
        note.targets.join(", ")
    };
    let line = format!(
        "[oncall] {} → level {}: {} (policy {})",
        note.alertname, note.level, targets, note.policy
    );
    let line = crate::sanitize::line(&line).replace(crate::sanitize::NEWLINE_MARK, " ");
    line.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn slack_payload(note: &Notification) -> Value {
    json!({ "text": slack_text(note) })
}

/// The notification itself, as JSON.
pub fn generic_payload(note: &Notification) -> Value {
    // Serializing plain strings, maps and a timestamp cannot fail.
    serde_json::to_value(note).unwrap_or(Value::Null)
}

/// A resolved webhook: the client and the URL, read once per delivery.
pub(crate) struct Target {
    client: Client,
    url: Url,
    raw: String,
    timeout: Duration,
}

impl Target {
    pub fn new(secret: &Secret, timeout: Duration) -> Result<Target, Failure> {
        let raw = read_secret(secret, "webhook URL").map_err(|e| match e {
            SourceError::Config(msg) => Failure::fatal(msg),
            other => Failure::fatal(other.to_string()),
        })?;
        let from = origin(secret);
        let url = match Url::parse(&raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
            _ => {
                return Err(Failure::fatal(format!(
                    "the webhook URL from {from} is not an http:// or https:// URL"
                )))
            }
        };
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A webhook that redirects is misconfigured; following it would
            // turn the POST into a GET and report a login page as delivered.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("oncall/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| Failure::fatal("cannot set up an HTTP client"))?;
        Ok(Target {
            client,
            url,
            raw,
            timeout,
        })
    }

    /// One POST. 2xx is delivered; 4xx other than 429 will not get better.
    pub async fn post(&self, payload: &Value) -> Result<(), Failure> {
        let sent = self
            .client
            .post(self.url.clone())
            .json(payload)
            .send()
            .await;
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let err = send_error(&e, self.timeout);
                let retry = !matches!(err, SourceError::Config(_));
                let reason = self.scrub(&err.to_string());
                return Err(Failure { reason, retry });
            }
        };
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        // A little of the body says why (Slack: `invalid_token`, `no_service`).
        let mut body = Vec::new();
        while body.len() < 2048 {
            match resp.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        let mut reason = format!("HTTP {status}");
        if !body.is_empty() {
            let text = snippet(&body);
            let text = self.scrub(&crate::sanitize::line(&text));
            reason.push_str(&format!(" ({text})"));
        }
        let retry = status == 429 || status >= 500;
        Err(Failure { reason, retry })
    }

    /// Removes every part of the URL that may be its secret (userinfo,
    /// path, query, fragment) from a message meant for people: a server
    /// may echo the path it did not find.
    fn scrub(&self, msg: &str) -> String {
        let mut out = msg.replace(&self.raw, "(webhook URL)");
        let mut parts: Vec<String> = vec![self.url.as_str().to_string()];
        parts.extend(self.url.password().map(str::to_string));
        if !self.url.username().is_empty() {
            parts.push(self.url.username().to_string());
        }
        if self.url.path() != "/" {
            parts.push(self.url.path().to_string());
        }
        parts.extend(self.url.query().map(str::to_string));
        parts.extend(self.url.fragment().map(str::to_string));
        // Single segments too (a token is often one), but not short words
        // like `api` or `hooks` that would blank ordinary text.
        if let Some(segments) = self.url.path_segments() {
            parts.extend(segments.filter(|s| s.len() >= 8).map(str::to_string));
        }
        if let Some(q) = self.url.query() {
            parts.extend(
                q.split('&')
                    .filter_map(|kv| kv.split_once('=').map(|(_, v)| v))
                    .filter(|v| v.len() >= 4)
                    .map(str::to_string),
            );
        }
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for p in parts.iter().filter(|p| !p.is_empty()) {
            out = out.replace(p.as_str(), "…");
        }
        out
    }
}

fn origin(secret: &Secret) -> String {
    match secret {
        Secret::Env(var) => format!("environment variable {var}"),
        Secret::File(path) => format!("file {}", path.display()),
    }
}
