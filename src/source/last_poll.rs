//! An Alertmanager's last answer, kept so the next one is read quickly.
//!
//! Why: between two polls most alerts do not change. Prometheus re-sends
//! a firing alert about once a minute, and only then do its `endsAt` and
//! `updatedAt` move; at a 10 s refresh five alerts in six come back byte
//! for byte. An alert whose bytes are those of one in the last answer is
//! that alert again, so it is copied from the last list: a compare of its
//! kilobyte instead of the ~10,000 instructions of reading it (docs/performance-log.md).
//! Bytes, not a hash of them: equal bytes are proof, where
//! a hash could be made to collide by whoever writes annotations.

use std::ops::Range;
use std::sync::Arc;

use super::am_decode::decode_next;
use super::json_read::ReadError;
use crate::model::text_order::less;
use crate::model::{Alert, LabelText};

/// Where in a body each of its alerts was read from: the bytes of one
/// whole JSON object, from its `{` to its `}`.
pub type Spans = Vec<Range<usize>>;

/// The last answer's body, its alerts (shared with the console's state),
/// where in the body each alert was read from, and whose answer it was.
pub struct LastPoll {
    source: String,
    body: Vec<u8>,
    spans: Spans,
    alerts: Arc<Vec<Alert>>,
}

impl LastPoll {
    /// Decodes `body`, `source`'s answer, after `last` (its answer before;
    /// ignored if another source's), and keeps it for the next.
    pub fn decode(
        mut body: Vec<u8>,
        source: &str,
        last: Option<&LastPoll>,
    ) -> Result<LastPoll, Box<ReadError>> {
        let (alerts, mut spans) = decode_next(&body, source, last)?;
        // Kept until the next poll: the spare room is given back.
        body.shrink_to_fit();
        spans.shrink_to_fit();
        debug_assert!(spans
            .iter()
            .all(|s| body[s.start] == b'{' && body[s.end - 1] == b'}'));
        Ok(LastPoll {
            source: source.to_string(),
            body,
            spans,
            alerts: Arc::new(alerts),
        })
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
/// one after the last unchanged one, or past the fingerprint of the last
/// read anew, or one of the few after it (those between were resolved
/// since); in any other order alerts are just read (correct, only not
/// quicker).
pub(crate) struct Reuse<'a> {
    last: Option<&'a LastPoll>,
    next: usize,
}

impl<'a> Reuse<'a> {
    /// A walk over `last`, if it was `source`'s: an alert's source is the
    /// one field of it that is not in its bytes.
    pub(crate) fn new(last: Option<&'a LastPoll>, source: &str) -> Reuse<'a> {
        let last = last.filter(|l| l.source == source);
        Reuse { last, next: 0 }
    }

    /// The last answer's alert that `rest` (the body from the next list
    /// element on) starts with, byte for byte, and its length in bytes.
    #[inline]
    pub(crate) fn unchanged(&mut self, rest: &[u8]) -> Option<(&'a Alert, usize)> {
        let last = self.last?;
        let end = last.spans.len().min(self.next + 1 + RESOLVED);
        let i = (self.next..end).find(|&i| rest.starts_with(&last.body[last.spans[i].clone()]))?;
        self.next = i + 1;
        Some((&last.alerts[i], last.spans[i].len()))
    }

    /// After an alert was read anew: the last answer's alerts up to its
    /// fingerprint are gone or changed, so the next compare is past them.
    pub(crate) fn passed(&mut self, fingerprint: &LabelText) {
        let Some(last) = self.last else { return };
        let alerts = &last.alerts;
        while self.next < alerts.len() && !less(fingerprint, &alerts[self.next].fingerprint) {
            self.next += 1;
        }
    }
}
