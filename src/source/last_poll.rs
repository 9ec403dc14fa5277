//! An Alertmanager's last answer, kept so the next one is read quickly.
//!
//! Why: between two polls most alerts do not change. Prometheus re-sends
//! a firing alert about once a minute, and only then do its `endsAt` and
//! `updatedAt` move; at a 10 s refresh five alerts in six come back byte
//! for byte. An alert whose bytes are those of one in the last answer is
//! that alert again, so it is copied from the last list: a compare of its
//! kilobyte instead of the ~10,000 instructions of reading it (docs/performance-log.md).
//!
//! What is kept of each alert is the length and a keyed hash of its bytes,
//! not the bytes: at 50,000 alerts from ten Alertmanagers the bodies were
//! 87 MB held between polls (heaptrack, docs/performance.md), the hashes
//! are 1.2 MB. The hash is foldhash's, keyed with a random seed made for
//! each process, so whoever writes annotations cannot aim a collision at
//! it without that seed; and the bytes must also end where the alert did,
//! in a `}`.

use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use super::am_decode::decode_polled;
use super::json_read::ReadError;
use crate::model::text_order::less;
use crate::model::{Alert, LabelText};

/// Where in a body each of its alerts was read from: the bytes of one
/// whole JSON object, from its `{` to its `}`.
pub type Spans = Vec<Range<usize>>;

/// The last answer's alerts (shared with the console's state), the length
/// and hash of the bytes each was read from, and whose answer it was.
pub struct LastPoll {
    source: String,
    sums: Vec<Sum>,
    alerts: Arc<Vec<Alert>>,
}

/// One alert's bytes: their length and their hash under `KEY`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sum {
    len: u32,
    hash: u64,
}

/// The process's hash key: both of foldhash's seeds drawn from std's
/// `RandomState`, which the OS's entropy keys (foldhash's own come from
/// addresses and the clock).
static KEY: LazyLock<foldhash::quality::SeedableRandomState> = LazyLock::new(|| {
    let draw = |n: u64| std::collections::hash_map::RandomState::new().hash_one(n);
    let shared: &'static foldhash::SharedSeed =
        Box::leak(Box::new(foldhash::SharedSeed::from_u64(draw(1))));
    foldhash::quality::SeedableRandomState::with_seed(draw(2), shared)
});

fn hash(bytes: &[u8]) -> u64 {
    KEY.hash_one(bytes)
}

impl LastPoll {
    /// Decodes `body`, `source`'s answer, after `last` (its answer before;
    /// ignored if another source's), and keeps it for the next.
    pub fn decode(
        body: Vec<u8>,
        source: &str,
        last: Option<&LastPoll>,
    ) -> Result<LastPoll, Box<ReadError>> {
        let (alerts, spans) = decode_polled(&body, source, last)?;
        debug_assert!(spans
            .iter()
            .all(|s| body[s.start] == b'{' && body[s.end - 1] == b'}'));
        // An alert of 4 GiB is never in a bounded body; if it were, it
        // would just not be found again.
        let sums = spans
            .iter()
            .map(|s| Sum {
                len: u32::try_from(s.len()).unwrap_or(0),
                hash: hash(&body[s.clone()]),
            })
            .collect();
        Ok(LastPoll {
            source: source.to_string(),
            sums,
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
        let end = last.sums.len().min(self.next + 1 + RESOLVED);
        // Candidates mostly share one length: each length is hashed once.
        let mut hashed: Option<Sum> = None;
        let i = (self.next..end).find(|&i| {
            let want = last.sums[i];
            let len = want.len as usize;
            if len == 0 || rest.len() < len || rest[len - 1] != b'}' {
                return false;
            }
            let got = match hashed {
                Some(h) if h.len == want.len => h,
                _ => *hashed.insert(Sum {
                    len: want.len,
                    hash: hash(&rest[..len]),
                }),
            };
            got == want
        })?;
        self.next = i + 1;
        Some((&last.alerts[i], last.sums[i].len as usize))
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
