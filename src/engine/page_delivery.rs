//! Pages one escalation level for the console, off the UI thread: the
//! level is claimed in the state dir first (so a restart or a second
//! console does not page twice), then each notifier delivers with its
//! retries. The outcome comes back as `Msg::Paged`; nothing blocks the UI.

use tokio::sync::mpsc::UnboundedSender;

use crate::config::Settings;
use crate::core::escalations::Page;
use crate::core::Msg;
use crate::notify::{deliver, Notifier};
use crate::store::page_claims::Claim;
use crate::store::paging_store::PagingStore;

pub fn spawn(
    page: Page,
    settings: &Settings,
    store: PagingStore,
    tx: UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let notifiers: Vec<Notifier> = settings
        .notifiers
        .iter()
        .filter(|n| page.notifiers.contains(&n.name))
        .cloned()
        .collect();
    let by = settings.author.clone();
    // A failed level stays ours until the next try, and a while after.
    let hold = settings.page_retry + crate::store::page_claims::RETRY_SLACK;
    tokio::spawn(async move {
        let claimed = if page.retry {
            // A retry: this process claimed it, and could not deliver it yet.
            Ok(Claim::Won)
        } else {
            store.try_claim(&page.keys, &by, chrono::Utc::now()).await
        };
        let claimed = match claimed {
            Ok(Claim::Won) => true,
            // Delivered by someone: nothing to do, and nothing to ask again.
            Ok(Claim::Delivered) => return,
            Ok(Claim::Held) => false,
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
            record(&store, &page.keys, &by, &results, hold).await;
        }
        let _ = tx.send(Msg::Paged {
            page,
            claimed,
            results,
        });
    })
}

/// Writes the attempt's outcome on the level's claim: delivered (no
/// notifier, or one got through), or failed and held until the next try.
async fn record(
    store: &PagingStore,
    keys: &[String],
    by: &str,
    results: &[(String, Result<u32, String>)],
    hold: std::time::Duration,
) {
    let outcome = if results.is_empty() || results.iter().any(|(_, r)| r.is_ok()) {
        Ok(())
    } else {
        Err(results
            .iter()
            // A delivery's error names its notifier already.
            .filter_map(|(_, r)| r.as_ref().err().cloned())
            .collect::<Vec<_>>()
            .join("; "))
    };
    let now = chrono::Utc::now();
    let until = now + chrono::Duration::from_std(hold).unwrap_or_default();
    if let Err(e) = store.record(keys, by, now, outcome, until).await {
        tracing::warn!(error = %crate::sanitize::line(&e), "the page's outcome could not be recorded");
    }
}
