//! One copy of an alert's label and annotation sets (and generator URL)
//! for every source that reports it.
//!
//! Why: each member of an HA pair reports every alert, and each member's
//! poller read its own copy of the sets. At 50,000 alerts over five pairs
//! the sets were 73 MB, half of them copies of the other half (heaptrack,
//! docs/performance.md). A poller that reads an alert anew looks its
//! fingerprint up here and takes the sets another source's copy holds when
//! they are equal, byte for byte. Only alerts read anew come here (most come
//! back unchanged and are copied from the poller's last list, sets and all),
//! so this is a few thousand look-ups a poll.
//!
//! The table holds the sets weakly: it keeps none alive, and an entry
//! whose sets are all gone (the alert resolved everywhere) is dropped by a
//! sweep that runs once the table has had as many inserts as the last
//! sweep left entries, so it is at most about twice the alerts in use.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use crate::model::{Alert, LabelText, WeakLabels};

#[derive(Default)]
struct Entry {
    labels: WeakLabels,
    annotations: WeakLabels,
    url: Option<Weak<str>>,
}

impl Entry {
    fn is_gone(&self) -> bool {
        self.labels.is_gone()
            && self.annotations.is_gone()
            && self.url.as_ref().is_none_or(|u| u.strong_count() == 0)
    }
}

#[derive(Default)]
struct Table {
    entries: HashMap<LabelText, Entry>,
    /// Inserts since the last sweep, and the entries it left.
    inserts: usize,
    live: usize,
}

static TABLE: LazyLock<Mutex<Table>> = LazyLock::new(Default::default);

/// Gives `alert` the sets (and URL) another source's copy of it holds, when
/// equal; otherwise its own become the ones to share.
pub fn share(alert: &mut Alert) {
    // A poisoned lock only means another poller panicked mid-insert: the
    // table is still a valid cache.
    let mut table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
    let table = &mut *table;
    let entry = match table.entries.get_mut(&alert.fingerprint) {
        Some(e) => e,
        None => {
            table.inserts += 1;
            if table.inserts > table.live.max(1024) {
                table.entries.retain(|_, e| !e.is_gone());
                table.inserts = 0;
                table.live = table.entries.len();
            }
            table.entries.entry(alert.fingerprint.clone()).or_default()
        }
    };
    for (mine, shared) in [
        (&mut alert.labels, &mut entry.labels),
        (&mut alert.annotations, &mut entry.annotations),
    ] {
        match shared.upgrade() {
            Some(set) if set.block() == mine.block() => *mine = set,
            _ => *shared = mine.downgrade(),
        }
    }
    match entry.url.as_ref().and_then(Weak::upgrade) {
        Some(url) if url == alert.generator_url => alert.generator_url = url,
        _ => entry.url = Some(Arc::downgrade(&alert.generator_url)),
    }
}

/// How many alerts the table knows (for the tests).
pub fn known() -> usize {
    TABLE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entries
        .len()
}
