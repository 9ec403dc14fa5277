//! After each poll: what changed for the open incidents' alerts (fired
//! again, changed, resolved, acked, silenced), incidents the config
//! declares by itself, and the activity log `oncall stats` reads.
//! Every observation is journaled once by this console (`state.observed`);
//! the incident fold drops the repeats of a second console.

use std::collections::BTreeMap;

pub use super::activity::{activity_of, Seen};
use super::incidents::{alert_text, append, declaration, link_event, JournalOp};
use super::msg::Effect;
use super::panes::incident_form::Linked;
use super::state::{Health, State};
use crate::model::{Alert, AlertState, Event, EventKind, Incident, OBSERVER};

pub fn observe(state: &mut State) -> Vec<Effect> {
    if !state.journal_loaded || state.read_only {
        state.activity_found = None;
        return vec![];
    }
    // An alert missing while a source is down has not resolved.
    let all_healthy = (0..state.sources.len()).all(|i| matches!(state.health(i), Health::Ok));
    let mut effects = Vec::new();
    let open: Vec<Incident> = state
        .incidents
        .iter()
        .filter(|i| i.is_open())
        .cloned()
        .collect();
    for inc in &open {
        let mut events = alert_events(state, inc, all_healthy);
        events.extend(silence_events(state, inc));
        if !events.is_empty() {
            effects.extend(append(&inc.id, events));
        }
    }
    effects.extend(auto_declare(state));
    effects.extend(activity(state));
    effects
}

fn observed_event(state: &State, kind: EventKind, text: String, fp: &str) -> Event {
    let mut e = Event::new(state.now, OBSERVER, kind, text);
    e.data.fingerprint = Some(fp.to_string());
    e
}

fn alert_events(state: &mut State, inc: &Incident, all_healthy: bool) -> Vec<Event> {
    let mut out = Vec::new();
    for (fp, labels) in &inc.alerts {
        let key = format!("{}/{fp}", inc.id);
        let alert = state.alerts.iter().find(|a| {
            a.fingerprint == fp && !matches!(a.state, AlertState::Pending | AlertState::Unknown)
        });
        let Some(a) = alert else {
            if all_healthy
                && inc.alert_firing(fp)
                && state.observed.get(&key).map(String::as_str) != Some("")
            {
                // Gone from every source: resolved only once it stays gone
                // for `resolve_grace`. An Alertmanager that restarted comes
                // back empty until Prometheus sends its alerts again, and
                // that is not a resolution. The event keeps the true time.
                let since = *state.vanished.entry(key.clone()).or_insert(state.now);
                let grace = chrono::Duration::from_std(state.resolve_grace).unwrap_or_default();
                if state.now - since >= grace {
                    let text = format!("{} resolved", super::declare::labels_text(labels));
                    let mut e = observed_event(state, EventKind::AlertResolved, text, fp);
                    e.time = since;
                    out.push(e);
                    state.observed.insert(key.clone(), String::new());
                    state.vanished.remove(&key);
                }
            }
            continue;
        };
        // Back within the grace (or never gone): nothing happened.
        state.vanished.remove(&key);
        // A change is a change of state (firing, silenced, inhibited), not
        // of an annotation that carries the live value.
        let now = a.state_word().to_string();
        let before = state.observed.get(&key).cloned();
        if !inc.alert_firing(fp) {
            if before.as_deref() != Some(now.as_str()) {
                let text = format!("fires again: {}", alert_text(a));
                out.push(observed_event(state, EventKind::AlertFired, text, fp));
            }
        } else if before
            .as_deref()
            .is_some_and(|b| !b.is_empty() && b != now && b != "silenced" && now != "silenced")
        {
            // Silenced and unsilenced are told by the ack and silence events.
            let text = format!("{} is now {now}", alert_text(a));
            let mut e = observed_event(state, EventKind::AlertChanged, text, fp);
            e.data
                .extra
                .insert("state".into(), serde_json::Value::String(now.clone()));
            out.push(e);
        }
        state.observed.insert(key, now);
    }
    out
}

fn silence_events(state: &mut State, inc: &Incident) -> Vec<Event> {
    let mut out = Vec::new();
    for s in &state.silences {
        if !inc.alerts.iter().any(|(_, labels)| s.covers(labels)) {
            continue;
        }
        // Only silences alive while the incident was: not last week's.
        if s.ends_at
            < inc
                .milestone(crate::model::Milestone::Declared)
                .unwrap_or(state.now)
        {
            continue;
        }
        let active = s.is_active(state.now);
        let key = format!("{}/silence/{}", inc.id, s.id);
        let seen = state.observed.get(&key).map(String::as_str);
        let is_ack = s.is_ack(&state.ack_prefix);
        let (start, end) = if is_ack {
            (EventKind::Ack, EventKind::Unack)
        } else {
            (EventKind::SilenceCreated, EventKind::SilenceExpired)
        };
        let (kind, text) = if active && !inc.recorded(start, &s.id) && seen != Some("active") {
            let what = if is_ack { "acked" } else { "silenced" };
            let comment = if is_ack {
                s.ack_text(&state.ack_prefix)
            } else {
                s.comment.as_str()
            };
            (
                start,
                format!(
                    "{what} by {} until {} UTC: {comment}",
                    s.created_by,
                    s.ends_at.format("%H:%M")
                ),
            )
        } else if !active
            && inc.recorded(start, &s.id)
            && !inc.recorded(end, &s.id)
            && seen != Some("ended")
        {
            let what = if is_ack { "ack" } else { "silence" };
            (end, format!("{what} by {} ended", s.created_by))
        } else {
            continue;
        };
        state
            .observed
            .insert(key, if active { "active" } else { "ended" }.into());
        let mut e = Event::new(
            if active {
                s.starts_at.max(state.now - chrono::Duration::hours(1))
            } else {
                state.now
            },
            if active {
                s.created_by.as_str()
            } else {
                OBSERVER
            },
            kind,
            text,
        );
        e.data.silence_id = Some(s.id.clone());
        out.push(e);
    }
    out
}

/// Alerts matching `incidents.declare` get an incident of their own: one
/// per alertname, later alerts of that name join it.
fn auto_declare(state: &mut State) -> Vec<Effect> {
    if state.incident_settings.auto_declare.is_empty() {
        return vec![];
    }
    let mut by_name: BTreeMap<String, (Vec<Linked>, Option<crate::model::Sev>)> = BTreeMap::new();
    for a in &state.alerts {
        if a.state != AlertState::Firing
            || state.declaring.contains(a.fingerprint.as_str())
            || state
                .incidents
                .iter()
                .any(|i| i.links(&a.fingerprint) && i.is_open())
        {
            continue;
        }
        let Some((_, sev)) = state
            .incident_settings
            .auto_declare
            .iter()
            .find(|(m, _)| m.iter().all(|m| m.matches(&a.labels)))
        else {
            continue;
        };
        let entry = by_name
            .entry(a.alertname().to_string())
            .or_insert((Vec::new(), *sev));
        entry.0.push(linked(a));
    }
    let mut effects = Vec::new();
    for (name, (alerts, sev)) in by_name {
        let fps: Vec<String> = alerts.iter().map(|a| a.fingerprint.clone()).collect();
        state.declaring.extend(fps.iter().cloned());
        let joined = state.incidents.iter().find(|i| {
            i.is_open()
                && i.alerts
                    .iter()
                    .any(|(_, l)| l.get("alertname") == Some(&name))
        });
        if let Some(inc) = joined {
            let id = inc.id.clone();
            let events = alerts.iter().map(|a| link_event(state, a)).collect();
            effects.extend(append(&id, events));
            continue;
        }
        let worst = alerts
            .iter()
            .filter_map(|a| a.labels.get("severity"))
            .min_by_key(|s| crate::model::Severity::from_label(Some(s)));
        let sev = sev.unwrap_or_else(|| state.incident_settings.severity_for(worst));
        let title = format!("{name} (declared by rule)");
        let (first, more) = declaration(state, &alerts, &title, sev);
        effects.push(Effect::Journal(JournalOp::Declare {
            first: Box::new(first),
            more,
            unless_linked: fps,
            show: false,
        }));
    }
    effects
}

fn linked(a: &Alert) -> Linked {
    Linked::of(a, alert_text(a))
}

/// Fires and acks for `oncall stats`, once per alert start and per ack.
/// A merge job may have found them already (see `activity_of`).
fn activity(state: &mut State) -> Vec<Effect> {
    let out = match state.activity_found.take() {
        Some(found) => found,
        None => {
            let gone = state.gone_set();
            let (seen, found) = activity_of(
                &state.alerts,
                &state.silences,
                &state.activity_seen,
                &state.ack_prefix,
                &gone,
            );
            let went = super::activity::went_away(&state.activity_seen, &seen);
            state.activity_moved(went, seen);
            found
        }
    };
    if out.is_empty() {
        vec![]
    } else {
        vec![Effect::Journal(JournalOp::Activity(out))]
    }
}
