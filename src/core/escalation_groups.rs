//! Which alerts escalate under which policy, grouped by alertname: the walk
//! of every alert through the policies' matchers, done once for each alert
//! list and set of active policies rather than on every call.
//!
//! Why: `escalation_rows` runs on every tick of `oncall serve` (each second)
//! and on every frame of the escalation pane and the wall. At 50,000 alerts
//! the matchers' label look-ups were half of serve's CPU (perf,
//! docs/performance.md). The groups change only when the alerts do (a merge
//! replaces `State::alerts` and counts `State::alerts_gen`; nothing edits
//! the list in place), when the policies do (a reload), or when a policy's
//! time interval starts or ends.

use std::sync::{Arc, Mutex};

use crate::model::escalation::Policy;

/// Alerts of one policy and alertname: indexes into `State::alerts`.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Index into `State::policies`.
    pub policy: usize,
    pub name: String,
    pub alerts: Vec<usize>,
}

/// What the groups were worked out from: the alert list (its merge count,
/// address and length), the policies and which of them are active.
#[derive(PartialEq)]
pub struct Key {
    pub alerts_gen: u64,
    pub alerts: (usize, usize),
    pub policies: Vec<Policy>,
    pub active: Vec<bool>,
}

/// The last groups worked out, and from what. A copy of the state starts
/// with none (it works its own out when asked).
#[derive(Default)]
pub struct GroupsMemo(Mutex<Option<(Key, Arc<Vec<Group>>)>>);

impl Clone for GroupsMemo {
    fn clone(&self) -> Self {
        GroupsMemo::default()
    }
}

impl std::fmt::Debug for GroupsMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupsMemo")
    }
}

impl GroupsMemo {
    /// The groups worked out for `key`: the last ones if it is the same,
    /// else `walk`'s.
    pub fn get(&self, key: Key, walk: impl FnOnce() -> Vec<Group>) -> Arc<Vec<Group>> {
        // A poisoned memo is only a cache: work the groups out again.
        let mut memo = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((last, groups)) = memo.as_ref() {
            if *last == key {
                return groups.clone();
            }
        }
        let groups = Arc::new(walk());
        *memo = Some((key, groups.clone()));
        groups
    }
}
