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

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::state::State;
use crate::model::escalation::{policy_for, Policy};
use crate::model::AlertState;

/// Alerts of one policy and alertname: indexes into `State::alerts`.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Index into `State::policies`.
    pub policy: usize,
    pub name: String,
    pub alerts: Vec<usize>,
}

/// What the groups were worked out from.
#[derive(PartialEq)]
struct Key {
    alerts_gen: u64,
    alerts: (usize, usize),
    policies: Vec<Policy>,
    active: Vec<bool>,
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

/// The escalating groups of `state`'s alerts, in the order first seen.
pub fn groups(state: &State) -> Arc<Vec<Group>> {
    let active: Vec<bool> = state
        .policies
        .iter()
        .map(|p| p.is_active(&state.intervals, state.now))
        .collect();
    let same = |k: &Key| {
        k.alerts_gen == state.alerts_gen
            && k.alerts == (state.alerts.as_ptr() as usize, state.alerts.len())
            && k.active == active
            && k.policies == state.policies
    };
    // A poisoned memo is only a cache: work the groups out again.
    let mut memo = state
        .escalation_groups
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some((key, groups)) = memo.as_ref() {
        if same(key) {
            return groups.clone();
        }
    }
    let groups = Arc::new(walk(state));
    *memo = Some((
        Key {
            alerts_gen: state.alerts_gen,
            alerts: (state.alerts.as_ptr() as usize, state.alerts.len()),
            policies: state.policies.clone(),
            active,
        },
        groups.clone(),
    ));
    groups
}

fn walk(state: &State) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut slot: HashMap<(usize, &str), usize> = HashMap::new();
    for (i, a) in state.alerts.iter().enumerate() {
        // Pending alerts have not fired; inhibited ones are another's symptom.
        if a.state == AlertState::Pending || a.is_inhibited() {
            continue;
        }
        let Some(p) = policy_for(a, &state.policies, &state.intervals, state.now) else {
            continue;
        };
        let policy = state
            .policies
            .iter()
            .position(|q| std::ptr::eq(q, p))
            .unwrap_or_default();
        let at = *slot.entry((policy, a.alertname())).or_insert_with(|| {
            groups.push(Group {
                policy,
                name: a.alertname().to_string(),
                alerts: Vec::new(),
            });
            groups.len() - 1
        });
        groups[at].alerts.push(i);
    }
    groups
}
