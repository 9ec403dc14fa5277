//! Reading SLIs from Prometheus: each window of each SLO is one instant
//! query (`ratio:`) or two at once (`good:` and `total:`), each expected to
//! give one number. A background task reads them all on a slow cadence.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::{mpsc::UnboundedSender, watch, Semaphore};
use tokio::task::JoinSet;

use super::prom_query::instant_data;
use super::SourceEvent;
use super::SourceSpec;
use crate::model::slo::{check_sli, fill, ratio, Sli, Slo};

/// SLO windows are hours to days long: reading them more often than this
/// only loads Prometheus.
pub const SLO_EVERY_MIN: Duration = Duration::from_secs(60);

/// Windows read at the same time (one SLO's good and total go together).
const PARALLEL: usize = 4;

/// The one number of an instant query's answer, or why there is none.
pub fn one_number(data: &Value) -> Result<f64, String> {
    let parse = |sample: &Value| {
        let text = sample.get(1).and_then(Value::as_str).unwrap_or("");
        text.parse::<f64>()
            .map_err(|_| format!("the sample {text:?} is not a number"))
    };
    match data["resultType"].as_str() {
        Some("scalar") => parse(&data["result"]),
        Some("vector") => match data["result"].as_array().map(Vec::as_slice) {
            Some([one]) => parse(&one["value"]),
            Some([]) | None => Err("no data: the query matched no series".into()),
            Some(many) => Err(format!(
                "{} series: the query must give one number (wrap it in sum(...))",
                many.len()
            )),
        },
        other => Err(format!(
            "the query gave a {}, not one number",
            other.unwrap_or("strange answer")
        )),
    }
}

async fn number(
    spec: &SourceSpec,
    timeout: Duration,
    query: &str,
    at: DateTime<Utc>,
) -> Result<f64, String> {
    let data = instant_data(spec, timeout, query, Some(at))
        .await
        .map_err(|e| e.to_string())?;
    one_number(&data)
}

/// The SLI of `slo` over the `window` that ends at `at`. Every query of a
/// round is evaluated at the same instant, so good and total count the
/// same samples even when a scrape lands between the two requests.
pub async fn sli(
    spec: &SourceSpec,
    timeout: Duration,
    slo: &Slo,
    window: Duration,
    at: DateTime<Utc>,
) -> Result<f64, String> {
    match &slo.sli {
        Sli::Ratio(q) => check_sli(number(spec, timeout, &fill(q, window), at).await?),
        Sli::GoodTotal { good, total } => {
            let (good, total) = (fill(good, window), fill(total, window));
            let (g, t) = tokio::join!(
                number(spec, timeout, &good, at),
                number(spec, timeout, &total, at)
            );
            ratio(
                g.map_err(|e| format!("good: {e}"))?,
                t.map_err(|e| format!("total: {e}"))?,
            )
        }
    }
}

/// A window's SLI, sent by the SLO task as `SourceEvent::SloRead`.
#[derive(Clone, Debug, PartialEq)]
pub struct SloRead {
    pub slo: usize,
    pub window: Duration,
    pub at: DateTime<Utc>,
    pub sli: Result<f64, String>,
}

/// Where a round of readings comes from.
#[derive(Clone, Debug)]
pub enum SliSource {
    Prometheus(Box<SourceSpec>),
    /// The demo's numbers (`source::demo_slo`), no network.
    Demo,
}

/// Reads every window of every SLO once, sending `SourceEvent::SloRead` as each
/// answers (so the pane fills in as it goes). Returns when all have.
pub async fn read_all(
    source: &SliSource,
    slos: &[Slo],
    timeout: Duration,
    tx: &UnboundedSender<SourceEvent>,
) {
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let at = Utc::now();
    let mut set = JoinSet::new();
    for (i, slo) in slos.iter().enumerate() {
        for window in slo.windows() {
            let (source, slo, tx, gate) = (source.clone(), slo.clone(), tx.clone(), gate.clone());
            set.spawn(async move {
                let _permit = gate.acquire().await;
                let value = match &source {
                    SliSource::Prometheus(spec) => sli(spec, timeout, &slo, window, at).await,
                    SliSource::Demo => super::demo_slo::sli(&slo.name, window),
                };
                let _ = tx.send(SourceEvent::SloRead(SloRead {
                    slo: i,
                    window,
                    at,
                    sli: value,
                }));
            });
        }
    }
    while set.join_next().await.is_some() {}
}

/// Reads the SLOs now, then every `every` and on each refresh request,
/// one round at a time, until `tx` is closed.
pub fn spawn_slo_poller(
    source: SliSource,
    slos: Vec<Slo>,
    every: Duration,
    timeout: Duration,
    tx: UnboundedSender<SourceEvent>,
    mut refresh_now: watch::Receiver<u64>,
) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = read_all(&source, &slos, timeout, &tx) => {}
                _ = tx.closed() => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = refresh_now.changed() => {
                    if changed.is_err() {
                        // No one can ask for a refresh any more: the timer alone.
                        tokio::time::sleep(every).await;
                    }
                }
                _ = tx.closed() => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn one_number_or_the_reason() {
        let v = data(r#"{"resultType":"vector","result":[{"metric":{},"value":[1,"0.9995"]}]}"#);
        assert_eq!(one_number(&v), Ok(0.9995));
        let s = data(r#"{"resultType":"scalar","result":[1,"12"]}"#);
        assert_eq!(one_number(&s), Ok(12.0));
        let none = data(r#"{"resultType":"vector","result":[]}"#);
        assert!(one_number(&none).unwrap_err().contains("no series"));
        let two = data(
            r#"{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}"#,
        );
        assert!(one_number(&two).unwrap_err().contains("2 series"));
        let m = data(r#"{"resultType":"matrix","result":[]}"#);
        assert!(one_number(&m).unwrap_err().contains("matrix"));
        let nan = data(r#"{"resultType":"scalar","result":[1,"NaN"]}"#);
        assert!(one_number(&nan).unwrap().is_nan());
    }
}
