//! Polling: one task per source, one request in flight, backoff with jitter
//! after failures, an early poll when the user asks for a refresh.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc::UnboundedSender, watch};
use tokio::task::JoinHandle;

use super::http::HttpClient;
use super::last_poll::LastPoll;
use super::{alertmanager, prometheus, Snapshot, SourceError, SourceEvent, SourceKind, SourceSpec};

/// One poll of one source with a fresh client (for one-shot commands).
pub async fn fetch_once(spec: &SourceSpec, timeout: Duration) -> Result<Snapshot, SourceError> {
    if spec.kind == SourceKind::Demo {
        return Err(demo());
    }
    let client = HttpClient::new(spec, timeout)?;
    fetch_with(&client, spec, None).await
}

/// One poll with a client built before. A poller passes `keep`, what its
/// last good poll left for this one (`last_poll`), updated by a good poll.
pub async fn fetch_with(
    client: &HttpClient,
    spec: &SourceSpec,
    keep: Option<&mut Option<LastPoll>>,
) -> Result<Snapshot, SourceError> {
    match spec.kind {
        SourceKind::Alertmanager => alertmanager::fetch(client, spec, keep).await,
        SourceKind::Prometheus => prometheus::fetch(client, spec).await,
        SourceKind::Demo => Err(demo()),
    }
}

fn demo() -> SourceError {
    SourceError::Config("demo source has no endpoint".into())
}

/// Polls `spec` until `tx` is closed, sending `SourceEvent::Polled` after each try.
pub fn spawn_poller(
    spec: SourceSpec,
    index: usize,
    refresh: Duration,
    timeout: Duration,
    tx: UnboundedSender<SourceEvent>,
    mut refresh_now: watch::Receiver<u64>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = Jitter::seeded(index);
        let mut client: Option<HttpClient> = None;
        let mut last: Option<LastPoll> = None;
        let mut failures: u32 = 0;
        let mut watching = true;
        loop {
            let started = std::time::Instant::now();
            let result = tokio::select! {
                r = poll(&spec, timeout, &mut client, &mut last) => r,
                _ = tx.closed() => return,
            };
            let took = started.elapsed();
            let wait = match &result {
                Ok(_) => {
                    failures = 0;
                    refresh
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::debug!(source = %spec.name, error = %crate::sanitize::line(&e.to_string()), failures, "poll failed");
                    backoff(failures, refresh)
                }
            };
            if tx
                .send(SourceEvent::Polled {
                    source: index,
                    at: Utc::now(),
                    result,
                    took,
                })
                .is_err()
            {
                return;
            }
            let wait = rng.spread(wait);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = refresh_now.changed(), if watching => {
                    // The sender is gone: keep polling on the timer alone.
                    watching = changed.is_ok();
                    if !watching {
                        tokio::select! {
                            _ = tokio::time::sleep(wait) => {}
                            _ = tx.closed() => return,
                        }
                    }
                }
                _ = tx.closed() => return,
            }
        }
    })
}

/// Builds the client lazily and drops it after a config or auth error, so a
/// token file that appears or is rotated later is read again.
async fn poll(
    spec: &SourceSpec,
    timeout: Duration,
    client: &mut Option<HttpClient>,
    last: &mut Option<LastPoll>,
) -> Result<Snapshot, SourceError> {
    if client.is_none() {
        *client = Some(HttpClient::new(spec, timeout)?);
    }
    let result = fetch_with(client.as_ref().expect("built above"), spec, Some(last)).await;
    if matches!(
        result,
        Err(SourceError::Status {
            status: 401 | 403,
            ..
        }) | Err(SourceError::Config(_))
    ) {
        *client = None;
    }
    result
}

/// 1s, 2s, 4s, … after consecutive failures, never longer than `refresh`:
/// a source that comes back is noticed at least as fast as by a normal poll,
/// and a dead one costs at most one request per refresh interval.
pub fn backoff(failures: u32, refresh: Duration) -> Duration {
    let base = Duration::from_secs(1).saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    base.min(refresh.max(Duration::from_millis(100)))
}

/// ±20% jitter from a tiny xorshift seeded by the clock, so many consoles
/// (or many sources) do not poll in lockstep.
struct Jitter(u64);

impl Jitter {
    fn seeded(index: usize) -> Jitter {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        Jitter((nanos ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn spread(&mut self, d: Duration) -> Duration {
        // A factor in [0.8, 1.2).
        let factor = 0.8 + (self.next() % 10_000) as f64 / 10_000.0 * 0.4;
        d.mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_by_refresh() {
        let r = Duration::from_secs(15);
        let got: Vec<u64> = (1..=6).map(|n| backoff(n, r).as_secs()).collect();
        assert_eq!(got, vec![1, 2, 4, 8, 15, 15]);
        assert_eq!(backoff(1000, r), r);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let mut j = Jitter::seeded(3);
        for _ in 0..1000 {
            let d = j.spread(Duration::from_secs(10)).as_secs_f64();
            assert!((8.0..12.0).contains(&d), "{d}");
        }
    }
}
