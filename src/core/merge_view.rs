//! What the alerts pane makes of the sources' alerts: the HA merge, the
//! rows, their column widths and the counts, in one pure function.
//!
//! Why two places run it: at 50,000 alerts from an HA pair this is a
//! quarter of a second, and a key pressed meanwhile would wait for it. So a
//! poll that brings many alerts is merged on a worker thread: `update()`
//! asks with `Effect::Merge`, keys and frames go on over the last merged
//! list, and the answer comes back as `Msg::Merged` to be installed just as
//! an in-place merge is. Smaller polls are merged in place (no thread, and
//! the state is up to date when `update()` returns).

use std::collections::HashSet;
use std::sync::Arc;

use super::activity::{activity_of, Seen};
use super::row_widths::RowWidths;
use super::rows::{view_rows_if, Counts, Row, ViewInputs};
use crate::model::{Activity, Alert, Silence};
use crate::source::{merge_sources, SourceKind};

/// From this many alerts over all sources a poll is merged off the UI task.
pub const BACKGROUND_FROM: usize = 20_000;

/// Whether a merge is out on a worker thread.
#[derive(Clone, Debug)]
pub struct MergeState {
    pub in_flight: bool,
    /// A poll landed while one was out: merge again when it is back.
    pub again: bool,
    /// `BACKGROUND_FROM`, settable so tests can take the background path.
    pub background_from: usize,
    /// At most one big merge per this long (`oncall serve`: its refresh; a
    /// console: none, it shows every poll at once). Polls landing sooner
    /// wait, and the merge after the gap takes them all.
    pub min_gap: std::time::Duration,
    /// When the last big merge started.
    pub last: Option<chrono::DateTime<chrono::Utc>>,
    /// A poll waits for the gap to pass.
    pub waiting: bool,
    /// Whether the alerts pane's rows are built (`oncall serve`, with no
    /// screen: only the counts).
    pub rows: bool,
}

impl Default for MergeState {
    fn default() -> Self {
        MergeState {
            in_flight: false,
            again: false,
            background_from: BACKGROUND_FROM,
            min_gap: std::time::Duration::ZERO,
            last: None,
            waiting: false,
            rows: true,
        }
    }
}

/// A merge to run: every source's last good alerts (shared, not copied).
#[derive(Clone, Debug, PartialEq)]
pub struct MergeJob {
    pub sources: Vec<(String, SourceKind, Arc<Vec<Alert>>)>,
    /// Sources not answering now (their last poll failed, or is overdue):
    /// their last answer counts only for alerts no answering source reports.
    pub silent: Vec<usize>,
    /// Alerts gone with a restarted source (`State::unknown`): kept, as
    /// `unknown`, where no source reports them.
    pub unknown: Vec<Alert>,
    pub view: ViewInputs,
    /// Whether to build the pane's rows (`MergeState::rows`).
    pub rows: bool,
    /// Set when the incident observer runs: find the new fires and acks
    /// for the activity log here too (`observe::activity_of`).
    pub activity: Option<ActivityJob>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActivityJob {
    /// The keys already written when the job left.
    pub seen: Arc<HashSet<Seen>>,
    /// Alerts gone for less than the grace (`State::recently_gone`).
    pub gone: Arc<HashSet<crate::model::LabelText>>,
    pub silences: Vec<Silence>,
    pub ack_prefix: String,
}

/// What `observe::activity_of` found, and against which keys.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityFound {
    pub before: Arc<HashSet<Seen>>,
    pub seen: HashSet<Seen>,
    pub new: Vec<Activity>,
    /// Fingerprints that fired before and are gone now (found here, off
    /// the UI task: at 50,000 alerts it is a walk over both sets).
    pub went: Vec<crate::model::LabelText>,
}

/// The alerts of the sources answering now, merged; then those that only a
/// silent source still reports (its last answer), marked stale by their
/// sources. A member that went down after an ack keeps its old "firing"
/// copy out of the merge, where it would win over the live member's newer
/// "suppressed" one.
fn merge_answering_first(
    sources: &[(String, SourceKind, Arc<Vec<Alert>>)],
    silent: &[usize],
) -> Vec<Alert> {
    let of = |answering: bool| {
        sources
            .iter()
            .enumerate()
            .filter(move |(i, _)| silent.contains(i) != answering)
            .map(|(_, (name, kind, alerts))| (name.as_str(), *kind, alerts.as_slice()))
    };
    if silent.is_empty() || silent.len() == sources.len() {
        return merge_sources(of(true).chain(of(false)));
    }
    let mut alerts = merge_sources(of(true));
    let extra: Vec<Alert> = {
        let known: HashSet<&str> = alerts.iter().map(|a| a.fingerprint.as_str()).collect();
        merge_sources(of(false))
            .into_iter()
            .filter(|a| !known.contains(a.fingerprint.as_str()))
            .collect()
    };
    alerts.extend(extra);
    alerts
}

/// A merge's result, with the view inputs its rows were built for.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub alerts: Vec<Alert>,
    pub view: ViewInputs,
    pub rows: Vec<Row>,
    pub widths: RowWidths,
    pub counts: Counts,
    pub activity: Option<ActivityFound>,
}

pub fn compute(job: MergeJob) -> Merged {
    let mut alerts = merge_answering_first(&job.sources, &job.silent);
    if !job.unknown.is_empty() {
        let known: HashSet<&str> = alerts.iter().map(|a| a.fingerprint.as_str()).collect();
        let kept: Vec<Alert> = job
            .unknown
            .into_iter()
            .filter(|a| !known.contains(a.fingerprint.as_str()))
            .collect();
        alerts.extend(kept);
    }
    let (rows, widths, counts) = view_rows_if(&alerts, &job.view, job.rows);
    let activity = job.activity.map(|j| {
        let (seen, new) = activity_of(&alerts, &j.silences, &j.seen, &j.ack_prefix, &j.gone);
        let went = super::activity::went_away(&j.seen, &seen);
        ActivityFound {
            went,
            before: j.seen,
            seen,
            new,
        }
    });
    Merged {
        alerts,
        view: job.view,
        rows,
        widths,
        counts,
        activity,
    }
}
