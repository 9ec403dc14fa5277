//! What an action does (after the keymap): the one read-only refusal of
//! every write, then the pane on screen's own keys (`panes`), then the keys
//! every pane shares.

use super::msg::Effect;
use super::poll_landing::rebuild;
use super::silences::rebuild_silence_rows;
use super::state::{InputKind, InputLine, Pane, State, StatusLevel};
use super::{ack_actions, incidents, panes, runbook, silence_actions, Action};

pub(super) fn act(state: &mut State, action: Action) -> Vec<Effect> {
    let action = panes::meaning(state, action);
    if action.is_mutating() && state.refuses(action.name()) {
        return vec![];
    }
    // The wall answers only quit, help and its pages.
    if state.wall.is_some() {
        return super::panes::wall::act(state, action);
    }
    if let Some(effects) = panes::act(state, action) {
        return effects;
    }
    global(state, action)
}

/// The keys every pane shares (and those a pane left): quitting, help,
/// switching panes, the alerts list's movement and filter, and the writes
/// on what is selected.
fn global(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(delta) = panes::step(action, state.page_rows) {
        state.cursor = panes::moved(state.cursor, state.rows.len(), delta);
        return vec![];
    }
    match action {
        // Quitting would stop a running step: ask first.
        Action::Quit if state.rb.running.is_some() => {
            let step = state.rb.running.map_or(0, |(_, i)| i + 1);
            state.confirm = Some(super::state::Confirm {
                picks: Vec::new(),
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
        Action::Refresh => {
            super::context::expire(state);
            state.say(StatusLevel::Info, "refreshing all sources");
            return vec![Effect::RefreshNow];
        }
        Action::NextPane => next_pane(state),
        Action::Help => {
            state.back_to = state.pane;
            state.pane = Pane::Help;
            state.scroll = 0;
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
            state.pane = Pane::Silences;
            rebuild_silence_rows(state);
        }
        Action::Incidents => state.pane = Pane::Incidents,
        Action::Escalations => state.pane = Pane::Escalations,
        Action::Slos => state.pane = Pane::Slos,
        Action::Messages => super::panes::messages::open(state),
        // Only the alerts list has groups.
        Action::FoldAll | Action::UnfoldAll => {}
        Action::Ack => return ack_actions::ack(state, ""),
        Action::Unack => return ack_actions::unack(state),
        Action::Resolve => return ack_actions::resolve(state),
        Action::Silence => silence_actions::open_form(state),
        Action::Expire => return silence_actions::expire(state),
        Action::Extend => state.say(
            StatusLevel::Info,
            "extend works on a silence in the silences pane (S)",
        ),
        Action::Incident => incidents::open_declare(state),
        Action::Note => incidents::start_note(state),
        Action::StatusUpdate => incidents::open_update(state),
        Action::Pin => return incidents::toggle_pin(state),
        Action::Postmortem => return incidents::postmortem(state),
        Action::Runbook => runbook::open(state),
        Action::RunStep => return runbook::run(state),
        Action::StopStep => return runbook::stop(state),
        Action::StepDone | Action::StepFailed | Action::StepSkip => state.say(
            StatusLevel::Info,
            "marking steps works in the runbook pane (b)",
        ),
        // Only the detail view has a history chart.
        Action::HistoryWindow => {}
        // Taken by every pane.
        Action::Open | Action::Back => {}
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => {}
    }
    vec![]
}

/// Tab: alerts, the selected alert's detail, silences, incidents,
/// escalations, SLOs, and round again.
fn next_pane(state: &mut State) {
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

fn copy_link(state: &mut State) -> Vec<Effect> {
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

pub(super) fn is_plain_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 4096
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || crate::sanitize::is_format_control(c))
}
