//! What each action does to the state (after the keymap), with the one
//! read-only refusal of every write.

use super::filter::Filter;
use super::msg::Effect;
use super::poll_landing::rebuild;
use super::rows::Row;
use super::silences::rebuild_silence_rows;
use super::state::{InputKind, InputLine, Pane, State, StatusLevel};
use super::{ack_actions, incidents, runbook, silence_actions, Action};
use crate::model::SilenceState;
use crate::runbook::stepper::StepStatus;

fn clamp_move(cursor: usize, len: usize, delta: isize) -> usize {
    let last = len.saturating_sub(1) as isize;
    let from = cursor.min(len.saturating_sub(1)) as isize;
    (from + delta).clamp(0, last.max(0)) as usize
}

fn move_cursor(state: &mut State, delta: isize) {
    if state.pane == Pane::Incidents {
        state.incident_cursor = clamp_move(state.incident_cursor, state.incidents.len(), delta);
        return;
    }
    if state.pane == Pane::Escalations {
        let len = super::escalations::escalation_rows(state).len();
        state.escalation_cursor = clamp_move(state.escalation_cursor, len, delta);
        return;
    }
    if state.pane == Pane::Slos {
        let len = state.slo.defs.len();
        state.slo.cursor = clamp_move(state.slo.cursor, len, delta);
        return;
    }
    if state.pane == Pane::Timeline {
        let len = state.timeline_rows().len();
        state.timeline_cursor = clamp_move(state.timeline_cursor, len, delta);
        return;
    }
    if state.pane == Pane::Silences {
        let last = state.silence_rows.len().saturating_sub(1) as isize;
        state.silence_cursor =
            (state.silence_cursor as isize + delta).clamp(0, last.max(0)) as usize;
        return;
    }
    if state.pane == Pane::Detail || state.pane == Pane::Help {
        state.scroll = (state.scroll as isize + delta).clamp(0, state.scroll_max as isize) as u16;
        return;
    }
    let last = state.rows.len().saturating_sub(1) as isize;
    state.cursor = (state.cursor as isize + delta).clamp(0, last.max(0)) as usize;
}

pub(super) fn act(state: &mut State, action: Action) -> Vec<Effect> {
    // Enter on a silence edits it: a write like `s`.
    let action = match action {
        Action::Open if state.pane == Pane::Silences => Action::Silence,
        Action::Open if state.pane == Pane::Runbook => Action::RunStep,
        a => a,
    };
    if action.is_mutating() && state.refuses(action.name()) {
        return vec![];
    }
    // The wall answers only quit, help and its pages.
    if state.wall.is_some() {
        return super::wall::act(state, action);
    }
    let page = state.page_rows as isize;
    if state.pane == Pane::Runbook {
        match action {
            Action::Up => return rb_move(state, -1),
            Action::Down => return rb_move(state, 1),
            Action::Top => return rb_move(state, -(isize::MAX / 2)),
            Action::Bottom => return rb_move(state, isize::MAX / 2),
            Action::PageUp => return rb_scroll(state, -page),
            Action::PageDown => return rb_scroll(state, page),
            _ => {}
        }
    }
    match action {
        // Quitting would stop a running step: ask first.
        Action::Quit if state.rb.running.is_some() => {
            let step = state.rb.running.map_or(0, |(_, i)| i + 1);
            state.confirm = Some(super::state::Confirm {
                title: format!("Step {step} is still running. Quit?"),
                lines: vec![
                    "Quitting stops it: SIGTERM to its process group, then SIGKILL.".into(),
                ],
                yes: vec![Effect::Quit],
                no: None,
            });
        }
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::PageUp => move_cursor(state, -page),
        Action::PageDown => move_cursor(state, page),
        Action::Top => move_cursor(state, -(isize::MAX / 2)),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::Refresh => {
            super::context::expire(state);
            state.say(StatusLevel::Info, "refreshing all sources");
            return vec![Effect::RefreshNow];
        }
        Action::Open => open(state),
        Action::Back => back(state),
        Action::NextPane => {
            state.pane = match state.pane {
                Pane::Alerts if state.detail.is_some() || state.selected_alert().is_some() => {
                    state.detail = state
                        .detail
                        .take()
                        .or(state.selected_alert().map(|a| a.fingerprint.to_string()));
                    Pane::Detail
                }
                Pane::Alerts | Pane::Detail => {
                    rebuild_silence_rows(state);
                    Pane::Silences
                }
                Pane::Silences => Pane::Incidents,
                Pane::Incidents => Pane::Escalations,
                Pane::Escalations => Pane::Slos,
                _ => Pane::Alerts,
            };
            state.scroll = 0;
        }
        Action::Help => {
            if state.pane == Pane::Help {
                state.pane = state.back_to;
            } else {
                state.back_to = state.pane;
                state.pane = Pane::Help;
                state.scroll = 0;
            }
        }
        Action::Filter if state.pane == Pane::Timeline => {
            let words: Vec<&str> = state.timeline_filter.iter().map(|k| k.word()).collect();
            state.input = Some(InputLine {
                kind: InputKind::TimelineFilter,
                text: words.join(" "),
            });
        }
        Action::Filter if state.pane == Pane::Silences => {
            state.input = Some(InputLine {
                kind: InputKind::SilenceFilter,
                text: state.silence_filter.clone(),
            });
        }
        Action::Filter => {
            state.filter_before_edit = Some(state.filter.clone());
            state.input = Some(InputLine {
                kind: InputKind::Filter,
                text: state.filter.source.clone(),
            });
            state.pane = Pane::Alerts;
        }
        Action::Command => {
            state.input = Some(InputLine {
                kind: InputKind::Command,
                text: String::new(),
            })
        }
        Action::ToggleSilenced => {
            state.show_silenced = !state.show_silenced;
            let word = if state.show_silenced {
                "shown"
            } else {
                "hidden"
            };
            state.say(StatusLevel::Info, format!("silenced alerts {word}"));
            rebuild(state);
        }
        Action::ToggleInhibited => {
            state.show_inhibited = !state.show_inhibited;
            let word = if state.show_inhibited {
                "shown"
            } else {
                "hidden"
            };
            state.say(StatusLevel::Info, format!("inhibited alerts {word}"));
            rebuild(state);
        }
        Action::CopyLink => return copy_link(state),
        Action::Silences => {
            if state.pane == Pane::Silences {
                state.pane = Pane::Alerts;
            } else {
                state.pane = Pane::Silences;
                rebuild_silence_rows(state);
            }
        }
        Action::Ack => return ack_actions::ack(state, ""),
        Action::Unack => return ack_actions::unack(state),
        Action::Resolve if matches!(state.pane, Pane::Incidents | Pane::Timeline) => {
            incidents::start_resolve(state)
        }
        Action::Resolve => return ack_actions::resolve(state),
        Action::Silence => silence_actions::open_form(state),
        Action::Expire => return silence_actions::expire(state),
        Action::Extend
            if state
                .selected_silence()
                .is_some_and(|s| s.state_at(state.now) == SilenceState::Expired)
                && state.pane == Pane::Silences =>
        {
            // Reviving a silence someone ended on purpose must be a choice.
            state.say(
                StatusLevel::Info,
                "that silence has ended; Enter makes a new one from it",
            );
        }
        Action::Extend if state.pane == Pane::Silences && state.selected_silence().is_some() => {
            state.filter_error = None;
            state.input = Some(InputLine {
                kind: InputKind::Extend,
                text: "1h".into(),
            });
        }
        Action::Extend => state.say(
            StatusLevel::Info,
            "extend works on a silence in the silences pane (S)",
        ),
        Action::Escalations if state.pane == Pane::Escalations => state.pane = Pane::Alerts,
        Action::Escalations => state.pane = Pane::Escalations,
        Action::HistoryWindow if state.pane == Pane::Detail => super::context::next_window(state),
        Action::HistoryWindow => {}
        Action::Slos if state.pane == Pane::Slos => state.pane = Pane::Alerts,
        Action::Slos => state.pane = Pane::Slos,
        Action::Incidents if state.pane == Pane::Incidents => state.pane = Pane::Alerts,
        Action::Incidents => state.pane = Pane::Incidents,
        Action::Incident => incidents::open_declare(state),
        Action::Note => incidents::start_note(state),
        Action::StatusUpdate => incidents::open_update(state),
        Action::Pin => return incidents::toggle_pin(state),
        Action::Postmortem => return incidents::postmortem(state),
        Action::Runbook => runbook::open(state),
        Action::RunStep => return runbook::run(state),
        Action::StopStep => return runbook::stop(state),
        Action::StepDone | Action::StepFailed | Action::StepSkip if state.pane != Pane::Runbook => {
            state.say(
                StatusLevel::Info,
                "marking steps works in the runbook pane (b)",
            )
        }
        Action::StepDone => return runbook::mark(state, StepStatus::Done),
        Action::StepFailed => return runbook::mark(state, StepStatus::Failed),
        Action::StepSkip => return runbook::mark(state, StepStatus::Skipped),
    }
    vec![]
}

fn open(state: &mut State) {
    if state.pane == Pane::Incidents {
        if let Some(id) = state.selected_incident().map(|i| i.id.clone()) {
            state.timeline = Some(id);
            state.timeline_cursor = usize::MAX;
            state.pane = Pane::Timeline;
        }
        return;
    }
    match state.rows.get(state.cursor).cloned() {
        Some(
            Row::Alert { index }
            | Row::Group {
                single: Some(index),
                ..
            },
        ) if state.pane == Pane::Alerts => {
            state.detail = Some(state.alerts[index].fingerprint.to_string());
            state.pane = Pane::Detail;
            state.scroll = 0;
        }
        Some(Row::Group { key, .. }) => {
            if !state.collapsed.remove(&key) {
                state.collapsed.insert(key);
            }
            rebuild(state);
        }
        _ => {}
    }
}

fn back(state: &mut State) {
    match state.pane {
        Pane::Help => state.pane = state.back_to,
        Pane::Detail => state.pane = Pane::Alerts,
        Pane::Alerts if !state.filter.is_empty() => {
            state.filter = Filter::default();
            state.filter_error = None;
            state.say(StatusLevel::Info, "filter cleared");
            rebuild(state);
        }
        Pane::Alerts => {}
        Pane::Silences if !state.silence_filter.is_empty() => {
            state.silence_filter.clear();
            state.say(StatusLevel::Info, "filter cleared");
            rebuild_silence_rows(state);
        }
        Pane::Silences => state.pane = Pane::Alerts,
        Pane::Timeline if !state.timeline_filter.is_empty() => {
            state.timeline_filter.clear();
            state.say(StatusLevel::Info, "timeline filter cleared");
        }
        Pane::Timeline => state.pane = Pane::Incidents,
        Pane::Incidents => state.pane = Pane::Alerts,
        Pane::Runbook | Pane::Escalations | Pane::Slos => state.pane = Pane::Alerts,
    }
}

fn rb_move(state: &mut State, delta: isize) -> Vec<Effect> {
    runbook::move_cursor(state, delta);
    vec![]
}

fn rb_scroll(state: &mut State, delta: isize) -> Vec<Effect> {
    runbook::scroll_output(state, delta);
    vec![]
}

fn copy_link(state: &mut State) -> Vec<Effect> {
    if state.pane == Pane::Runbook {
        return match state.rb.link.clone() {
            Some(url) if is_plain_url(&url) => {
                state.say(StatusLevel::Info, format!("copied {url}"));
                vec![Effect::Copy(url)]
            }
            Some(_) => {
                state.say(
                    StatusLevel::Error,
                    "not copied: the runbook_url is not a plain http(s) URL",
                );
                vec![]
            }
            None => {
                state.say(StatusLevel::Warn, "this alert has no runbook_url to copy");
                vec![]
            }
        };
    }
    let alert = if state.pane == Pane::Detail {
        state.detail_alert()
    } else {
        state.selected_alert()
    };
    let link = alert.and_then(|a| {
        a.annotation("runbook_url")
            .filter(|u| !u.is_empty())
            .or(Some(&*a.generator_url).filter(|u| !u.is_empty()))
            .map(str::to_string)
    });
    match link {
        // The clipboard is pasted into shells: only a plain http(s) URL goes there.
        Some(url) if !is_plain_url(&url) => {
            state.say(StatusLevel::Error, "not copied: the link is not a plain http(s) URL (it holds spaces or control characters)");
            vec![]
        }
        Some(url) => {
            state.say(StatusLevel::Info, format!("copied {url}"));
            vec![Effect::Copy(url)]
        }
        None => {
            state.say(StatusLevel::Warn, "no runbook_url or generatorURL to copy");
            vec![]
        }
    }
}

fn is_plain_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 4096
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || crate::sanitize::is_format_control(c))
}
