//! Which incident a runbook run is recorded on: the question before the
//! first step offers the open incidents (those linking the alert first)
//! and declaring a new one; a note typed in the stepper goes to the run's
//! incident, or asks which incident (or none) when the run is unrecorded.

use super::declare::link_event;
use super::journal_ops::JournalOp;
use super::msg::Effect;
use super::panes::incident_form::Linked;
use super::runbook::StepMsg;
use super::state::{Confirm, State, StatusLevel};
use crate::model::{Event, EventKind, Incident};

/// The open incidents a run may be recorded on, at most nine (keys 1-9):
/// those that link the alert, then the others, newest first.
pub fn candidates<'a>(state: &'a State, fingerprint: &str) -> Vec<&'a Incident> {
    let mut open: Vec<&Incident> = state.incidents.iter().filter(|i| i.is_open()).collect();
    open.sort_by_key(|i| (!i.links(fingerprint), std::cmp::Reverse(i.started())));
    open.truncate(9);
    open
}

/// The question's numbered lines and what each pick does.
pub fn record_picks(
    state: &State,
    step: usize,
    fingerprint: &str,
) -> (Vec<String>, Vec<Vec<Effect>>) {
    let mut lines = Vec::new();
    let mut picks = Vec::new();
    for (k, inc) in candidates(state, fingerprint).into_iter().enumerate() {
        let how = if inc.links(fingerprint) {
            "links this alert"
        } else {
            "the alert will be linked to it"
        };
        lines.push(format!(
            "{}  record on {} {} ({how})",
            k + 1,
            inc.id,
            inc.title
        ));
        picks.push(vec![Effect::Step(StepMsg::Record {
            step,
            incident: inc.id.clone(),
        })]);
    }
    (lines, picks)
}

/// A pick of the question: the run records on `incident`, which links
/// the alert from now on if it did not.
pub fn record_on(state: &mut State, step: usize, incident: &str) -> Vec<Effect> {
    state.rb.incident = Some(incident.to_string());
    state.rb.unrecorded = false;
    let mut effects = Vec::new();
    let fp = state.rb.stepper.as_ref().map(|s| s.fingerprint.clone());
    let linked = state
        .incident(incident)
        .is_some_and(|i| fp.as_ref().is_some_and(|f| i.links(f)));
    let alert = fp.and_then(|f| state.alerts.iter().find(|a| a.fingerprint == f).cloned());
    if let (false, Some(alert)) = (linked, alert) {
        let text = super::declare::alert_text(&alert);
        let e = link_event(state, &Linked::of(&alert, text));
        effects.extend(append(incident, vec![e]));
    }
    effects.extend(super::runbook_run::confirm(state, step, true));
    effects
}

/// `n` then Enter in the stepper: the note goes to the run's incident; an
/// unrecorded run asks which open incident takes it, or none.
pub fn note(state: &mut State, text: &str) -> Vec<Effect> {
    if text.is_empty() {
        state.say(StatusLevel::Info, "empty note: nothing recorded");
        return vec![];
    }
    if let Some(id) = state.run_incident() {
        return append(&id, vec![event(state, EventKind::Note, text)]);
    }
    let fp = state
        .rb
        .stepper
        .as_ref()
        .map(|s| s.fingerprint.clone())
        .unwrap_or_default();
    let open = candidates(state, &fp);
    if open.is_empty() {
        state.say(
            StatusLevel::Warn,
            "not recorded: this run is on no incident and none is open (Enter on a step asks to declare one)",
        );
        return vec![];
    }
    let mut lines = vec![format!(
        "This run is not recorded on an incident. The note: {text}"
    )];
    let mut picks = Vec::new();
    for (k, inc) in open.into_iter().enumerate() {
        lines.push(format!("{}  note it on {} {}", k + 1, inc.id, inc.title));
        picks.push(append(&inc.id, vec![event(state, EventKind::Note, text)]));
    }
    lines.push("Esc  keep it nowhere".into());
    state.confirm = Some(Confirm {
        title: "Which incident takes this note?".into(),
        lines,
        yes: vec![],
        no: None,
        picks,
    });
    vec![]
}

fn event(state: &State, kind: EventKind, text: &str) -> Event {
    Event::new(state.now, state.author.clone(), kind, text)
}

fn append(incident: &str, events: Vec<Event>) -> Vec<Effect> {
    vec![Effect::Journal(JournalOp::Append {
        incident: incident.to_string(),
        events,
    })]
}
