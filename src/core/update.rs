use chrono::{DateTime, Utc};

use super::action::Action;
use super::filter::Filter;
use super::rows::{build_rows, Row};
use super::silence_form::Field;
use super::silences::{rebuild_silence_rows, rebuild_silence_rows_keeping};
use super::state::{AckState, InputKind, InputLine, Pane, State, StatusLevel};
use super::writes;
use crate::model::duration::parse_duration;
use crate::source::write::{WriteReport, WriteRequest};
use crate::source::{merge_sources, Snapshot, SourceError};
use std::collections::HashMap;

/// Everything that can happen to the state.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The clock; the only way time enters `update`.
    Tick(DateTime<Utc>),
    Action(Action),
    Input(InputEdit),
    /// A source answered (or failed to).
    Polled {
        source: usize,
        at: DateTime<Utc>,
        result: Result<Snapshot, SourceError>,
    },
    /// The alerts list can show this many rows.
    Resized {
        list_rows: usize,
    },
    /// How far the detail or help view can scroll now (from the view).
    ScrollLimit(u16),
    /// A message for the status line (a theme that failed to load, ...).
    Notice(StatusLevel, String),
    /// A key in the silence form (not while a field is being edited).
    Form(FormKey),
    /// The answer to a confirmation question.
    Confirm(bool),
    /// Alertmanager answered a write.
    Wrote(WriteReport),
}

/// Keys of the silence form while no field is being edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKey {
    Up,
    Down,
    /// Keep/drop a matcher, select/unselect a cluster.
    Toggle,
    /// The next operator of a matcher.
    CycleOp,
    /// Remove a matcher line.
    Delete,
    /// Edit the field, or submit on the submit line.
    Enter,
    Cancel,
}

/// Keys while a text line (filter or command) is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputEdit {
    Char(char),
    Backspace,
    ClearLine,
    Submit,
    Cancel,
}

/// What `update` asks the outside world to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    RefreshNow,
    /// Copy to the clipboard of the user's terminal (OSC 52).
    Copy(String),
    /// Send a write to Alertmanager; the answer comes back as `Msg::Wrote`.
    Write(WriteRequest),
    Quit,
}

/// A status message stays this many seconds.
const STATUS_SECS: i64 = 8;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let effects = step(state, msg);
    state.writes_in_flight += effects
        .iter()
        .filter(|e| matches!(e, Effect::Write(_)))
        .count();
    effects
}

fn step(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if let Some((level, _, at)) = &state.status {
                // Warnings and errors stay long enough to be read.
                let keep = if *level == StatusLevel::Info {
                    STATUS_SECS
                } else {
                    STATUS_SECS * 4
                };
                if (now - *at).num_seconds() >= keep {
                    state.status = None;
                }
            }
            if state.pane == Pane::Silences {
                rebuild_silence_rows(state);
            }
            vec![]
        }
        Msg::Polled { source, at, result } => {
            polled(state, source, at, result);
            vec![]
        }
        Msg::Resized { list_rows } => {
            state.page_rows = list_rows.max(1);
            vec![]
        }
        Msg::ScrollLimit(max) => {
            state.scroll_max = max;
            state.scroll = state.scroll.min(max);
            vec![]
        }
        Msg::Notice(level, text) => {
            say(state, level, text);
            vec![]
        }
        Msg::Input(edit) if state.form.as_ref().is_some_and(|f| f.editing.is_some()) => {
            form_edit(state, edit);
            vec![]
        }
        Msg::Input(edit) => input(state, edit),
        Msg::Action(action) => act(state, action),
        Msg::Form(key) => form_key(state, key),
        Msg::Confirm(yes) => match state.confirm.take() {
            Some(c) if yes => vec![Effect::Write(c.request)],
            Some(_) => {
                say(state, StatusLevel::Info, "cancelled; nothing was sent");
                vec![]
            }
            None => vec![],
        },
        Msg::Wrote(report) => writes::wrote(state, report),
    }
}

pub(super) fn say(state: &mut State, level: StatusLevel, text: impl Into<String>) {
    state.status = Some((level, text.into(), state.now));
}

fn polled(
    state: &mut State,
    source: usize,
    at: DateTime<Utc>,
    result: Result<Snapshot, SourceError>,
) {
    let Some(src) = state.sources.get_mut(source) else {
        return;
    };
    match result {
        Ok(snap) => {
            src.alerts = snap.alerts;
            src.silences = snap.silences;
            src.rules = snap.rules;
            if snap.peer.is_some() {
                src.peer = snap.peer;
            }
            src.last_ok = Some(at);
            src.last_error = None;
            src.failures = 0;
        }
        Err(e) => {
            // The last good data stays; health turns stale.
            src.last_error = Some(e.to_string());
            src.failures += 1;
        }
    }
    remerge(state);
    notice_ended_acks(state);
}

/// An ack that runs out while its alert still fires is said out loud.
fn notice_ended_acks(state: &mut State) {
    let mut acked = HashMap::new();
    let mut ended: Vec<(String, String)> = Vec::new();
    for a in &state.alerts {
        match state.ack_state(a) {
            AckState::Acked(s) => {
                acked.insert(a.fingerprint.clone(), s.id.clone());
            }
            AckState::Ended(s) => {
                // Only an ack that covered it at the last poll, and that was
                // not removed from this console, is news.
                if let Some(id) = state.acked.get(&a.fingerprint) {
                    if !state.unacked_here.contains(id) {
                        ended.push((a.alertname().to_string(), s.created_by.clone()));
                    }
                }
            }
            AckState::None => {}
        }
    }
    state.acked = acked;
    if let Some((name, by)) = ended.first() {
        let more = match ended.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        say(
            state,
            StatusLevel::Warn,
            format!(
                "ack ended: {name} is firing and unacknowledged again (was acked by {by}){more}"
            ),
        );
    }
}

/// Recomputes the merged alerts and the rows, keeping the cursor on the same item.
pub fn remerge(state: &mut State) {
    let selected = selected_identity(state);
    let selected_silence = state.selected_silence().map(|s| s.id.clone());
    state.alerts = merge_sources(
        state
            .sources
            .iter()
            .map(|s| (s.name.as_str(), s.kind, s.alerts.as_slice())),
    );
    // Members of an HA cluster gossip silences: keep one copy of each id.
    let mut seen = std::collections::HashSet::new();
    state.silences = state
        .sources
        .iter()
        .flat_map(|s| s.silences.iter())
        .filter(|s| seen.insert(s.id.as_str()))
        .cloned()
        .collect();
    rebuild_keeping(state, selected);
    rebuild_silence_rows_keeping(state, selected_silence);
    if let Some(form) = state.form.as_mut() {
        form.preview(&state.alerts);
    }
}

fn selected_identity(state: &State) -> Option<String> {
    match state.rows.get(state.cursor)? {
        Row::Alert { index } => state
            .alerts
            .get(*index)
            .map(|a| format!("a:{}", a.fingerprint)),
        Row::Group { key, .. } => Some(format!("g:{key}")),
    }
}

/// Rebuilds the rows after the alerts, filter or grouping changed.
pub fn rebuild(state: &mut State) {
    let selected = selected_identity(state);
    rebuild_keeping(state, selected);
}

/// Rebuilds the rows and puts the cursor back on the item it was on.
fn rebuild_keeping(state: &mut State, before: Option<String>) {
    state.rows = build_rows(
        &state.alerts,
        &state.filter,
        &state.group_by,
        state.show_silenced,
        state.show_inhibited,
        &state.collapsed,
    );
    if let Some(id) = before {
        if let Some(pos) = state.rows.iter().position(|r| match r {
            Row::Alert { index } => {
                id.strip_prefix("a:") == Some(state.alerts[*index].fingerprint.as_str())
            }
            Row::Group { key, .. } => id.strip_prefix("g:") == Some(key.as_str()),
        }) {
            state.cursor = pos;
        }
    }
    state.cursor = state.cursor.min(state.rows.len().saturating_sub(1));
}

fn move_cursor(state: &mut State, delta: isize) {
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

fn act(state: &mut State, action: Action) -> Vec<Effect> {
    // Enter on a silence edits it: a write like `s`.
    let action = match action {
        Action::Open if state.pane == Pane::Silences => Action::Silence,
        a => a,
    };
    // The one place where read-only refuses every change to shared state.
    if action.is_mutating() && state.read_only {
        say(
            state,
            StatusLevel::Warn,
            format!("read-only mode: {} refused", action.name()),
        );
        return vec![];
    }
    let page = state.page_rows as isize;
    match action {
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
            say(state, StatusLevel::Info, "refreshing all sources");
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
                        .or(state.selected_alert().map(|a| a.fingerprint.clone()));
                    Pane::Detail
                }
                Pane::Alerts | Pane::Detail => {
                    rebuild_silence_rows(state);
                    Pane::Silences
                }
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
            say(state, StatusLevel::Info, format!("silenced alerts {word}"));
            rebuild(state);
        }
        Action::ToggleInhibited => {
            state.show_inhibited = !state.show_inhibited;
            let word = if state.show_inhibited {
                "shown"
            } else {
                "hidden"
            };
            say(state, StatusLevel::Info, format!("inhibited alerts {word}"));
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
        Action::Ack => return writes::ack(state, ""),
        Action::Unack => return writes::unack(state),
        Action::Resolve => return writes::resolve(state),
        Action::Silence => writes::open_form(state),
        Action::Expire => return writes::expire(state),
        Action::Extend if state.pane == Pane::Silences && state.selected_silence().is_some() => {
            state.input = Some(InputLine {
                kind: InputKind::Extend,
                text: "1h".into(),
            });
        }
        Action::Extend => say(
            state,
            StatusLevel::Info,
            "extend works on a silence in the silences pane (S)",
        ),
        Action::Incident | Action::Runbook | Action::Note | Action::Postmortem => say(
            state,
            StatusLevel::Warn,
            format!("{} is not available in this version yet", action.name()),
        ),
    }
    vec![]
}

fn open(state: &mut State) {
    match state.rows.get(state.cursor).cloned() {
        Some(
            Row::Alert { index }
            | Row::Group {
                single: Some(index),
                ..
            },
        ) if state.pane == Pane::Alerts => {
            state.detail = Some(state.alerts[index].fingerprint.clone());
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
            say(state, StatusLevel::Info, "filter cleared");
            rebuild(state);
        }
        Pane::Alerts => {}
        Pane::Silences if !state.silence_filter.is_empty() => {
            state.silence_filter.clear();
            say(state, StatusLevel::Info, "filter cleared");
            rebuild_silence_rows(state);
        }
        Pane::Silences => state.pane = Pane::Alerts,
    }
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
            .or(Some(a.generator_url.as_str()).filter(|u| !u.is_empty()))
            .map(str::to_string)
    });
    match link {
        // The clipboard is pasted into shells: only a plain http(s) URL goes there.
        Some(url) if !is_plain_url(&url) => {
            say(state, StatusLevel::Error, "not copied: the link is not a plain http(s) URL (it holds spaces or control characters)");
            vec![]
        }
        Some(url) => {
            say(state, StatusLevel::Info, format!("copied {url}"));
            vec![Effect::Copy(url)]
        }
        None => {
            say(
                state,
                StatusLevel::Warn,
                "no runbook_url or generatorURL to copy",
            );
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

fn input(state: &mut State, edit: InputEdit) -> Vec<Effect> {
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
                InputKind::Extend => {
                    return match parse_duration(&text) {
                        Ok(by) => {
                            state.input = None;
                            writes::extend(state, by)
                        }
                        Err(e) => {
                            say(state, StatusLevel::Error, e.to_string());
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
        _ => {}
    }
    vec![]
}

fn form_key(state: &mut State, key: FormKey) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else {
        return vec![];
    };
    form.error = None;
    match key {
        FormKey::Up => form.move_focus(-1),
        FormKey::Down => form.move_focus(1),
        FormKey::Toggle => form.toggle(),
        FormKey::CycleOp => {
            if let Err(e) = form.cycle_op() {
                form.error = Some(e);
            }
        }
        FormKey::Delete => form.delete(),
        FormKey::Enter => match form.focused() {
            Field::Submit if !form.submitting => return writes::submit_form(state),
            Field::Submit => {}
            Field::Cluster(_) => form.toggle(),
            _ => form.start_edit(),
        },
        FormKey::Cancel => {
            state.form = None;
            say(
                state,
                StatusLevel::Info,
                "silence form closed; nothing was sent",
            );
            return vec![];
        }
    }
    form.preview(&state.alerts);
    vec![]
}

/// Typing into the form's focused field.
fn form_edit(state: &mut State, edit: InputEdit) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let Some(text) = form.editing.as_mut() else {
        return;
    };
    match edit {
        InputEdit::Char(c) => text.push(c),
        InputEdit::Backspace => {
            text.pop();
        }
        InputEdit::ClearLine => text.clear(),
        InputEdit::Cancel => {
            form.editing = None;
            form.error = None;
        }
        InputEdit::Submit => match form.commit_edit() {
            Ok(()) => {
                form.error = None;
                if !matches!(form.focused(), Field::AddMatcher) {
                    form.move_focus(1);
                }
                form.preview(&state.alerts);
            }
            Err(e) => form.error = Some(e),
        },
    }
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
    match cmd {
        "" => {}
        "q" | "quit" => return act(state, Action::Quit),
        "group-by" | "groupby" if !arg.is_empty() => {
            state.group_by = arg.clone();
            state.collapsed.clear();
            state.cursor = 0;
            rebuild(state);
            say(state, StatusLevel::Info, format!("grouped by {arg}"));
        }
        "group-by" | "groupby" => say(state, StatusLevel::Error, "usage: :group-by LABEL"),
        "filter" => {
            apply_filter(state, &arg);
            if let Some(e) = state.filter_error.take() {
                say(state, StatusLevel::Error, format!("filter: {e}"));
            }
        }
        "refresh" => return act(state, Action::Refresh),
        "silenced" => return act(state, Action::ToggleSilenced),
        "inhibited" => return act(state, Action::ToggleInhibited),
        "help" => return act(state, Action::Help),
        "silences" => return act(state, Action::Silences),
        "ack" if state.read_only => return act(state, Action::Ack),
        "ack" => return writes::ack(state, &arg),
        other => say(
            state,
            StatusLevel::Error,
            format!("unknown command :{other} (try :group-by LABEL, :filter M, :ack TEXT, :silences, :q)"),
        ),
    }
    vec![]
}
