//! What the console knows of each SLO: the last reading of every window,
//! and `slo_rows`, everything a view (the SLO pane, the wall's tiles) shows
//! of them, computed here so the views only draw.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::state::State;
use crate::model::slo::{budget_remaining, burn_rate, burning, fill, window_text, Sli, Slo};

pub use super::panes::slos::state::{Reading, SloRead, SloSource, SloState};

/// Where an SLO stands, worst first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SloStatus {
    /// Nothing can be measured (no Prometheus configured).
    Unavailable(String),
    /// The SLI over the SLO window failed (the row's `error` says why).
    Failed,
    /// A burn-rate alert condition holds.
    Burning,
    /// The error budget is spent.
    Exhausted,
    /// The SLI over the SLO window has not been read yet.
    Loading,
    Ok,
}

/// A burn rate over one window: `None` while loading or failed.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowBurn {
    pub window: Duration,
    /// `1h`, `5m`.
    pub label: String,
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BurnRow {
    pub long: WindowBurn,
    pub short: WindowBurn,
    pub factor: f64,
    pub burning: bool,
}

/// Everything a view shows of one SLO.
#[derive(Clone, Debug, PartialEq)]
pub struct SloRow {
    pub name: String,
    /// Percent, e.g. 99.9.
    pub objective: f64,
    /// `30d`.
    pub window: String,
    /// The good fraction over the SLO window (0..1).
    pub sli: Option<f64>,
    /// Error budget left (1 = untouched, 0 = spent, below 0 = over-spent).
    pub budget: Option<f64>,
    pub burns: Vec<BurnRow>,
    pub status: SloStatus,
    /// The first window that failed and why: `1h: Prometheus bad_data: …`.
    pub error: Option<String>,
    /// Windows still without an answer.
    pub loading: usize,
    /// Seconds since the oldest reading shown.
    pub age: Option<i64>,
    /// The SLI's queries over the SLO window, as sent: `good: sum(…[30d])`.
    pub queries: Vec<String>,
}

/// Every configured SLO, in config order.
pub fn slo_rows(state: &State, now: DateTime<Utc>) -> Vec<SloRow> {
    let s = &state.slo;
    s.defs
        .iter()
        .enumerate()
        .map(|(i, slo)| row(s, i, slo, now))
        .collect()
}

fn row(s: &SloState, i: usize, slo: &Slo, now: DateTime<Utc>) -> SloRow {
    let target = slo.target();
    let reading = |w: Duration| s.readings.get(&(i, w));
    let sli_of = |w: Duration| {
        reading(w).and_then(|r| r.sli.as_ref().ok().copied().or(r.last_good.map(|g| g.0)))
    };
    let burn_of = |w: Duration| WindowBurn {
        window: w,
        label: window_text(w),
        rate: sli_of(w).map(|v| burn_rate(v, target)),
    };
    let burns: Vec<BurnRow> = slo
        .burn
        .iter()
        .map(|b| {
            let (long, short) = (burn_of(b.long), burn_of(b.short));
            let on = matches!((long.rate, short.rate), (Some(l), Some(r)) if burning(b, l, r));
            BurnRow {
                long,
                short,
                factor: b.factor,
                burning: on,
            }
        })
        .collect();
    let windows = slo.windows();
    let error = windows.iter().find_map(|w| {
        let r = reading(*w)?;
        let e = r.sli.as_ref().err()?;
        let kept = r.last_good.map_or(String::new(), |(_, at)| {
            format!(
                " (STALE: showing the reading of {} ago)",
                crate::model::duration::format_age((now - at).num_seconds())
            )
        });
        Some(format!("{}: {e}{kept}", window_text(*w)))
    });
    let sli = sli_of(slo.window);
    let budget = sli.map(|v| budget_remaining(v, target));
    let status = match (&s.source, reading(slo.window)) {
        (SloSource::None, _) => SloStatus::Unavailable(
            "no Prometheus configured (--prometheus URL, or prometheus: in the config)".into(),
        ),
        (_, None) => SloStatus::Loading,
        (
            _,
            Some(Reading {
                sli: Err(_),
                last_good: None,
                ..
            }),
        ) => SloStatus::Failed,
        _ if burns.iter().any(|b| b.burning) => SloStatus::Burning,
        _ if budget.is_some_and(|b| b <= 0.0) => SloStatus::Exhausted,
        _ => SloStatus::Ok,
    };
    let age = windows
        .iter()
        .filter_map(|w| reading(*w))
        .map(|r| (now - r.at).num_seconds())
        .max();
    SloRow {
        name: slo.name.clone(),
        objective: slo.objective,
        window: window_text(slo.window),
        sli,
        budget,
        burns,
        status,
        error,
        loading: windows.iter().filter(|w| reading(**w).is_none()).count(),
        age,
        queries: match &slo.sli {
            Sli::GoodTotal { good, total } => vec![
                format!("good: {}", fill(good, slo.window)),
                format!("total: {}", fill(total, slo.window)),
            ],
            Sli::Ratio(q) => vec![format!("ratio: {}", fill(q, slo.window))],
        },
    }
}
