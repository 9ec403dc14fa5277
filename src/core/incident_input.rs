//! Typing for incidents: the note and resolution lines, the timeline's type
//! filter, and the incident `:` commands (the forms' keys are in
//! `panes::incident_form`).

use super::incidents;
use super::msg::Effect;
use super::state::{InputKind, Pane, State, StatusLevel};
use crate::model::EventKind;

/// Enter on the note, resolution or timeline-filter line.
pub fn submit_line(state: &mut State, kind: InputKind, text: &str) -> Vec<Effect> {
    match kind {
        // In the stepper a note follows the run, not the alert list.
        InputKind::Note if state.pane == super::state::Pane::Runbook => {
            super::runbook_record::note(state, text.trim())
        }
        InputKind::Note => incidents::note(state, text),
        InputKind::Resolution => incidents::resolve_with(state, text),
        InputKind::TimelineFilter => {
            filter_timeline(state, text);
            vec![]
        }
        _ => vec![],
    }
}

/// `note status` keeps those types; `alerts` stands for every observed
/// type; empty shows everything.
pub fn filter_timeline(state: &mut State, text: &str) {
    let mut kinds = Vec::new();
    for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
        if word == "alerts" || word == "observed" {
            kinds.extend(EventKind::SHOWN.into_iter().filter(|k| k.is_observed()));
        } else if let Some(k) = EventKind::from_word(word) {
            kinds.push(k);
        } else {
            let all: Vec<&str> = EventKind::SHOWN.iter().map(|k| k.word()).collect();
            state.say(
                StatusLevel::Error,
                format!("unknown event type {word:?} (alerts, {})", all.join(", ")),
            );
            return;
        }
    }
    state.timeline_filter = kinds;
    state.timeline_cursor = 0;
    if text.trim().is_empty() {
        state.say(StatusLevel::Info, "timeline shows every event");
    } else {
        state.say(
            StatusLevel::Info,
            format!("timeline shows: {}", text.trim()),
        );
    }
}

/// The incident `:` commands; `None` when the word is not one of them.
pub fn command(state: &mut State, cmd: &str, arg: &str) -> Option<Vec<Effect>> {
    let writes = matches!(
        cmd,
        "status"
            | "sev"
            | "severity"
            | "title"
            | "impact"
            | "milestone"
            | "note"
            | "resolve"
            | "postmortem"
            | "update"
            | "declare"
    );
    if writes && state.read_only {
        state.say(StatusLevel::Warn, format!("read-only mode: :{cmd} refused"));
        return Some(vec![]);
    }
    Some(match cmd {
        "status" => incidents::set_status(state, arg),
        "sev" | "severity" => incidents::set_severity(state, arg),
        "title" => incidents::set_title(state, arg),
        "impact" => incidents::set_milestone(state, &format!("impact_started {arg}")),
        "milestone" => incidents::set_milestone(state, arg),
        "note" => incidents::note(state, arg),
        "resolve" => incidents::resolve_with(state, arg),
        "postmortem" => incidents::postmortem(state),
        "update" => {
            incidents::open_update(state);
            vec![]
        }
        "declare" => {
            incidents::open_declare(state);
            vec![]
        }
        "incidents" => {
            state.pane = Pane::Incidents;
            vec![]
        }
        "timeline" | "tl" if state.pane == Pane::Timeline => {
            filter_timeline(state, arg);
            vec![]
        }
        "timeline" | "tl" => {
            match incidents::current(state) {
                Some(id) => {
                    state.timeline = Some(id);
                    state.timeline_cursor = usize::MAX;
                    state.pane = Pane::Timeline;
                    filter_timeline(state, arg);
                }
                None => state.say(StatusLevel::Warn, "no incident to show"),
            }
            vec![]
        }
        _ => return None,
    })
}
