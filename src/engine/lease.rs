//! Who pages: every few seconds an engine (`oncall serve`) takes or renews
//! the lease, and a console reads it; the answer goes to `update` as
//! `Msg::PagingHeldBy`. A process that does not page (another holds the
//! lease, or it is read-only as the wall is) also reads what the claims say
//! was paged (`Msg::PagesSeen`), to show it.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use super::Paging;
use crate::core::Msg;
use crate::store::paging_store::PagingStore;

/// How often the lease is read (a console) or renewed (an engine).
pub const LEASE_EVERY: Duration = Duration::from_secs(5);
/// How often a process that does not page reads what was paged.
const SEEN_EVERY: Duration = Duration::from_secs(1);

pub fn spawn(
    store: PagingStore,
    paging: Paging,
    read_only: bool,
    tx: UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SEEN_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_seen = None;
        let mut held_by = None;
        let mut lease_at: Option<std::time::Instant> = None;
        loop {
            every.tick().await;
            let lease_due = lease_at.is_none_or(|t| t.elapsed() >= LEASE_EVERY);
            if lease_due {
                lease_at = Some(std::time::Instant::now());
                held_by = self::held_by(&store, &paging, &mut last_seen).await;
            }
            // What the one who pages did is on screen within a second or so.
            if held_by.is_some() || read_only {
                match store.outcomes().await {
                    Ok(o) => {
                        let _ = tx.send(Msg::PagesSeen(o));
                    }
                    Err(e) => tracing::debug!(error = %e, "cannot read the page claims"),
                }
            }
            if lease_due && tx.send(Msg::PagingHeldBy(held_by.clone())).is_err() {
                return;
            }
        }
    })
}

/// Another process holding the lease, or None when this one pages.
async fn held_by(
    store: &PagingStore,
    paging: &Paging,
    last_seen: &mut Option<crate::store::engine_lease::Lease>,
) -> Option<String> {
    let now = Utc::now();
    match paging {
        Paging::Engine(me) => match store.hold_lease(me, now).await {
            Ok(true) => None,
            Ok(false) => store.read_lease().await.ok().flatten().map(|l| l.holder),
            Err(e) => {
                tracing::warn!(error = %e, "cannot write the engine lease; paging anyway");
                None
            }
        },
        Paging::Console => match store.read_lease().await {
            Ok(lease) => {
                *last_seen = lease.clone();
                lease.filter(|l| l.live(now)).map(|l| l.holder)
            }
            // The store away: the engine seen holding the lease still pages
            // until its lease would run out (then this console pages too,
            // rather than nobody).
            Err(e) => match last_seen.as_ref().filter(|l| l.live(now)) {
                Some(l) => Some(l.holder.clone()),
                None => {
                    tracing::warn!(error = %e, "cannot read the engine lease; paging here");
                    None
                }
            },
        },
    }
}
