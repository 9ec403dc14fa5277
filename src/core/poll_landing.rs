//! A poll landing: storing what a source answered, merging it (here or,
//! when it is big, on a worker thread: see `merge_view`), installing the
//! merge with the cursor kept on its item, and what follows a merge (acks
//! that ran out, the wall's pages, the incident observer, escalation).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::drop_later::drop_later;
use super::merge_view::{compute, ActivityJob, MergeJob, Merged};
use super::msg::Effect;
use super::observe::observe;
use super::page_outcome::pages;
use super::rows::{view_rows_if, Row, ViewInputs};
use super::silences::rebuild_silence_rows_keeping;
use super::state::{AckState, Health, State, StatusLevel};
use super::triage::{OwnerView, Owners, SortMode};
use crate::model::{Alert, AlertState, Silence};
use crate::source::{Snapshot, SourceError};
use std::collections::HashSet;

pub fn polled(
    state: &mut State,
    source: usize,
    at: DateTime<Utc>,
    result: Result<Snapshot, SourceError>,
) -> Vec<Effect> {
    let Some(src) = state.sources.get_mut(source) else {
        return vec![];
    };
    let failed = result.is_err();
    match result {
        Ok(snap) => {
            let restarted = (src.failures > 0 && src.last_ok.is_some())
                || matches!((src.started, snap.started), (Some(a), Some(b)) if a != b);
            if restarted {
                src.restarted_at = Some(at);
            }
            if snap.started.is_some() {
                src.started = snap.started;
            }
            let old = std::mem::replace(&mut src.alerts, snap.alerts);
            // The merge out on a worker may still hold the old list.
            if let Ok(old) = Arc::try_unwrap(old) {
                drop_later(old);
            }
            src.silences = snap.silences;
            src.rules = snap.rules;
            if snap.peer.is_some() {
                src.peer = snap.peer;
            }
            src.last_ok = Some(at);
            src.last_error = None;
            src.failures = 0;
        }
        Err(e) => {
            // The last good data stays; health turns stale.
            src.last_error = Some(e.to_string());
            src.failures += 1;
        }
    }
    // A source that just stopped answering changes the merge (its last
    // answer now counts only where no answering source reports); one that
    // was failing already does not.
    let others_answer =
        (0..state.sources.len()).any(|i| i != source && matches!(state.health(i), Health::Ok));
    let newly_silent = failed && state.sources[source].failures == 1 && others_answer;
    if failed && !newly_silent && big(state) {
        // Nothing to merge: the alerts are the ones merged last.
        return landed(state);
    }
    merge_here_or_later(state)
}

/// The answer of a merge run on a worker thread.
pub fn merged(state: &mut State, result: Result<Box<Merged>, String>) -> Vec<Effect> {
    state.merge.in_flight = false;
    let mut effects = match result {
        Ok(m) => {
            install(state, *m);
            landed(state)
        }
        Err(e) => {
            // The last merged alerts stay on screen.
            state.say(
                StatusLevel::Error,
                format!("merging the alerts failed: {e}"),
            );
            vec![]
        }
    };
    if std::mem::take(&mut state.merge.again) {
        effects.extend(merge_here_or_later(state));
    }
    effects
}

fn big(state: &State) -> bool {
    let n: usize = state.sources.iter().map(|s| s.alerts.len()).sum();
    n >= state.merge.background_from
}

/// Merges now, or asks for a merge on a worker thread when the alerts are
/// many. The ask goes through the message queue (`Effect::MergeSoon` comes
/// back as `Msg::MergeNow`), so polls that landed together are merged once.
pub(super) fn merge_here_or_later(state: &mut State) -> Vec<Effect> {
    if state.merge.in_flight {
        state.merge.again = true;
        return vec![];
    }
    if big(state) {
        let gap = chrono::Duration::from_std(state.merge.min_gap).unwrap_or_default();
        if state.merge.last.is_some_and(|last| state.now - last < gap) {
            // Merged lately: the tick after the gap merges this one too.
            state.merge.waiting = true;
            return vec![];
        }
        state.merge.waiting = false;
        state.merge.last = Some(state.now);
        state.merge.in_flight = true;
        return vec![Effect::MergeSoon];
    }
    remerge(state);
    landed(state)
}

/// What follows a merge.
fn landed(state: &mut State) -> Vec<Effect> {
    notice_ended_acks(state);
    super::panes::wall::repaginate(state);
    let mut effects = observe(state);
    effects.extend(pages(state));
    effects
}

/// An ack that runs out while its alert still fires is said out loud.
fn notice_ended_acks(state: &mut State) {
    let mut acked = HashMap::new();
    let mut news: Vec<String> = Vec::new();
    for a in &state.alerts {
        match state.ack_state(a) {
            AckState::Acked(s) => {
                acked.insert(a.fingerprint.to_string(), (s.id.clone(), s.ends_at));
            }
            AckState::Ended(_) => {
                // Only the ack that covered it at the last poll, and that was
                // not removed from this console, is news.
                let Some((id, planned_end)) = state.acked.get(a.fingerprint.as_str()) else {
                    continue;
                };
                if state.unacked_here.contains(id) {
                    continue;
                }
                let Some(s) = state.silences.iter().find(|s| &s.id == id) else {
                    continue;
                };
                let name = a.alertname();
                // Alertmanager ends an expired silence "now": well before its
                // planned end means someone removed it.
                news.push(if (*planned_end - s.ends_at).num_seconds() > 5 {
                    format!(
                        "ack removed: {name} fires unacked again ({}'s ack was expired)",
                        s.created_by
                    )
                } else {
                    format!(
                        "ack ran out: {name} fires unacked again (was acked by {})",
                        s.created_by
                    )
                });
            }
            AckState::None => {}
        }
    }
    state.acked = acked;
    if let Some(first) = news.first() {
        let more = match news.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let text = format!("{first}{more}");
        state.say(StatusLevel::Warn, text);
    }
}

/// Recomputes the merged alerts and the rows here, keeping the cursor on the same item.
pub fn remerge(state: &mut State) {
    let merged = compute(merge_job(state));
    install(state, merged);
}

/// Puts a merge in place, keeping the cursor on the same item.
fn install(state: &mut State, mut m: Merged) {
    let held = hold_unknown(state, &mut m.alerts);
    let selected = selected_identity(state);
    let selected_silence = state.selected_silence().map(|s| s.id.clone());
    drop_later(std::mem::replace(&mut state.alerts, m.alerts));
    state.alerts_gen += 1;
    state.silences = gossiped_silences(state);
    // Found against the keys written since: take it (else the observer
    // looks again, here).
    if let Some(found) = m.activity {
        if Arc::ptr_eq(&found.before, &state.activity_seen) {
            state.activity_moved(found.went, found.seen);
            state.activity_found = Some(found.new);
        }
    }
    if m.view == view_inputs(state) && !held {
        state.rows = m.rows;
        state.row_widths = m.widths;
        state.counts = m.counts;
        restore_cursor(state, selected);
    } else {
        // The filter or grouping changed while the merge was out.
        rebuild_keeping(state, selected);
    }
    rebuild_silence_rows_keeping(state, selected_silence);
    super::news::recount(state);
    if let Some(form) = state.form.as_mut() {
        form.preview(&state.alerts);
    }
}

/// An Alertmanager that restarted comes back empty until Prometheus sends
/// its alerts again. So for `resolve_grace` after a source came back from a
/// restart or from being down, alerts that went away are kept as `unknown`
/// rather than dropped as resolved. Returns whether this merge lost some
/// (they are added to `alerts`, and the rows must be built again).
fn hold_unknown(state: &mut State, alerts: &mut Vec<Alert>) -> bool {
    let grace = chrono::Duration::from_std(state.resolve_grace).unwrap_or_default();
    let now = state.now;
    if !state.unknown.is_empty() {
        let reported: HashSet<&str> = alerts
            .iter()
            .filter(|a| a.state != AlertState::Unknown)
            .map(|a| a.fingerprint.as_str())
            .collect();
        state
            .unknown
            .retain(|fp, (_, since)| now - *since < grace && !reported.contains(fp.as_str()));
    }
    let restarting: Vec<&str> = state
        .sources
        .iter()
        .filter(|s| s.restarted_at.is_some_and(|at| now - at < grace))
        .map(|s| s.name.as_str())
        .collect();
    if restarting.is_empty() {
        return false;
    }
    // Only what went away with a restarted source: an alert that another
    // source alone reported and no longer does has resolved.
    let present: HashSet<&str> = alerts.iter().map(|a| a.fingerprint.as_str()).collect();
    let went: Vec<Alert> = state
        .alerts
        .iter()
        .filter(|a| a.state != AlertState::Unknown && !present.contains(a.fingerprint.as_str()))
        .filter(|a| a.sources.iter().any(|s| restarting.contains(&s.as_str())))
        .cloned()
        .collect();
    for mut a in went.iter().cloned() {
        a.state = AlertState::Unknown;
        state
            .unknown
            .insert(a.fingerprint.clone(), (a.clone(), now));
        alerts.push(a);
    }
    !went.is_empty()
}

fn selected_identity(state: &State) -> Option<String> {
    match state.rows.get(state.cursor)? {
        Row::Alert { index } => state
            .alerts
            .get(*index)
            .map(|a| format!("a:{}", a.fingerprint)),
        Row::Group { key, .. } => Some(format!("g:{key}")),
    }
}

/// Rebuilds the rows after the alerts, filter or grouping changed.
pub fn rebuild(state: &mut State) {
    let selected = selected_identity(state);
    rebuild_keeping(state, selected);
}

/// Rebuilds the rows and puts the cursor back on the item it was on.
fn rebuild_keeping(state: &mut State, before: Option<String>) {
    let (rows, widths, counts) = view_rows_if(&state.alerts, &view_inputs(state), state.merge.rows);
    state.rows = rows;
    state.row_widths = widths;
    state.counts = counts;
    restore_cursor(state, before);
    super::news::recount(state);
}

fn restore_cursor(state: &mut State, before: Option<String>) {
    if let Some(id) = before {
        if let Some(pos) = state.rows.iter().position(|r| match r {
            Row::Alert { index } => {
                id.strip_prefix("a:") == Some(state.alerts[*index].fingerprint.as_str())
            }
            Row::Group { key, .. } => id.strip_prefix("g:") == Some(key.as_str()),
        }) {
            state.cursor = pos;
        }
    }
    state.cursor = state.cursor.min(state.rows.len().saturating_sub(1));
}

/// The view inputs of the state now.
pub fn view_inputs(state: &State) -> ViewInputs {
    ViewInputs {
        filter: state.filter.clone(),
        group_by: state.group_by.clone(),
        show_silenced: state.show_silenced,
        show_inhibited: state.show_inhibited,
        collapsed: state.collapsed.clone(),
        expanded: state.triage.expanded.clone(),
        fold_from: state.triage.fold_from,
        // Nobody's alerts are a to-do list: most severe first, whatever the sort.
        sort: match state.triage.owners {
            OwnerView::Unowned => SortMode::Severity,
            _ => state.triage.sort,
        },
        owner_view: state.triage.owners,
        owners: if state.triage.owners != OwnerView::All || state.triage.sort == SortMode::Unacked {
            super::ownership::owners(state)
        } else {
            Owners::default()
        },
    }
}

/// A merge of every source's last good alerts, for the state now.
pub fn merge_job(state: &State) -> MergeJob {
    let observing = state.journal_loaded && !state.read_only;
    MergeJob {
        sources: state
            .sources
            .iter()
            .map(|s| (s.name.clone(), s.kind, s.alerts.clone()))
            .collect(),
        silent: (0..state.sources.len())
            .filter(|&i| !matches!(state.health(i), Health::Ok | Health::Connecting))
            .collect(),
        unknown: {
            let grace = chrono::Duration::from_std(state.resolve_grace).unwrap_or_default();
            state
                .unknown
                .values()
                .filter(|(_, since)| state.now - *since < grace)
                .map(|(a, _)| a.clone())
                .collect()
        },
        view: view_inputs(state),
        rows: state.merge.rows,
        activity: observing.then(|| ActivityJob {
            seen: state.activity_seen.clone(),
            gone: Arc::new(state.gone_set()),
            silences: gossiped_silences(state),
            ack_prefix: state.ack_prefix.clone(),
        }),
    }
}

/// Every source's silences, one copy of each id: the members of an HA
/// cluster gossip them.
pub fn gossiped_silences(state: &State) -> Vec<Silence> {
    let mut seen = HashSet::new();
    state
        .sources
        .iter()
        .flat_map(|s| s.silences.iter())
        .filter(|s| seen.insert(s.id.as_str()))
        .cloned()
        .collect()
}
