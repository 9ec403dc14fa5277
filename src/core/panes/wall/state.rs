//! The wall board's own state inside `State` (present only in wall mode).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::settings::WallSettings;
use crate::model::Severity;

/// The board's state inside `State` (present only in wall mode).
#[derive(Clone, Debug, PartialEq)]
pub struct WallState {
    pub page_interval: Duration,
    pub threshold: Severity,
    /// When the board started: how long a source that never answered has been away.
    pub started: DateTime<Utc>,
    /// The page of groups on screen (0-based) and since when.
    pub page: usize,
    pub page_since: DateTime<Utc>,
    /// Pages the groups take at the current size (from the last poll or resize).
    pub pages: usize,
}

impl WallState {
    pub fn new(settings: &WallSettings, now: DateTime<Utc>) -> WallState {
        WallState {
            page_interval: settings.page_interval,
            threshold: settings.threshold,
            started: now,
            page: 0,
            page_since: now,
            pages: 1,
        }
    }
}
