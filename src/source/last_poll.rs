//! An Alertmanager's last answer, kept so the next one is read quickly.
//!
//! Why: between two polls most alerts do not change. Prometheus re-sends
//! a firing alert about once a minute, and only then do its `endsAt` and
//! `updatedAt` move; at a 10 s refresh five alerts in six come back byte
//! for byte. An alert whose bytes are those of one in the last answer is
//! that alert again, so it is copied from the last list: a compare of its
//! kilobyte instead of the ~10,000 instructions of reading it (README
//! "Performance"). Bytes, not a hash of them: equal bytes are proof, where
//! a hash could be made to collide by whoever writes annotations.

use std::ops::Range;
use std::sync::Arc;

use crate::model::text_order::less;
use crate::model::{Alert, LabelText};

/// Where in a body each of its alerts was read from: the bytes of one
/// whole JSON object, from its `{` to its `}`.
pub type Spans = Vec<Range<usize>>;

/// The last answer's body, its alerts (shared with the console's state),
/// and where in the body each alert was read from.
pub struct LastPoll {
    body: Vec<u8>,
    spans: Spans,
    alerts: Arc<Vec<Alert>>,
}

impl LastPoll {
    /// `spans[i]` must be where `alerts[i]` was read from in `body`.
    pub fn new(body: Vec<u8>, spans: Spans, alerts: Arc<Vec<Alert>>) -> LastPoll {
        debug_assert_eq!(spans.len(), alerts.len());
        LastPoll {
            body,
            spans,
            alerts,
        }
    }

    pub fn alerts(&self) -> &Arc<Vec<Alert>> {
        &self.alerts
    }
}

/// How many alerts of the last answer may have been resolved between two
/// that came back unchanged, and the second still be found.
const RESOLVED: usize = 4;

/// A walk over the last answer's alerts alongside a new body. Both come in
/// Alertmanager's fingerprint order, so the alert to compare with is the
/// one after the last matched or read, or one of the few after it (those
/// between were resolved since); in any other order alerts are just read
/// (correct, only not quicker).
pub struct Reuse<'a> {
    last: Option<&'a LastPoll>,
    next: usize,
}

impl<'a> Reuse<'a> {
    pub fn new(last: Option<&'a LastPoll>) -> Reuse<'a> {
        Reuse { last, next: 0 }
    }

    /// The last answer's alert that `rest` starts with, byte for byte, and
    /// its length in bytes; `rest` starts at an alert's `{`.
    #[inline]
    pub fn same(&mut self, rest: &[u8]) -> Option<(&'a Alert, usize)> {
        let last = self.last?;
        let end = last.spans.len().min(self.next + 1 + RESOLVED);
        let i = (self.next..end).find(|&i| rest.starts_with(&last.body[last.spans[i].clone()]))?;
        self.next = i + 1;
        Some((&last.alerts[i], last.spans[i].len()))
    }

    /// After an alert was read anew: the last answer's alerts up to its
    /// fingerprint are gone or changed, so the next compare is past them.
    pub fn read(&mut self, fingerprint: &LabelText) {
        let Some(last) = self.last else { return };
        let alerts = &last.alerts;
        while self.next < alerts.len() && !less(fingerprint, &alerts[self.next].fingerprint) {
            self.next += 1;
        }
    }
}
