//! Pages one escalation level for the console, off the UI thread: the
//! level is claimed in the state dir first (so a restart or a second
//! console does not page twice), then each notifier delivers with its
//! retries. The outcome comes back as `Msg::Paged`; nothing blocks the UI.

use tokio::sync::mpsc::UnboundedSender;

use crate::config::Settings;
use crate::core::escalations::Page;
use crate::core::Msg;
use crate::notify::{deliver, Notifier};

pub fn spawn(
    page: Page,
    settings: &Settings,
    tx: UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let dir = settings.state_dir.clone();
    let notifiers: Vec<Notifier> = settings
        .notifiers
        .iter()
        .filter(|n| page.notifiers.contains(&n.name))
        .cloned()
        .collect();
    let by = settings.author.clone();
    tokio::spawn(async move {
        let keys = page.keys.clone();
        let claimed = match dir {
            // A retry: this process claimed it, and could not deliver it yet.
            _ if page.retry => Ok(true),
            Some(dir) => tokio::task::spawn_blocking(move || {
                crate::store::page_claims::claim(&dir, &keys, &by, chrono::Utc::now())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string())),
            // No state dir: nothing to share a claim with.
            None => Ok(true),
        };
        let claimed = match claimed {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %crate::sanitize::line(&e), "paging record unavailable; paging anyway");
                true
            }
        };
        let mut results = Vec::new();
        if claimed {
            for n in &notifiers {
                results.push((n.name.clone(), deliver(n, &page.note).await));
            }
        }
        let _ = tx.send(Msg::Paged {
            page,
            claimed,
            results,
        });
    })
}
