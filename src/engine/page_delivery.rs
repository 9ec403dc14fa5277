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
    let grace = chrono::Duration::from_std(settings.store_grace).unwrap_or_default();
    let mut page = page;
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
            // The team store does not answer: another machine may page this
            // level. Asked again until it is `store_grace` late; then paged
            // anyway, because a duplicate page beats a missed one.
            Err(e) if matches!(store, PagingStore::Postgres(_)) => {
                let late = chrono::Utc::now() - page.due;
                if late < grace {
                    tracing::warn!(error = %crate::sanitize::line(&e), late_s = late.num_seconds(), "the store does not answer; the level waits for it");
                    false
                } else {
                    tracing::warn!(error = %crate::sanitize::line(&e), "the store does not answer; paging uncoordinated");
                    page.uncoordinated = true;
                    true
                }
            }
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
            if page.uncoordinated {
                // Recorded once the store is back, so nobody pages it again.
                record_later(
                    store.clone(),
                    page.keys.clone(),
                    by.clone(),
                    results.clone(),
                    hold,
                );
            } else {
                record(&store, &page.keys, &by, &results, hold).await;
            }
        }
        let _ = tx.send(Msg::Paged {
            page,
            claimed,
            results,
        });
    })
}

/// An uncoordinated page's claim and outcome, written when the store
/// answers again (tried every 10 s, for an hour at most).
fn record_later(
    store: PagingStore,
    keys: Vec<String>,
    by: String,
    results: Vec<(String, Result<u32, String>)>,
    hold: std::time::Duration,
) {
    tokio::spawn(async move {
        for _ in 0..360 {
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            if store
                .try_claim(&keys, &by, chrono::Utc::now())
                .await
                .is_ok()
            {
                record(&store, &keys, &by, &results, hold).await;
                tracing::info!("an uncoordinated page is recorded in the store");
                return;
            }
        }
    });
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
