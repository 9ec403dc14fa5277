//! Incidents in the console: what the keys and `:` commands record, and
//! how journal answers fold into the state. Nothing is shown before the
//! journal has it on disk: events come back from the journal to be shown.

use chrono::{DateTime, Utc};

use super::incident_form::{Focus, IncidentForm, Linked, Purpose};
use super::state::{Confirm, InputKind, InputLine, Pane, State, StatusLevel};
use super::targets::{clusters_of_alerts, targets};
use super::update::{say, Effect};
use crate::model::duration::{parse_duration, parse_since};
use crate::model::{
    Activity, Event, EventData, EventKind, Incident, Milestone, Sev, Severity, Status,
};
use crate::source::write::{WriteOp, WriteRequest};

/// What the journal task is asked to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalOp {
    /// A new incident whose journal starts with `first`; nothing is written
    /// when an open incident already links one of `unless_linked`.
    Declare {
        first: Box<Event>,
        more: Vec<Event>,
        unless_linked: Vec<String>,
        /// Open its timeline once it exists (declared by key, not by rule).
        show: bool,
    },
    Append {
        incident: String,
        events: Vec<Event>,
    },
    /// Render and write the postmortem draft, and journal that it was.
    Postmortem {
        incident: String,
    },
    Activity(Vec<Activity>),
}

/// What the journal task answers.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalReply {
    /// Lines read from the journals (the first answer is the full replay).
    Read {
        batches: Vec<(String, Vec<Event>)>,
        problems: Vec<String>,
    },
    Declared {
        id: String,
        existed: bool,
        show: bool,
    },
    /// A write reached the disk (clears a journal failure).
    Wrote,
    /// A write did not reach the disk: said loudly until one does.
    Failed(String),
    /// A message for the status line (postmortem written, ...).
    Said(StatusLevel, String),
}

pub fn journaled(state: &mut State, reply: JournalReply) -> Vec<Effect> {
    match reply {
        JournalReply::Read { batches, problems } => {
            let keep = state.selected_incident().map(|i| i.id.clone());
            for (id, events) in batches {
                fold(state, &id, events);
            }
            state
                .incidents
                .sort_by(|a, b| b.is_open().cmp(&a.is_open()).then_with(|| b.id.cmp(&a.id)));
            if let Some(id) = keep {
                if let Some(pos) = state.incidents.iter().position(|i| i.id == id) {
                    state.incident_cursor = pos;
                }
            }
            state.incident_cursor = state
                .incident_cursor
                .min(state.incidents.len().saturating_sub(1));
            if !problems.is_empty() {
                say(state, StatusLevel::Warn, problems.join(" · "));
            }
            let first = !state.journal_loaded;
            state.journal_loaded = true;
            if first {
                return super::observe::observe(state);
            }
        }
        JournalReply::Declared { id, existed, show } => {
            state.declaring.clear();
            if existed {
                say(
                    state,
                    StatusLevel::Info,
                    format!("already part of open incident {id}"),
                );
            } else {
                say(state, StatusLevel::Info, format!("declared {id}"));
            }
            if show {
                state.timeline = Some(id);
                state.timeline_cursor = usize::MAX;
                state.pane = Pane::Timeline;
            }
        }
        JournalReply::Wrote => state.journal_error = None,
        JournalReply::Failed(e) => {
            state.declaring.clear();
            say(state, StatusLevel::Error, format!("JOURNAL FAILING: {e}"));
            state.journal_error = Some(e);
        }
        JournalReply::Said(level, text) => say(state, level, text),
    }
    vec![]
}

fn fold(state: &mut State, id: &str, events: Vec<Event>) {
    if let Some(inc) = state.incidents.iter_mut().find(|i| i.id == id) {
        for e in events {
            inc.apply(e);
        }
    } else if let Some(inc) = Incident::replay(id, events) {
        state.incidents.push(inc);
    }
}

/// The incident a key is about: the timeline's, the selected one in the
/// incidents list, the one the alert under the cursor belongs to, or the
/// only open one.
pub fn current(state: &State) -> Option<String> {
    match state.pane {
        Pane::Timeline => return state.timeline.clone(),
        Pane::Incidents => return state.selected_incident().map(|i| i.id.clone()),
        _ => {}
    }
    let alert = if state.pane == Pane::Detail {
        state.detail_alert()
    } else {
        state.selected_alert()
    };
    if let Some(inc) = alert.and_then(|a| state.incident_of(&a.fingerprint)) {
        return Some(inc.id.clone());
    }
    let mut open = state.incidents.iter().filter(|i| i.is_open());
    match (open.next(), open.next()) {
        (Some(only), None) => Some(only.id.clone()),
        _ => None,
    }
}

fn current_or_say(state: &mut State) -> Option<String> {
    let id = current(state);
    if id.is_none() {
        let many = state.incidents.iter().filter(|i| i.is_open()).count() > 1;
        say(
            state,
            StatusLevel::Warn,
            if many {
                "which incident? pick one in the incidents list (I) or its timeline"
            } else {
                "no open incident: press i on an alert to declare one"
            },
        );
    }
    id
}

pub fn event(state: &State, kind: EventKind, text: impl Into<String>) -> Event {
    Event::new(state.now, state.author.clone(), kind, text)
}

pub fn append(incident: &str, events: Vec<Event>) -> Vec<Effect> {
    vec![Effect::Journal(JournalOp::Append {
        incident: incident.to_string(),
        events,
    })]
}

/// `n`: a one-line note for the current incident.
pub fn start_note(state: &mut State) {
    if current_or_say(state).is_some() {
        state.input = Some(InputLine {
            kind: InputKind::Note,
            text: String::new(),
        });
    }
}

pub fn note(state: &mut State, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        say(state, StatusLevel::Info, "empty note: nothing recorded");
        return vec![];
    }
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    append(&id, vec![event(state, EventKind::Note, text)])
}

/// `:status WORD [note]`
pub fn set_status(state: &mut State, arg: &str) -> Vec<Effect> {
    let (word, rest) = arg.trim().split_once(' ').unwrap_or((arg.trim(), ""));
    let Some(status) = Status::parse(word) else {
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.word()).collect();
        say(
            state,
            StatusLevel::Error,
            format!("usage: :status {}", all.join("|")),
        );
        return vec![];
    };
    if status == Status::Resolved {
        return resolve_with(state, rest);
    }
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    let Some(old) = state.incident(&id).map(|i| i.status) else {
        return vec![];
    };
    if old == status {
        say(
            state,
            StatusLevel::Info,
            format!("{id} is already {status}"),
        );
        return vec![];
    }
    let mut text = format!("{old} → {status}");
    if !rest.trim().is_empty() {
        text += &format!(": {}", rest.trim());
    }
    let mut e = event(state, EventKind::Status, text);
    e.data.status = Some(status);
    append(&id, vec![e])
}

/// `:sev 1`
pub fn set_severity(state: &mut State, arg: &str) -> Vec<Effect> {
    let Some(sev) = Sev::parse(arg) else {
        say(state, StatusLevel::Error, "usage: :sev 1|2|3|4");
        return vec![];
    };
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    let old = state
        .incident(&id)
        .map(|i| i.severity.to_string())
        .unwrap_or_default();
    let mut e = event(state, EventKind::Severity, format!("{old} → {sev}"));
    e.data.severity = Some(sev);
    append(&id, vec![e])
}

/// `:title TEXT`
pub fn set_title(state: &mut State, arg: &str) -> Vec<Effect> {
    if arg.trim().is_empty() {
        say(state, StatusLevel::Error, "usage: :title NEW TITLE");
        return vec![];
    }
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    let mut e = event(state, EventKind::Title, format!("title: {}", arg.trim()));
    e.data.title = Some(arg.trim().to_string());
    append(&id, vec![e])
}

/// `:milestone NAME TIME` (and `:impact TIME` for impact_started).
pub fn set_milestone(state: &mut State, arg: &str) -> Vec<Effect> {
    let (name, when) = arg.trim().split_once(' ').unwrap_or((arg.trim(), ""));
    let Some(m) = Milestone::parse(name) else {
        let all: Vec<&str> = Milestone::ALL.iter().map(|m| m.word()).collect();
        say(
            state,
            StatusLevel::Error,
            format!("usage: :milestone {} TIME (14:02, 20m ago)", all.join("|")),
        );
        return vec![];
    };
    let at = match parse_since(if when.is_empty() { "0s" } else { when }, state.now) {
        Ok(at) => at,
        Err(e) => {
            say(state, StatusLevel::Error, e);
            return vec![];
        }
    };
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    let mut e = event(
        state,
        EventKind::Milestone,
        format!("{} set to {}", m.word(), at.format("%Y-%m-%d %H:%M:%S UTC")),
    );
    e.data.milestone = Some(m);
    e.data.at = Some(at);
    append(&id, vec![e])
}

/// Pin or unpin the selected timeline event.
pub fn toggle_pin(state: &mut State) -> Vec<Effect> {
    let rows = state.timeline_rows();
    let Some(inc) = state.timeline_incident() else {
        say(
            state,
            StatusLevel::Info,
            "pin works on an event in an incident's timeline",
        );
        return vec![];
    };
    let Some(ev) = rows
        .get(state.timeline_cursor.min(rows.len().saturating_sub(1)))
        .and_then(|&i| inc.events.get(i))
    else {
        return vec![];
    };
    let kind = if inc.is_pinned(ev) {
        EventKind::Unpin
    } else {
        EventKind::Pin
    };
    let (id, target) = (inc.id.clone(), ev.id.clone());
    let mut e = event(state, kind, "");
    e.data.target = Some(target);
    append(&id, vec![e])
}

pub fn postmortem(state: &mut State) -> Vec<Effect> {
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    say(
        state,
        StatusLevel::Info,
        format!("writing the postmortem draft of {id}…"),
    );
    vec![Effect::Journal(JournalOp::Postmortem { incident: id })]
}

/// `r` on an incident: ask for the resolution first.
pub fn start_resolve(state: &mut State) {
    let Some(id) = current_or_say(state) else {
        return;
    };
    if state.incident(&id).is_some_and(|i| !i.is_open()) {
        say(
            state,
            StatusLevel::Info,
            format!("{id} is already resolved (p rewrites its postmortem)"),
        );
        return;
    }
    state.input = Some(InputLine {
        kind: InputKind::Resolution,
        text: String::new(),
    });
}

/// Resolves with a one-line resolution; asks whether the incident's acks
/// go too, then writes the postmortem draft.
pub fn resolve_with(state: &mut State, resolution: &str) -> Vec<Effect> {
    let resolution = resolution.trim();
    if resolution.is_empty() {
        say(
            state,
            StatusLevel::Warn,
            "a resolution is needed: one line on what ended it",
        );
        return vec![];
    }
    let Some(id) = current_or_say(state) else {
        return vec![];
    };
    let mut e = event(state, EventKind::Status, resolution);
    e.data.status = Some(Status::Resolved);
    let mut then = append(&id, vec![e]);
    then.push(Effect::Journal(JournalOp::Postmortem {
        incident: id.clone(),
    }));
    let acks = incident_acks(state, &id);
    if acks.is_empty() {
        return then;
    }
    let n: usize = acks.iter().map(|(_, ids)| ids.len()).sum();
    let jobs = acks
        .into_iter()
        .map(|(c, ids)| (c, WriteOp::Expire(ids)))
        .collect();
    let mut yes = vec![Effect::Write(WriteRequest {
        what: format!("expiry of the acks of {id}"),
        from_form: false,
        jobs,
    })];
    yes.extend(then.clone());
    state.confirm = Some(Confirm {
        title: format!(
            "Resolve {id}: expire its {n} ack{} too?",
            if n == 1 { "" } else { "s" }
        ),
        lines: vec![
            "y: expire them, so the alerts page again if they come back".into(),
            "n: resolve and keep the acks · Esc: do not resolve".into(),
        ],
        yes,
        no: Some(then),
    });
    vec![]
}

/// Active ack silences covering the incident's alerts, per cluster.
fn incident_acks(state: &State, id: &str) -> Vec<(crate::source::cluster::Cluster, Vec<String>)> {
    let Some(inc) = state.incident(id) else {
        return vec![];
    };
    let idx: Vec<usize> = (0..state.alerts.len())
        .filter(|&i| inc.links(&state.alerts[i].fingerprint))
        .collect();
    let ids: Vec<String> = state
        .silences
        .iter()
        .filter(|s| s.is_ack() && s.is_active(state.now))
        .filter(|s| inc.alerts.iter().any(|(_, labels)| s.covers(labels)))
        .map(|s| s.id.clone())
        .collect();
    if ids.is_empty() {
        return vec![];
    }
    clusters_of_alerts(state, &idx)
        .into_iter()
        .map(|c| (c, ids.clone()))
        .collect()
}

/// `i` on an alert or group: the declare-or-attach form.
pub fn open_declare(state: &mut State) {
    let Some((name, idx, _)) = targets(state) else {
        say(
            state,
            StatusLevel::Warn,
            "select an alert or group to declare an incident for",
        );
        return;
    };
    let alerts: Vec<Linked> = idx
        .iter()
        .map(|&i| {
            let a = &state.alerts[i];
            Linked {
                fingerprint: a.fingerprint.clone(),
                labels: a.labels.clone(),
                starts_at: a.starts_at,
                text: alert_text(a),
            }
        })
        .collect();
    let worst = idx
        .iter()
        .map(|&i| &state.alerts[i])
        .min_by_key(|a| a.severity());
    let sev = state.incident_settings.severity_for(
        worst
            .and_then(|a| a.labels.get("severity"))
            .map(String::as_str),
    );
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
    let mut t = a.alertname().to_string();
    for key in ["instance", "pod", "service", "job"] {
        if let Some(v) = a.labels.get(key) {
            t.push_str(&format!(" {key}={v}"));
            break;
        }
    }
    if !a.summary().is_empty() {
        t.push_str(&format!(": {}", a.summary()));
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
            say(state, StatusLevel::Info, "declaring…");
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
                say(state, StatusLevel::Info, format!("already part of {id}"));
                return vec![];
            }
            say(
                state,
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
            say(
                state,
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

/// The worst alert severity maps to an incident severity (`critical` → SEV2).
pub fn severity_of(state: &State, s: Severity) -> Sev {
    state.incident_settings.severity_for(Some(s.name()))
}
