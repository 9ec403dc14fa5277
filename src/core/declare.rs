//! The declare-or-attach form (`i`) and the status-update composer (`u`):
//! opening them filled from the alerts or the incident, and what their
//! submit journals.

use chrono::{DateTime, Utc};

use super::incidents::{append, current_or_say, event, JournalOp};
use super::msg::Effect;
use super::panes::incident_form::{Focus, IncidentForm, Linked, Purpose};
use super::state::{State, StatusLevel};
use super::targets::targets;
use crate::model::duration::parse_duration;
use crate::model::{Event, EventData, EventKind, Sev, Status};

/// `i` on an alert or group: the declare-or-attach form.
pub fn open_declare(state: &mut State) {
    let Some((name, idx, _)) = targets(state) else {
        state.say(
            StatusLevel::Warn,
            "select an alert or group to declare an incident for",
        );
        return;
    };
    let alerts: Vec<Linked> = idx
        .iter()
        .map(|&i| {
            let a = &state.alerts[i];
            Linked::of(a, alert_text(a))
        })
        .collect();
    let worst = idx
        .iter()
        .map(|&i| &state.alerts[i])
        .min_by_key(|a| a.severity());
    let sev = state
        .incident_settings
        .severity_for(worst.and_then(|a| a.labels.get("severity")));
    let title = match (idx.len(), worst) {
        (1, Some(a)) if !a.summary().is_empty() => format!("{}: {}", a.alertname(), a.summary()),
        _ => name,
    };
    let attach = state
        .incidents
        .iter()
        .filter(|i| i.is_open())
        .map(|i| {
            (
                i.id.clone(),
                format!("{} {} {} {}", i.id, i.severity, i.status, i.title),
            )
        })
        .collect();
    state.iform = Some(IncidentForm::declare(alerts, title, sev, attach));
}

/// How an alert reads in a timeline event.
pub fn alert_text(a: &crate::model::Alert) -> String {
    let mut t = labels_text(&a.labels);
    if !a.summary().is_empty() {
        t.push_str(&format!(": {}", a.summary()));
    }
    t
}

/// An alert's name and the first of the labels that tell its copies
/// apart (`NodeDown instance=host-03`).
pub fn labels_text(labels: &crate::model::Labels) -> String {
    let mut t = labels.get("alertname").unwrap_or_default().to_string();
    for key in ["instance", "pod", "service", "job"] {
        if let Some(v) = labels.get(key) {
            t.push_str(&format!(" {key}={v}"));
            break;
        }
    }
    t
}

/// The events that declare an incident for these alerts.
pub fn declaration(state: &State, alerts: &[Linked], title: &str, sev: Sev) -> (Event, Vec<Event>) {
    let mut first = event(state, EventKind::Declared, title);
    first.data = EventData {
        title: Some(title.to_string()),
        severity: Some(sev),
        status: Some(Status::Open),
        ..EventData::default()
    };
    if let Some(a) = alerts.first() {
        first.data.fingerprint = Some(a.fingerprint.clone());
        first.data.labels = Some(a.labels.clone());
        first.data.starts_at = Some(a.starts_at);
        first.data.extra = a.extra();
    }
    let more = alerts
        .iter()
        .skip(1)
        .map(|a| link_event(state, a))
        .collect();
    (first, more)
}

pub fn link_event(state: &State, a: &Linked) -> Event {
    let mut e = event(state, EventKind::AlertLinked, format!("linked {}", a.text));
    e.data.fingerprint = Some(a.fingerprint.clone());
    e.data.labels = Some(a.labels.clone());
    e.data.starts_at = Some(a.starts_at);
    e.data.extra = a.extra();
    e
}

/// Enter on the form's submit line or on an incident to attach to.
pub fn submit_form(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.iform.clone() else {
        return vec![];
    };
    match (&form.purpose, form.focused()) {
        (Purpose::Declare { alerts }, Focus::Submit) => {
            let title = form.value("Title").to_string();
            if title.is_empty() {
                set_form_error(state, "a title is needed");
                return vec![];
            }
            let sev = Sev::parse(form.value("Severity")).unwrap_or(Sev::Sev3);
            let (first, more) = declaration(state, alerts, &title, sev);
            state.iform = None;
            state.say(StatusLevel::Info, "declaring…");
            vec![Effect::Journal(JournalOp::Declare {
                first: Box::new(first),
                more,
                unless_linked: Vec::new(),
                show: true,
            })]
        }
        (Purpose::Declare { alerts }, Focus::Attach(i)) => {
            let id = form.attach[i].0.clone();
            let inc = state.incident(&id);
            let new: Vec<Event> = alerts
                .iter()
                .filter(|a| !inc.is_some_and(|inc| inc.links(&a.fingerprint)))
                .map(|a| link_event(state, a))
                .collect();
            state.iform = None;
            if new.is_empty() {
                state.say(StatusLevel::Info, format!("already part of {id}"));
                return vec![];
            }
            state.say(
                StatusLevel::Info,
                format!("attached {} alert(s) to {id}", new.len()),
            );
            append(&id, new)
        }
        (Purpose::Update { incident }, Focus::Submit) => {
            let incident = incident.clone();
            let Some(status) = Status::parse(form.value("Status")) else {
                return vec![];
            };
            let next = form.value("Next update");
            let next_at = match parse_duration(next) {
                Ok(d) => state.now + chrono::Duration::from_std(d).unwrap_or_default(),
                Err(e) => {
                    set_form_error(state, &format!("next update: {e}"));
                    return vec![];
                }
            };
            let text = update_text(&form, &incident, state, status, next_at);
            let mut events = Vec::new();
            let old = state.incident(&incident).map(|i| i.status);
            if let Some(old) = old.filter(|o| *o != status) {
                let mut e = event(state, EventKind::Status, format!("{old} → {status}"));
                e.data.status = Some(status);
                events.push(e);
            }
            events.push(event(state, EventKind::StatusUpdate, text));
            state.iform = None;
            state.say(
                StatusLevel::Info,
                format!("status update recorded on {incident}"),
            );
            append(&incident, events)
        }
        _ => vec![],
    }
}

fn set_form_error(state: &mut State, text: &str) {
    if let Some(f) = state.iform.as_mut() {
        f.error = Some(text.to_string());
    }
}

fn update_text(
    form: &IncidentForm,
    id: &str,
    state: &State,
    status: Status,
    next: DateTime<Utc>,
) -> String {
    let (sev, title) = state
        .incident(id)
        .map(|i| (i.severity.to_string(), i.title.clone()))
        .unwrap_or_default();
    format!(
        "Incident Update: {id} [{sev}] {title}\nStatus: {status}\nImpact: {}\nAffected: {}\nNext update: {} UTC",
        form.value("Impact"),
        form.value("Affected"),
        next.format("%H:%M"),
    )
}

/// `u`: the "Incident Update" template, filled from the incident.
pub fn open_update(state: &mut State) {
    let Some(id) = current_or_say(state) else {
        return;
    };
    let Some(inc) = state.incident(&id) else {
        return;
    };
    let firing = inc
        .alerts
        .iter()
        .filter(|(fp, _)| inc.alert_firing(fp))
        .count();
    let impact = format!(
        "{} of {} linked alert{} firing; started {} UTC",
        firing,
        inc.alerts.len(),
        if inc.alerts.len() == 1 { "" } else { "s" },
        inc.started().format("%H:%M")
    );
    let mut affected: Vec<String> = Vec::new();
    for (_, labels) in &inc.alerts {
        for key in ["service", "job", "namespace", "cluster"] {
            if let Some(v) = labels.get(key) {
                let item = format!("{key}={v}");
                if !affected.contains(&item) {
                    affected.push(item);
                }
            }
        }
    }
    let heading = format!(
        "Incident Update: {} [{}] {}",
        inc.id, inc.severity, inc.title
    );
    state.iform = Some(IncidentForm::update(
        &id,
        heading,
        inc.status,
        impact,
        affected.join(", "),
    ));
}
