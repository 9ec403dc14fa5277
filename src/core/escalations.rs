//! The escalation pane's rows: the console's alerts grouped by policy and
//! alertname, each with where it stands (`model::escalation::standing`).

pub use super::page::Page;
use std::collections::HashMap;
use std::sync::Arc;

use super::escalation_groups::{Group, Key};
use super::state::State;
use crate::model::escalation::{policy_for, standing, Standing};
use crate::model::{Alert, AlertState, Labels};

#[derive(Clone, Debug, PartialEq)]
pub struct EscalationRow {
    pub policy: String,
    /// The group: the alertname its alerts share.
    pub group: String,
    pub alerts: usize,
    pub standing: Standing,
}

impl EscalationRow {
    /// Seconds to the next level in escalation time; held and finished rows last.
    fn sort_key(&self) -> (u8, i64) {
        match (&self.standing.held_by, self.standing.next) {
            (None, Some((_, _, left))) => (0, left.num_seconds()),
            (Some(_), Some((_, _, left))) => (1, left.num_seconds()),
            (_, None) => (2, 0),
        }
    }
}

/// Every escalating group, the soonest next escalation first.
pub fn escalation_rows(state: &State) -> Vec<EscalationRow> {
    let groups = groups(state);
    let mut rows: Vec<EscalationRow> = groups
        .iter()
        .filter_map(|g| {
            let p = state.policies.get(g.policy)?;
            let alerts: Vec<&Alert> = g
                .alerts
                .iter()
                .filter_map(|&i| state.alerts.get(i))
                .collect();
            let declared = alerts
                .iter()
                .find_map(|a| state.incident_of(&a.fingerprint))
                .and_then(|i| i.milestone(crate::model::Milestone::Declared));
            let standing = standing(p, &alerts, &state.silences, declared, state.now)?;
            Some(EscalationRow {
                policy: p.name.clone(),
                group: g.name.clone(),
                alerts: alerts.len(),
                standing,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.sort_key());
    rows
}

/// The escalating groups of `state`'s alerts, in the order first seen
/// (worked out once per alert list: `escalation_groups`).
fn groups(state: &State) -> Arc<Vec<Group>> {
    let key = Key {
        alerts_gen: state.alerts_gen,
        alerts: (state.alerts.as_ptr() as usize, state.alerts.len()),
        policies: state.policies.clone(),
        active: state
            .policies
            .iter()
            .map(|p| p.is_active(&state.intervals, state.now))
            .collect(),
    };
    state.escalation_groups.get(key, || walk(state))
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

/// One line for the detail view: the alert's policy, level and countdown.
pub fn escalation_of(state: &State, alert: &Alert) -> Option<String> {
    let p = policy_for(alert, &state.policies, &state.intervals, state.now)?;
    let row = escalation_rows(state)
        .into_iter()
        .find(|r| r.policy == p.name && r.group == alert.alertname());
    let Some(r) = row else {
        return Some(format!("{} (not escalating)", p.name));
    };
    let at = match (&r.standing.held_by, r.standing.next) {
        (Some(s), _) => format!(
            "held by {}'s {}",
            s.created_by,
            if s.is_ack(&state.ack_prefix) {
                "ack"
            } else {
                "silence"
            }
        ),
        (None, Some((_, level, left))) => {
            let secs = left.num_seconds().max(0);
            format!("level {} in {:02}:{:02}", level + 1, secs / 60, secs % 60)
        }
        (None, None) => "last level reached".into(),
    };
    // The level reached in this pass (a policy can repeat its levels).
    let reached = r.standing.reached.last().map_or(0, |d| d.level + 1);
    let levels = p.levels.len();
    Some(format!(
        "{} · level {reached} of {levels} reached · {at}",
        p.name
    ))
}

/// A level's targets, schedules resolved to who is on call now:
/// `fraud-model-oncall (bob)`.
pub fn targets_now(state: &State, targets: &[String]) -> String {
    let named: Vec<String> = targets
        .iter()
        .map(|t| {
            match state
                .schedules
                .iter()
                .find(|s| &s.name == t)
                .and_then(|s| s.at(state.now))
            {
                Some(on) => format!("{t} ({})", on.user),
                None => t.clone(),
            }
        })
        .collect();
    named.join(", ")
}

/// Levels that fell due and that this console has not yet tried to page.
/// Nothing pages from read-only consoles (a wall display), the demo, or
/// data that is stale.
pub fn pages_due(state: &mut State) -> Vec<Page> {
    let rows = escalation_rows(state);
    pages_due_in(state, &rows)
}

/// `pages_due` over rows computed already (a tick computes them once).
pub fn pages_due_in(state: &mut State, rows: &[EscalationRow]) -> Vec<Page> {
    if state.read_only || state.demo || state.paging_held_by.is_some() {
        // Nothing to wake for: this process does not page.
        state.next_due = None;
        return Vec::new();
    }
    let mut pages = Vec::new();
    // When the next level falls due: `oncall serve` wakes then, rather than
    // on its next tick.
    state.next_due = rows
        .iter()
        .filter(|r| r.standing.held_by.is_none())
        .filter_map(|r| r.standing.next.map(|(_, _, left)| state.now + left))
        .min();
    for row in rows {
        if row.standing.held_by.is_some() {
            continue;
        }
        let keys: Vec<String> = row
            .standing
            .reached
            .iter()
            .map(|d| d.key(&row.policy, &row.group, row.standing.started))
            .filter(|k| !state.paged.contains(k))
            .collect();
        if keys.is_empty() {
            continue;
        }
        if state
            .alerts
            .iter()
            .filter(|a| a.alertname() == row.group)
            .all(|a| state.is_stale(a))
        {
            continue;
        }
        let Some(page) = page_of(state, row, keys) else {
            continue;
        };
        state.paged.extend(page.keys.iter().cloned());
        // A later level supersedes an earlier one that is failing.
        state
            .failed_pages
            .retain(|_, f| !(f.page.note.policy == row.policy && f.page.note.group == row.group));
        pages.push(page);
    }
    pages
}

/// The page of a group's highest level reached, settling `keys`.
pub fn page_of(state: &State, row: &EscalationRow, keys: Vec<String>) -> Option<Page> {
    let last = row.standing.reached.last()?;
    let policy = state.policies.iter().find(|p| p.name == row.policy)?;
    let level = policy.levels.get(last.level)?;
    let first = state.alerts.iter().find(|a| a.alertname() == row.group);
    let note = crate::notify::Notification {
        policy: row.policy.clone(),
        level: last.level + 1,
        targets: level
            .targets
            .iter()
            .map(|t| targets_now(state, std::slice::from_ref(t)))
            .collect(),
        alertname: row.group.clone(),
        group: row.group.clone(),
        labels: first.map(|a| Labels::clone(&a.labels)).unwrap_or_default(),
        summary: first.map(|a| a.summary().to_string()).unwrap_or_default(),
        console: state.author.clone(),
        time: state.now,
        incident: first
            .and_then(|a| state.incident_of(&a.fingerprint))
            .map(|i| i.id.clone()),
    };
    Some(Page {
        keys,
        notifiers: level.notify.clone(),
        note,
        retry: false,
        due: state.now,
        uncoordinated: false,
    })
}
