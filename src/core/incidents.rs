//! Incidents in the console: what notes, status, severity, milestones,
//! pins, postmortems and resolving record. Nothing is shown before the
//! journal has it on disk: events come back from the journal to be shown.

use super::msg::Effect;
use super::state::{Confirm, InputKind, InputLine, Pane, State, StatusLevel};
use super::targets::clusters_of_alerts;
use crate::model::duration::parse_since;
use crate::model::AlertState;
use crate::model::{Event, EventKind, Milestone, Sev, Status};
use crate::source::alertmanager_writes::{WriteOp, WriteRequest};

pub use super::declare::{
    alert_text, declaration, link_event, open_declare, open_update, submit_form,
};
pub use super::journal_ops::{JournalOp, JournalReply};

/// The incident a key is about: the timeline's, the selected one in the
/// incidents list, the one the alert under the cursor belongs to, or the
/// only open one.
pub fn current(state: &State) -> Option<String> {
    match state.pane {
        Pane::Timeline => return state.timeline.clone(),
        // The stepper's incident is its run's, never the alert list's.
        Pane::Runbook => return state.run_incident(),
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

pub(super) fn current_or_say(state: &mut State) -> Option<String> {
    let id = current(state);
    if id.is_none() {
        let many = state.incidents.iter().filter(|i| i.is_open()).count() > 1;
        state.say(
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

/// `n`: a one-line note for the current incident (in the stepper: the
/// run's, or asked for once it is typed).
pub fn start_note(state: &mut State) {
    if state.pane == Pane::Runbook || current_or_say(state).is_some() {
        state.input = Some(InputLine {
            kind: InputKind::Note,
            text: String::new(),
        });
    }
}

pub fn note(state: &mut State, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        state.say(StatusLevel::Info, "empty note: nothing recorded");
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
        state.say(
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
        state.say(StatusLevel::Info, format!("{id} is already {status}"));
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
        state.say(StatusLevel::Error, "usage: :sev 1|2|3|4");
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
        state.say(StatusLevel::Error, "usage: :title NEW TITLE");
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
        state.say(
            StatusLevel::Error,
            format!("usage: :milestone {} TIME (14:02, 20m ago)", all.join("|")),
        );
        return vec![];
    };
    let at = match parse_since(if when.is_empty() { "0s" } else { when }, state.now) {
        Ok(at) => at,
        Err(e) => {
            state.say(StatusLevel::Error, e);
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
        state.say(
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
    state.say(
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
        state.say(
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
        state.say(
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
    let firing = still_firing(state, &id);
    let acks = incident_acks(state, &id);
    if acks.is_empty() {
        if firing.is_empty() {
            return then;
        }
        // Resolving while its alerts fire is allowed (the cause may be
        // fixed and the alerts lag), but never by surprise.
        let mut lines = firing;
        lines.push("y: resolve anyway · n or Esc: do not resolve".into());
        state.confirm = Some(Confirm {
            title: format!("Resolve {id}? Its linked alerts still fire"),
            lines,
            yes: then,
            no: None,
            picks: Vec::new(),
        });
        return vec![];
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
        picks: Vec::new(),
        title: format!(
            "Resolve {id}: expire its {n} ack{} too?",
            if n == 1 { "" } else { "s" }
        ),
        lines: firing
            .into_iter()
            .chain([
                "y: expire them, so the alerts page again if they come back".into(),
                "n: resolve and keep the acks · Esc: do not resolve".into(),
            ])
            .collect(),
        yes,
        no: Some(then),
    });
    vec![]
}

/// Lines naming the incident's linked alerts that still fire (acked or
/// not), for the question before resolving; empty when none does.
fn still_firing(state: &State, id: &str) -> Vec<String> {
    let Some(inc) = state.incident(id) else {
        return vec![];
    };
    let names: Vec<String> = state
        .alerts
        .iter()
        .filter(|a| inc.links(&a.fingerprint))
        .filter(|a| matches!(a.state, AlertState::Firing | AlertState::Suppressed))
        .map(|a| crate::sanitize::line(a.alertname()).into_owned())
        .collect();
    if names.is_empty() {
        return vec![];
    }
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    let more = match names.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    let s = if names.len() == 1 { "" } else { "s" };
    vec![format!(
        "{} linked alert{s} still fire{}: {}{more}",
        names.len(),
        if names.len() == 1 { "s" } else { "" },
        shown.join(", ")
    )]
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
        .filter(|s| s.is_ack(&state.ack_prefix) && s.is_active(state.now))
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
