//! Typing: the `/` filter (applied as you type), the `:` command line, the
//! silences filter and extend prompt (the silence form's keys are in
//! `panes::silence_form`).

use super::act::act;
use super::filter::Filter;
use super::incident_input;
use super::msg::{Effect, InputEdit};
use super::poll_landing::rebuild;
use super::silences::rebuild_silence_rows;
use super::state::{InputKind, State, StatusLevel};
use super::triage::{OwnerView, SortMode};
use super::{ack_actions, silence_actions, Action};
use crate::model::duration::parse_duration;

pub(super) fn input(state: &mut State, edit: InputEdit) -> Vec<Effect> {
    let Some(line) = state.input.as_mut() else {
        return vec![];
    };
    let kind = line.kind;
    match edit {
        InputEdit::Char(c) => line.text.push(c),
        InputEdit::Backspace => {
            line.text.pop();
        }
        InputEdit::ClearLine => line.text.clear(),
        InputEdit::Cancel => {
            state.input = None;
            if kind == InputKind::Extend {
                state.filter_error = None;
            }
            if kind == InputKind::SilenceFilter {
                state.silence_filter.clear();
                rebuild_silence_rows(state);
            }
            if kind == InputKind::Filter {
                if let Some(f) = state.filter_before_edit.take() {
                    state.filter = f;
                }
                state.filter_error = None;
                rebuild(state);
            }
            return vec![];
        }
        InputEdit::Submit => {
            let text = line.text.clone();
            match kind {
                InputKind::Command => {
                    state.input = None;
                    return command(state, &text);
                }
                InputKind::SilenceFilter => {
                    state.input = None;
                    return vec![];
                }
                InputKind::Note | InputKind::Resolution | InputKind::TimelineFilter => {
                    state.input = None;
                    return incident_input::submit_line(state, kind, &text);
                }
                InputKind::Extend => {
                    return match parse_duration(&text) {
                        Ok(by) if by.as_secs() > 0 => {
                            state.input = None;
                            state.filter_error = None;
                            silence_actions::extend(state, by)
                        }
                        Ok(_) => {
                            state.filter_error = Some("extend by more than 0s".into());
                            vec![]
                        }
                        Err(e) => {
                            // Shown in the prompt itself, which covers the status line.
                            state.filter_error = Some(e.to_string());
                            vec![]
                        }
                    };
                }
                InputKind::Filter => {}
            }
            if state.filter_error.is_none() {
                state.input = None;
                state.filter_before_edit = None;
            }
            return vec![];
        }
    }
    let text = state
        .input
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    match kind {
        InputKind::Filter => apply_filter(state, &text),
        InputKind::SilenceFilter => {
            state.silence_filter = text;
            state.silence_cursor = 0;
            rebuild_silence_rows(state);
        }
        InputKind::Extend => state.filter_error = None,
        InputKind::Command | InputKind::Note | InputKind::Resolution => {}
        InputKind::TimelineFilter => {}
    }
    vec![]
}

/// Filters as the user types; an invalid expression keeps the last valid
/// filter and shows the error inline.
fn apply_filter(state: &mut State, text: &str) {
    match Filter::parse(text) {
        Ok(f) => {
            state.filter = f;
            state.filter_error = None;
            state.cursor = 0;
            rebuild(state);
        }
        Err(e) => {
            // Half-typed input: show the filter that was in force before editing.
            state.filter_error = Some(e.to_string());
            if let Some(before) = state.filter_before_edit.clone() {
                if before != state.filter {
                    state.filter = before;
                    rebuild(state);
                }
            }
        }
    }
}

fn command(state: &mut State, text: &str) -> Vec<Effect> {
    let mut words = text.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let arg = words.collect::<Vec<_>>().join(" ");
    if let Some(effects) = incident_input::command(state, cmd, &arg) {
        return effects;
    }
    match cmd {
        "" => {}
        "q" | "quit" => return act(state, Action::Quit),
        "group-by" | "groupby" if !arg.is_empty() => {
            state.group_by = arg.clone();
            state.collapsed.clear();
            state.cursor = 0;
            rebuild(state);
            state.say(StatusLevel::Info, format!("grouped by {arg}"));
        }
        "group-by" | "groupby" => state.say(StatusLevel::Error, "usage: :group-by LABEL"),
        "filter" => {
            apply_filter(state, &arg);
            if let Some(e) = state.filter_error.take() {
                state.say(StatusLevel::Error, format!("filter: {e}"));
            }
        }
        "sort" => return sort(state, &arg),
        "mine" => owner_view(state, OwnerView::Mine),
        "unowned" => owner_view(state, OwnerView::Unowned),
        "all" => owner_view(state, OwnerView::All),
        "messages" | "mes" => return act(state, Action::Messages),
        "refresh" => return act(state, Action::Refresh),
        "silenced" => return act(state, Action::ToggleSilenced),
        "inhibited" => return act(state, Action::ToggleInhibited),
        "help" => return act(state, Action::Help),
        "silences" => return act(state, Action::Silences),
        "ack" if state.read_only => return act(state, Action::Ack),
        "ack" => return ack_actions::ack(state, &arg),
        other => state.say(StatusLevel::Error,
            format!("unknown command :{other} (try :group-by LABEL, :filter M, :sort MODE, :mine, :unowned, :messages, :ack TEXT, :incidents, :q)"),
        ),
    }
    vec![]
}

/// `:sort severity|newest|oldest|unacked`, remembered in the state dir.
fn sort(state: &mut State, arg: &str) -> Vec<Effect> {
    let Some(mode) = SortMode::parse(arg) else {
        let modes: Vec<&str> = SortMode::ALL.iter().map(|m| m.name()).collect();
        state.say(
            StatusLevel::Error,
            format!(
                "usage: :sort {} (now: {})",
                modes.join("|"),
                state.triage.sort.name()
            ),
        );
        return vec![];
    };
    state.triage.sort = mode;
    state.cursor = 0;
    rebuild(state);
    state.say(StatusLevel::Info, format!("sorted by {}", mode.name()));
    vec![Effect::RememberSort(mode.name())]
}

/// `:mine`, `:unowned` and `:all`: whose alerts the list shows. Nobody's
/// come most severe first, so the unowned view is a to-do list.
fn owner_view(state: &mut State, view: OwnerView) {
    state.triage.owners = view;
    state.cursor = 0;
    rebuild(state);
    let shown: usize = state
        .rows
        .iter()
        .map(|r| match r {
            crate::core::rows::Row::Group { count, .. } => *count,
            crate::core::rows::Row::Alert { .. } => 0,
        })
        .sum();
    let text = match view {
        OwnerView::All => "showing every owner's alerts".to_string(),
        OwnerView::Mine => format!("{shown} alert(s) of yours (:all shows all)"),
        OwnerView::Unowned => {
            // Fits an 80-column status line whole, with a five-figure count.
            format!("{shown} alert(s) nobody owns: no ack, silence or incident (:all shows all)")
        }
    };
    state.say(StatusLevel::Info, text);
}
