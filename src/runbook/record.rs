//! A stepper's run as timeline events, and back: the journal is the only
//! record, so after a restart the stepper resumes from the incident's
//! `runbook_step` events.

use std::collections::BTreeMap;

use super::stepper::{StepStatus, Stepper, Taken};
use crate::model::runbook::StepKind;
use crate::model::{Event, EventData, EventKind};

/// Output kept in the journal per step: the last lines, bounded.
pub const EXCERPT_LINES: usize = 40;
pub const EXCERPT_BYTES: usize = 4096;

/// The tail of a step's output, at most `EXCERPT_LINES` lines and
/// `EXCERPT_BYTES` bytes (cut on a character boundary).
pub fn excerpt(lines: &[String]) -> String {
    let from = lines.len().saturating_sub(EXCERPT_LINES);
    let mut text = lines[from..].join("\n");
    if text.len() > EXCERPT_BYTES {
        let mut cut = text.len() - EXCERPT_BYTES;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text = format!("…{}", &text[cut..]);
    }
    text
}

/// The data of an event about step `i` of the stepper's runbook.
/// The values a command's named variables have for this run: what it
/// saw when it started. `None` when it names none that are set.
fn seen(s: &Stepper, command: &str) -> Option<BTreeMap<String, String>> {
    let env = super::vars::command_env(&s.runbook, &s.labels, &s.captured, command).ok()?;
    let named = super::vars::referenced(command);
    let vars: BTreeMap<String, String> =
        env.into_iter().filter(|(k, _)| named.contains(k)).collect();
    (!vars.is_empty()).then_some(vars)
}

pub fn step_data(
    s: &Stepper,
    i: usize,
    status: StepStatus,
    taken: Option<&Taken>,
    summary: Option<&str>,
) -> EventData {
    let step = s.step(i);
    let run = s.runs.get(i);
    let goto = match (status, taken) {
        (_, Some(t)) => Some(s.target_name(t.goto)),
        (StepStatus::Done | StepStatus::Skipped, None) if s.choice.is_none() => {
            Some(s.target_name(s.current))
        }
        _ => None,
    };
    let finished = matches!(status, StepStatus::Done | StepStatus::Failed);
    EventData {
        runbook: Some(s.runbook.id.clone()),
        fingerprint: (!s.fingerprint.is_empty()).then(|| s.fingerprint.clone()),
        summary: summary.map(str::to_string),
        step: step.map(|st| st.id.clone()),
        step_status: Some(status.word().to_string()),
        command: step.and_then(|st| st.command.clone()),
        exit_code: run.filter(|_| finished).and_then(|r| r.exit_code),
        duration_ms: run.filter(|_| finished).and_then(|r| r.duration_ms),
        branch: taken.map(|t| t.text.clone()),
        goto,
        captured: (!s.captured.is_empty()).then(|| s.captured.clone()),
        output: run
            .filter(|r| finished && !r.output.is_empty())
            .map(|r| excerpt(&r.output)),
        vars: step
            .filter(|st| st.kind == StepKind::Shell && status == StepStatus::Running)
            .and_then(|st| seen(s, st.command.as_deref()?)),
        ..EventData::default()
    }
}

/// The one-line text of a runbook event.
pub fn step_text(
    s: &Stepper,
    i: usize,
    status: StepStatus,
    summary: Option<&str>,
    taken: Option<&Taken>,
) -> String {
    let title = s.step(i).map_or("?", |st| st.title.as_str());
    let n = i + 1;
    let mut what = match (status, summary) {
        (StepStatus::Running, _) => "started".to_string(),
        (StepStatus::Done | StepStatus::Failed, Some(sum)) => format!("{}: {sum}", status.word()),
        // A labelled choice after the step: the choice is the news.
        (StepStatus::Done, None) if taken.is_some() => String::new(),
        (other, _) => format!("marked {}", other.word()),
    };
    if let Some(t) = taken {
        if !what.is_empty() {
            what.push_str(" · ");
        }
        what.push_str(&t.text);
    }
    format!("{}: step {n} {title}: {what}", s.runbook.id)
}

/// An event of this runbook's run for this alert (two alerts of one
/// incident may each run the same runbook; their runs stay apart).
pub fn is_about(e: &Event, runbook: &str, fingerprint: &str) -> bool {
    e.kind == EventKind::RunbookStep
        && e.data.runbook.as_deref() == Some(runbook)
        && e.data
            .fingerprint
            .as_deref()
            .is_none_or(|f| f == fingerprint)
}

/// Replays the incident's events of this runbook onto a fresh stepper.
pub fn resume<'a>(s: &mut Stepper, events: impl IntoIterator<Item = &'a Event>) -> bool {
    let mut any = false;
    let (id, fp) = (s.runbook.id.clone(), s.fingerprint.clone());
    for e in events.into_iter().filter(|e| is_about(e, &id, &fp)) {
        any = true;
        let d = &e.data;
        if let Some(c) = &d.captured {
            s.captured.extend(c.clone());
        }
        let Some(i) = d.step.as_deref().and_then(|st| s.runbook.step_index(st)) else {
            continue;
        };
        let status = d.step_status.as_deref().and_then(StepStatus::parse);
        let run = &mut s.runs[i];
        if let Some(st) = status {
            run.status = Some(st);
        }
        if matches!(status, Some(StepStatus::Done | StepStatus::Failed)) {
            run.exit_code = d.exit_code;
            run.duration_ms = d.duration_ms;
            run.output = d
                .output
                .as_deref()
                .map(|o| o.lines().map(str::to_string).collect())
                .unwrap_or_default();
            run.summary = d.summary.clone();
        }
        s.choice = None;
        s.current = Some(i);
        match (&d.goto, status) {
            (Some(goto), _) => {
                s.current = s.runbook.step_index(goto);
                if d.branch.is_some() {
                    s.taken = Some(Taken {
                        text: d.branch.clone().unwrap_or_default(),
                        goto: s.current,
                    });
                }
            }
            // Done with no recorded way on: a choice was being offered.
            (None, Some(StepStatus::Done | StepStatus::Skipped)) => {
                if let (super::stepper::Next::Choose(options), _) = s.next_after(i) {
                    s.choice = Some(options);
                }
            }
            // Failed: its labelled branches are still offered.
            (None, Some(StepStatus::Failed)) => s.choice = s.offered(i),
            _ => {}
        }
    }
    // A step that was running when oncall stopped did not finish here.
    for run in &mut s.runs {
        if run.status == Some(StepStatus::Running) {
            run.status = Some(StepStatus::Failed);
            run.summary = Some("interrupted: oncall stopped while it ran".into());
        }
    }
    any
}
