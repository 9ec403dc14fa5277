//! What a page's outcome does to the console: the status line says who was
//! paged (or why not), the incident's timeline records it, and the
//! `terminal` notifier rings the bell.

use super::escalations::{EscalationRow, Page};
use super::incidents::{append, event};
use super::msg::Effect;
use super::page::FailedPage;
use super::state::{State, StatusLevel};
use crate::model::EventKind;

pub fn paged(
    state: &mut State,
    page: Page,
    claimed: bool,
    results: Vec<(String, Result<u32, String>)>,
) -> Vec<Effect> {
    if !claimed {
        // Another console or engine paged it, or holds it. Asked again
        // later: if that one died before delivering, its hold runs out and
        // the level is taken over, so it is delivered at least once.
        if let Some(key) = page.keys.first() {
            let next = state.now + chrono::Duration::from_std(state.page_retry).unwrap_or_default();
            state
                .claimed_elsewhere
                .insert(key.clone(), (page.clone(), next));
        }
        return vec![];
    }
    track_failure(state, &page, &results);
    for key in &page.keys {
        state.paged_at.insert(key.clone(), page.note.time);
    }
    let n = &page.note;
    let who = n.targets.join(", ");
    // A delivery's error names its notifier already (`webhook pager: …`);
    // its retries are said short, so at 80 columns the line's end keeps
    // the cause (`connection refused (4 attempts)`).
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(name, r)| {
            r.as_ref().err().map(|e| {
                let e = match e.rsplit_once(" (gave up after ") {
                    Some((cause, tries)) if tries.ends_with(" attempts)") => {
                        format!("{cause} ({tries}")
                    }
                    _ => e.clone(),
                };
                match e.split(':').next() {
                    Some(head) if head.split(' ').any(|w| w == name) => e,
                    _ => format!("{name}: {e}"),
                }
            })
        })
        .collect();
    let mut effects = Vec::new();
    if results
        .iter()
        .any(|(name, r)| r.is_ok() && is_terminal(state, name))
    {
        effects.push(Effect::Bell);
    }
    let mut text = format!(
        "escalated {} to level {}: {who} ({})",
        n.alertname, n.level, n.policy
    );
    if page.uncoordinated {
        text += " · uncoordinated: the team store did not answer";
    }
    if failed.is_empty() {
        state.say(StatusLevel::Warn, text.clone());
    } else if failed.len() == results.len() {
        // Nobody was reached: said first, so a narrow status line that
        // cuts the middle keeps it (and the reason at the end).
        state.say(
            StatusLevel::Error,
            format!(
                "page NOT delivered: {} level {} to {who} ({}): {}{}",
                n.alertname,
                n.level,
                n.policy,
                failed.join("; "),
                if page.uncoordinated {
                    " · uncoordinated: the team store did not answer"
                } else {
                    ""
                }
            ),
        );
    } else {
        state.say(
            StatusLevel::Error,
            format!("{text}; NOT delivered by {}", failed.join("; ")),
        );
    }
    if let Some(id) = &n.incident {
        let mut events = vec![event(state, EventKind::Escalation, text)];
        for (name, r) in &results {
            let what = match r {
                Ok(tries) => format!("{name}: delivered (attempt {tries})"),
                Err(e) => format!("{name}: failed: {e}"),
            };
            events.push(event(state, EventKind::Notification, what));
        }
        effects.extend(append(id, events));
    }
    effects
}

/// A page no notifier delivered is kept to be tried again; one that got
/// through is done.
fn track_failure(state: &mut State, page: &Page, results: &[(String, Result<u32, String>)]) {
    let Some(key) = page.keys.first().cloned() else {
        return;
    };
    if results.is_empty() || results.iter().any(|(_, r)| r.is_ok()) {
        state.failed_pages.remove(&key);
        return;
    }
    // The delivery's error names its notifier already.
    let reason: Vec<String> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err().cloned())
        .collect();
    let tries = state.failed_pages.get(&key).map_or(0, |f| f.tries) + 1;
    let next = state.now + chrono::Duration::from_std(state.page_retry).unwrap_or_default();
    let failed = FailedPage {
        page: Page {
            retry: true,
            ..page.clone()
        },
        tries,
        reason: reason.join("; "),
        next,
    };
    state.failed_pages.insert(key, failed);
}

/// Failed pages whose time has come, tried again, and levels another
/// claimed asked for again; those whose group was acked, silenced or
/// resolved meanwhile are dropped.
pub fn retries_due(state: &mut State, rows: &[EscalationRow]) -> Vec<Page> {
    if state.failed_pages.is_empty() && state.claimed_elsewhere.is_empty() {
        return vec![];
    }
    // Another pages (its failures shown here are its to retry), or this
    // one never does (read-only: the wall; the demo).
    if state.paging_held_by.is_some() || state.read_only || state.demo {
        return vec![];
    }
    let now = state.now;
    let retry = state.page_retry;
    let mut out = Vec::new();
    state.failed_pages.retain(|_, f| {
        let row = rows
            .iter()
            .find(|r| r.policy == f.page.note.policy && r.group == f.page.note.group);
        match row {
            // Resolved, or held by an ack or silence: nobody needs it now.
            None => false,
            Some(r) if r.standing.held_by.is_some() => false,
            Some(_) => {
                if f.next <= now {
                    // The next try is set by its outcome; meanwhile not again.
                    f.next = now + chrono::Duration::from_std(retry).unwrap_or_default();
                    let mut page = f.page.clone();
                    page.note.time = now;
                    out.push(page);
                }
                true
            }
        }
    });
    state.claimed_elsewhere.retain(|_, (page, next)| {
        let still_due = rows.iter().any(|r| {
            r.policy == page.note.policy
                && r.group == page.note.group
                && r.standing.held_by.is_none()
        });
        if still_due && *next <= now {
            let mut again = page.clone();
            again.note.time = now;
            out.push(again);
            // Claimed again now: what comes back decides what follows.
            return false;
        }
        still_due
    });
    out
}

fn is_terminal(state: &State, name: &str) -> bool {
    state.terminal_notifiers.iter().any(|t| t == name)
}

/// A group whose ack or silence ended while it still fires escalates again:
/// said on the status line and on its incident's timeline, once.
pub fn holds_changed(state: &mut State, rows: &[EscalationRow]) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut now_held = std::collections::HashMap::new();
    for r in rows {
        let key = format!("{}/{}", r.policy, r.group);
        let holder = r.standing.held_by.as_ref().map(|s| s.created_by.clone());
        if let (Some(Some(was)), None) = (state.held.get(&key), &holder) {
            let text = format!(
                "escalation of {} resumed: {was}'s hold ended while it still fires",
                r.group
            );
            state.say(StatusLevel::Warn, text.clone());
            let incident = state
                .alerts
                .iter()
                .filter(|a| a.alertname() == r.group)
                .find_map(|a| state.incident_of(&a.fingerprint))
                .map(|i| i.id.clone());
            if let (Some(id), false) = (incident, state.read_only) {
                effects.extend(append(&id, vec![event(state, EventKind::Escalation, text)]));
            }
        }
        now_held.insert(key, holder);
    }
    state.held = now_held;
    effects
}

/// What the claims say of the levels reached, for a process that does not
/// page (a console while `oncall serve` holds the lease, or read-only, as
/// the wall is): when each was paged, and which page no notifier has
/// delivered yet, shown as this process's own failures are.
pub fn seen_elsewhere(
    state: &mut State,
    outcomes: &std::collections::HashMap<String, crate::store::page_claims::Outcome>,
) {
    if state.paging_held_by.is_none() && !state.read_only {
        // This process pages: its own outcomes are the news.
        return;
    }
    let rows = super::escalations::escalation_rows(state);
    let mut failed = std::collections::BTreeMap::new();
    for row in &rows {
        let keys: Vec<String> = row
            .standing
            .reached
            .iter()
            .map(|d| d.key(&row.policy, &row.group, row.standing.started))
            .collect();
        for k in &keys {
            if let Some(at) = outcomes.get(k).and_then(|o| o.delivered) {
                state.paged_at.insert(k.clone(), at);
            }
        }
        // A page settles its levels together; the highest tells.
        let Some((last, o)) = keys.last().and_then(|k| Some((k, outcomes.get(k)?))) else {
            continue;
        };
        if o.delivered.is_some() || o.failures == 0 || row.standing.held_by.is_some() {
            continue;
        }
        let Some(page) = super::escalations::page_of(state, row, vec![last.clone()]) else {
            continue;
        };
        let slack =
            chrono::Duration::from_std(crate::store::page_claims::RETRY_SLACK).unwrap_or_default();
        failed.insert(
            last.clone(),
            FailedPage {
                page,
                tries: o.failures,
                reason: o.reason.clone().unwrap_or_default(),
                next: o.until.map_or(state.now, |u| u - slack),
            },
        );
    }
    state.failed_pages = failed;
}

/// Levels that fell due, to be paged (escalation). The groups are worked
/// out once for the three questions (holds ended, levels due, retries):
/// with tens of thousands of alerts that walk is most of a tick.
pub fn pages(state: &mut State) -> Vec<Effect> {
    if state.policies.is_empty() {
        return vec![];
    }
    let rows = super::escalations::escalation_rows(state);
    state.triage.paged = super::ownership::paged_levels_in(state, &rows);
    let mut effects = holds_changed(state, &rows);
    // Levels due before retries: a later level supersedes a failing one.
    let due = super::escalations::pages_due_in(state, &rows);
    effects.extend(due.into_iter().map(Effect::Page));
    effects.extend(retries_due(state, &rows).into_iter().map(Effect::Page));
    effects
}
