//! The detail view's context as data: what is asked of Prometheus, what it
//! answered, and what the view holds meanwhile.

use chrono::{DateTime, Utc};

use crate::model::history::{Series, Threshold, Window};

#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    /// Why there is no picture, in words for the user.
    Failed(String),
}

/// The alert's expression over the window.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub from: i64,
    pub to: i64,
    pub points: Vec<(i64, f64)>,
}

/// Firing episodes per hour over the last 24 h; index 23 is the last hour.
#[derive(Clone, Debug, PartialEq)]
pub struct Fires {
    pub hours: [u32; 24],
}

impl Fires {
    pub fn total(&self) -> u32 {
        self.hours.iter().sum()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContextState {
    pub fingerprint: String,
    pub window: Window,
    pub asked_at: DateTime<Utc>,
    /// The expression drawn (less its comparison) and its threshold.
    pub expr: Option<String>,
    pub threshold: Option<Threshold>,
    pub history: Load<History>,
    pub fires: Load<Fires>,
    /// The step the fires were sampled at (a longer gap ends an episode).
    pub fires_step: i64,
    /// Where the chart comes from: the Prometheus source's name, and why
    /// that one when the alert's generatorURL names another.
    pub from: Option<String>,
}

/// What to ask Prometheus (the task runs it; `update` reads the answer).
#[derive(Clone, Debug, PartialEq)]
pub struct ContextQuery {
    pub fingerprint: String,
    pub window: Window,
    /// The Prometheus source's name.
    pub prometheus: String,
    /// The expression to draw, with the range to draw it over.
    pub history: Option<RangeQuery>,
    pub fires: RangeQuery,
    /// The alert's start and threshold (the demo draws a plausible curve).
    pub started: i64,
    pub threshold: Option<Threshold>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RangeQuery {
    pub query: String,
    pub from: i64,
    pub to: i64,
    pub step: i64,
}

/// Prometheus's answers, or the reason each failed.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextReply {
    pub fingerprint: String,
    pub window: Window,
    pub history: Option<Result<Vec<Series>, String>>,
    pub fires: Result<Vec<Series>, String>,
}
