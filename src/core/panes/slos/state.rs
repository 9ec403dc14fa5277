//! What the console knows of each SLO: the definitions, where the SLIs come
//! from, and the last reading of every window.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::slo::Slo;
pub use crate::source::slo_query::SloRead;

/// Where the SLIs come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SloSource {
    /// The named Prometheus (the first configured one).
    Prometheus(String),
    /// The built-in demo's numbers.
    Demo,
    /// No Prometheus is configured: nothing can be measured.
    None,
}

/// One window's last answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub at: DateTime<Utc>,
    /// The SLI over the window, or why there is none (in the source's words).
    pub sli: Result<f64, String>,
    /// The last good SLI and when it was read, kept while the window fails:
    /// a source that stops answering leaves its last data, marked.
    pub last_good: Option<(f64, DateTime<Utc>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SloState {
    pub defs: Vec<Slo>,
    pub source: SloSource,
    /// (SLO index, window) → its last reading; absent: still loading.
    pub readings: BTreeMap<(usize, Duration), Reading>,
    pub cursor: usize,
}

impl Default for SloState {
    fn default() -> SloState {
        SloState::new(Vec::new(), SloSource::None)
    }
}

impl SloState {
    pub fn new(defs: Vec<Slo>, source: SloSource) -> SloState {
        SloState {
            defs,
            source,
            readings: BTreeMap::new(),
            cursor: 0,
        }
    }

    /// Keeps a reading; one for an SLO or window not configured is dropped.
    pub fn read(&mut self, r: SloRead) {
        let known = self
            .defs
            .get(r.slo)
            .is_some_and(|s| s.windows().contains(&r.window));
        if known {
            let old = self.readings.get(&(r.slo, r.window));
            let last_good = match &r.sli {
                Ok(v) => Some((*v, r.at)),
                Err(_) => old.and_then(|o| match o.sli {
                    Ok(v) => Some((v, o.at)),
                    Err(_) => o.last_good,
                }),
            };
            self.readings.insert(
                (r.slo, r.window),
                Reading {
                    at: r.at,
                    sli: r.sli,
                    last_good,
                },
            );
        }
    }
}
