//! The runbook stepper in the console: `b` opens the alert's runbook,
//! Enter runs a step after showing exactly what will run, and every start,
//! result and branch goes onto the incident's timeline.

use super::incidents::{append, event};
use super::msg::Effect;
use super::panes::runbook::state::Missing;
pub use super::runbook_run::{declared, run, session_name, with_prometheus};
use super::state::{Pane, State, StatusLevel};
pub use super::step_msg::StepMsg;
use crate::model::runbook::StepKind;
use crate::model::{Alert, EventKind};
use crate::runbook::exec::ExecOutcome;
pub use crate::runbook::stepper::{outcome_summary, took};
use crate::runbook::stepper::{StepStatus, Stepper, Taken};
use crate::runbook::{find_for, record};

fn the_alert(state: &State) -> Option<&Alert> {
    if state.pane == Pane::Detail {
        state.detail_alert()
    } else {
        state.selected_alert()
    }
}

/// `b`: the alert's runbook (resumed from its incident's timeline), or why there is none.
pub fn open(state: &mut State) {
    if state.pane == Pane::Runbook {
        state.pane = Pane::Alerts;
        return;
    }
    let Some(alert) = the_alert(state).cloned() else {
        if state.rb.stepper.is_some() || state.rb.missing.is_some() {
            state.pane = Pane::Runbook;
        } else {
            state.say(
                StatusLevel::Info,
                "b opens the runbook of one alert: select an alert (Enter unfolds a group)",
            );
        }
        return;
    };
    let same = state
        .rb
        .stepper
        .as_ref()
        .is_some_and(|s| s.fingerprint == alert.fingerprint);
    if same || state.rb.running.is_some() {
        if !same {
            state.say(
                StatusLevel::Warn,
                "a step is still running: stop it with Ctrl-c before opening another runbook",
            );
        }
        state.pane = Pane::Runbook;
        return;
    }
    let url = alert
        .annotation("runbook_url")
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    state.rb.link = url.clone();
    state.rb.scroll = 0;
    state.pane = Pane::Runbook;
    let Some(book) = find_for(&alert, &state.rb.loaded).cloned() else {
        state.rb.stepper = None;
        state.rb.missing = Some(Missing {
            alertname: alert.alertname().to_string(),
            url,
        });
        return;
    };
    state.rb.missing = None;
    state.rb.unrecorded = false;
    let mut stepper = Stepper::new(book, &alert.fingerprint, alert.alertname(), &alert.labels);
    stepper.capture_output = !state.demo;
    let incident = state.incident_of(&alert.fingerprint).map(|i| i.id.clone());
    if let Some(inc) = incident.as_deref().and_then(|id| state.incident(id)) {
        if record::resume(&mut stepper, &inc.events) {
            state.say(
                StatusLevel::Info,
                format!("resumed from {}'s timeline", inc.id),
            );
        }
    }
    state.rb.cursor = stepper.current.unwrap_or(0);
    state.rb.incident = incident;
    state.rb.stepper = Some(stepper);
}

fn journal(
    state: &State,
    i: usize,
    status: StepStatus,
    taken: Option<&Taken>,
    summary: Option<&str>,
) -> Vec<Effect> {
    let (Some(id), Some(s)) = (&state.rb.incident, &state.rb.stepper) else {
        return vec![];
    };
    let mut e = event(
        state,
        EventKind::RunbookStep,
        record::step_text(s, i, status, summary, taken),
    );
    e.data = record::step_data(s, i, status, taken, summary);
    append(id, vec![e])
}

pub fn step_msg(state: &mut State, msg: StepMsg) -> Vec<Effect> {
    match msg {
        StepMsg::Confirm { step, recorded } => super::runbook_run::confirm(state, step, recorded),
        StepMsg::Record { step, incident } => {
            super::runbook_record::record_on(state, step, &incident)
        }
        StepMsg::Run { step, request } => {
            if state.refuses("running a step") {
                return vec![];
            }
            let Some(s) = state.rb.stepper.as_mut() else {
                return vec![];
            };
            if state.rb.running.is_some() {
                return vec![];
            }
            s.start(step);
            if let Some(r) = s.runs.get_mut(step) {
                r.started = Some(state.now);
            }
            state.rb.seq += 1;
            state.rb.running = Some((state.rb.seq, step));
            state.rb.scroll = 0;
            let mut out = journal(state, step, StepStatus::Running, None, None);
            let run = state.rb.seq;
            let query = s_kind(state, step) == Some(StepKind::Query);
            out.push(if query {
                Effect::RunQuery {
                    run,
                    query: request.command,
                    timeout: request.timeout,
                }
            } else {
                Effect::RunStep { run, request }
            });
            out
        }
        StepMsg::Output { run, lines } => {
            if let (Some((r, i)), Some(s)) = (state.rb.running, state.rb.stepper.as_mut()) {
                if r == run {
                    lines.into_iter().for_each(|l| s.output(i, l));
                }
            }
            vec![]
        }
        StepMsg::Done { run, outcome, at } => {
            state.now = state.now.max(at);
            done(state, run, outcome)
        }
    }
}

/// A step's shell that ended without writing the session back (killed,
/// `exec`, an EXIT trap of its own): the session itself is still there.
pub const LOST: &str = "oncall: this step's shell ended without handing on the session (killed, exec, or an EXIT trap of its own); the next step starts from the session as it was before this step";

fn done(state: &mut State, run: u64, outcome: ExecOutcome) -> Vec<Effect> {
    let Some((r, i)) = state.rb.running else {
        return vec![];
    };
    if r != run {
        return vec![];
    }
    state.rb.running = None;
    let Some(s) = state.rb.stepper.as_mut() else {
        return vec![];
    };
    if outcome.session_lost {
        // Said in the output too, so the timeline and postmortem keep it.
        s.output(i, LOST.to_string());
    }
    let (status, text, taken) = s.finish_with(i, &outcome);
    let ok = status == StepStatus::Done;
    let mut effects = journal(state, i, status, taken.as_ref(), Some(&text));
    let text = if outcome.session_lost {
        format!("{text} · its shell did not hand on the session: the next step starts from the one before")
    } else {
        text
    };
    if ok {
        state.say(StatusLevel::Info, format!("step {}: {text}", i + 1));
        effects.extend(moved_on(state, taken.as_ref()));
        return effects;
    }
    // A failure stays said; its branches are still offered beside it.
    effects.extend(moved_on(state, taken.as_ref()));
    let offered = state
        .rb
        .stepper
        .as_ref()
        .and_then(|s| s.choice.as_ref())
        .map(Vec::len);
    let more = match offered {
        Some(1) => " · Enter retries, 1 goes on anyway".to_string(),
        Some(n) => format!(" · Enter retries, 1-{n} go on anyway"),
        None => String::new(),
    };
    state.say(StatusLevel::Error, format!("step {}: {text}{more}", i + 1));
    effects
}

/// After a step ended or was marked: follow the current step, and say
/// where the runbook went.
fn moved_on(state: &mut State, taken: Option<&Taken>) -> Vec<Effect> {
    let Some(s) = &state.rb.stepper else {
        return vec![];
    };
    let (current, choices, finished) =
        (s.current, s.choice.as_ref().map(Vec::len), s.is_finished());
    let tally = s.tally();
    let id = s.runbook.id.clone();
    state.rb.scroll = 0;
    if let Some(c) = current {
        state.rb.cursor = c;
    }
    if let Some(n) = choices {
        let keys = if n == 1 {
            "1".to_string()
        } else {
            format!("1-{n}")
        };
        state.say(StatusLevel::Info, format!("choose how to go on: {keys}"));
        return vec![];
    }
    if let Some(t) = taken {
        state.say(StatusLevel::Info, format!("branch: {}", t.text));
    }
    if !finished {
        return vec![];
    }
    let text = format!("{id}: runbook finished: {tally}");
    state.say(StatusLevel::Info, text.clone());
    let Some(inc) = state.rb.incident.clone() else {
        return vec![];
    };
    let mut e = event(state, EventKind::RunbookStep, text);
    e.data.runbook = Some(id);
    e.data.step_status = Some("finished".into());
    append(&inc, vec![e])
}

/// `d` / `f` / `>`: mark the shown step by hand.
pub fn mark(state: &mut State, status: StepStatus) -> Vec<Effect> {
    let i = state.rb.cursor;
    if state.rb.running.is_some_and(|(_, r)| r == i) {
        state.say(StatusLevel::Warn, "that step is running: Ctrl-c stops it");
        return vec![];
    }
    let Some(s) = state.rb.stepper.as_mut() else {
        return vec![];
    };
    if s.step(i).is_none() {
        return vec![];
    }
    let taken = s.mark(i, status);
    let mut effects = journal(state, i, status, taken.as_ref(), None);
    effects.extend(moved_on(state, taken.as_ref()));
    effects
}

/// `1`-`9`: take a labelled branch.
pub fn choose(state: &mut State, n: usize) -> Vec<Effect> {
    if state.refuses("choosing a branch") {
        return vec![];
    }
    let Some(s) = state.rb.stepper.as_mut() else {
        return vec![];
    };
    let Some(from) = s.current else { return vec![] };
    let was = s.status(from);
    let Some(taken) = s.choose(n) else {
        state.say(StatusLevel::Info, "no such choice");
        return vec![];
    };
    let mut effects = journal(state, from, was, Some(&taken), None);
    effects.extend(moved_on(state, Some(&taken)));
    effects
}

/// Ctrl-c while a step runs: its whole process group is stopped.
pub fn stop(state: &mut State) -> Vec<Effect> {
    match state.rb.running {
        Some((run, i)) => {
            let how = if s_kind(state, i) == Some(StepKind::Query) {
                "dropping its query"
            } else {
                "SIGTERM to its process group"
            };
            state.say(
                StatusLevel::Warn,
                format!("stopping step {} ({how})", i + 1),
            );
            vec![Effect::KillStep { run }]
        }
        None => {
            state.say(StatusLevel::Info, "no step is running (q quits)");
            vec![]
        }
    }
}

fn s_kind(state: &State, i: usize) -> Option<StepKind> {
    state
        .rb
        .stepper
        .as_ref()
        .and_then(|s| s.step(i))
        .map(|st| st.kind)
}

/// j/k over the steps; PgUp/PgDn over the output.
pub fn move_cursor(state: &mut State, delta: isize) {
    let len = state.rb.stepper.as_ref().map_or(0, |s| s.runs.len());
    let last = len.saturating_sub(1) as isize;
    let next = (state.rb.cursor as isize + delta).clamp(0, last.max(0)) as usize;
    if next != state.rb.cursor {
        state.rb.cursor = next;
        state.rb.scroll = 0;
    }
}

pub fn scroll_output(state: &mut State, delta: isize) {
    let lines = state
        .rb
        .stepper
        .as_ref()
        .and_then(|s| s.runs.get(state.rb.cursor))
        .map_or(0, |r| r.output.len());
    state.rb.scroll = (state.rb.scroll as isize - delta).clamp(0, lines as isize) as usize;
}
