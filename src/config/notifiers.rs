//! The `notifiers:` config: where escalation levels send, the
//! webhook's URL read from an environment variable or a file, never the
//! config itself.

use std::path::PathBuf;

use serde::Deserialize;

use super::notifier_spec::{Notifier, NotifierKind};
use super::source_spec::Secret;
use crate::model::duration::parse_duration;

/// `{name: pager, type: webhook, url_env: PAGER_WEBHOOK_URL, slack: true}`,
/// `{name: page-cli, type: command, program: /usr/local/bin/page, args: [...]}`,
/// `{name: terminal, type: terminal}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifierConfig {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub url_env: Option<String>,
    pub url_file: Option<PathBuf>,
    #[serde(default)]
    pub slack: bool,
    pub program: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
    pub timeout: Option<String>,
    pub retries: Option<u32>,
}

pub fn notifiers(configs: &[NotifierConfig]) -> Result<Vec<Notifier>, String> {
    let mut out: Vec<Notifier> = Vec::new();
    for c in configs {
        let at = |key: &str, e: &str| format!("notifiers.{}.{key}: {e}", c.name);
        if out.iter().any(|n| n.name == c.name) {
            return Err(format!("notifiers: {:?} is defined twice", c.name));
        }
        let kind = match c.kind.as_str() {
            "webhook" => {
                let url = match (&c.url_env, &c.url_file) {
                    (Some(v), None) => Secret::Env(v.clone()),
                    (None, Some(f)) => Secret::File(f.clone()),
                    _ => return Err(at(
                        "url_env",
                        "a webhook needs url_env or url_file (one of them): its URL is a secret",
                    )),
                };
                NotifierKind::Webhook {
                    url,
                    slack: c.slack,
                }
            }
            "command" => NotifierKind::Command {
                program: c
                    .program
                    .clone()
                    .ok_or_else(|| at("program", "a command notifier needs a program"))?,
                args: c.args.clone(),
            },
            "terminal" => NotifierKind::Terminal,
            other => {
                return Err(at(
                    "type",
                    &format!("{other:?} is not webhook, command or terminal"),
                ))
            }
        };
        let mut n = Notifier::new(c.name.clone(), kind);
        if let Some(t) = &c.timeout {
            n.timeout = parse_duration(t).map_err(|e| at("timeout", &e.to_string()))?;
        }
        if let Some(r) = c.retries {
            n.retries = r;
        }
        out.push(n);
    }
    Ok(out)
}
