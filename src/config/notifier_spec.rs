//! A notifier as configured: where a page goes (webhook, command, the
//! terminal's bell) and how hard delivery tries. `notify` delivers.

use std::time::Duration;

use super::source_spec::Secret;

#[derive(Clone, Debug, PartialEq)]
pub enum NotifierKind {
    /// POST JSON to the URL: the `notify::Notification` itself, or with `slack`
    /// a Slack-compatible `{"text": …}`.
    Webhook { url: Secret, slack: bool },
    /// Runs `program args…` directly (no shell); the notification is in
    /// `ONCALL_*` environment variables (see `notify::command_env`).
    Command { program: String, args: Vec<String> },
    /// The console's own bell; nothing leaves the process.
    Terminal,
}

impl NotifierKind {
    pub fn name(&self) -> &'static str {
        match self {
            NotifierKind::Webhook { .. } => "webhook",
            NotifierKind::Command { .. } => "command",
            NotifierKind::Terminal => "terminal",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notifier {
    pub name: String,
    pub kind: NotifierKind,
    /// For one attempt: the whole HTTP exchange, or the command's run.
    pub timeout: Duration,
    /// Attempts after the first; 0 means one attempt only.
    pub retries: u32,
    /// The pause after the first failure; it doubles after each one
    /// (capped at `notify::MAX_BACKOFF`).
    pub backoff_base: Duration,
}

impl Notifier {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_RETRIES: u32 = 3;
    pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);

    /// A notifier with the default timeout (10 s), retries (3) and backoff
    /// (1 s, 2 s, 4 s).
    pub fn new(name: impl Into<String>, kind: NotifierKind) -> Notifier {
        Notifier {
            name: name.into(),
            kind,
            timeout: Notifier::DEFAULT_TIMEOUT,
            retries: Notifier::DEFAULT_RETRIES,
            backoff_base: Notifier::DEFAULT_BACKOFF,
        }
    }

    /// `webhook pager`: how errors name it.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind.name(), self.name)
    }
}
