use chrono::{DateTime, Utc};

use super::action::Action;
use super::filter::Filter;
use super::rows::{build_rows, Row};
use super::state::{InputKind, InputLine, Pane, State, StatusLevel};
use crate::source::{merge_sources, Snapshot, SourceError};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    RefreshNow,
    /// Copy to the clipboard of the user's terminal (OSC 52).
    Copy(String),
    Quit,
}

/// A status message stays this many seconds.
const STATUS_SECS: i64 = 8;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
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
        Msg::Input(edit) => input(state, edit),
        Msg::Action(action) => act(state, action),
    }
}

fn say(state: &mut State, level: StatusLevel, text: impl Into<String>) {
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
}

/// Recomputes the merged alerts and the rows, keeping the cursor on the same item.
pub fn remerge(state: &mut State) {
    let selected = selected_identity(state);
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
    if state.pane == Pane::Detail || state.pane == Pane::Help {
        state.scroll = (state.scroll as isize + delta).clamp(0, state.scroll_max as isize) as u16;
        return;
    }
    let last = state.rows.len().saturating_sub(1) as isize;
    state.cursor = (state.cursor as isize + delta).clamp(0, last.max(0)) as usize;
}

fn act(state: &mut State, action: Action) -> Vec<Effect> {
    if action.is_mutating() {
        let text = if state.read_only {
            format!("read-only mode: {} refused", action.name())
        } else {
            format!("{} is not available in this version yet", action.name())
        };
        say(state, StatusLevel::Warn, text);
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
        Action::Silences => say(
            state,
            StatusLevel::Warn,
            "the silences pane is not available in this version yet",
        ),
        // Mutating actions were handled above.
        _ => {}
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
            if kind == InputKind::Command {
                state.input = None;
                return command(state, &text);
            }
            if state.filter_error.is_none() {
                state.input = None;
                state.filter_before_edit = None;
            }
            return vec![];
        }
    }
    if kind == InputKind::Filter {
        let text = state
            .input
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        apply_filter(state, &text);
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
        other => say(
            state,
            StatusLevel::Error,
            format!("unknown command :{other} (try :group-by LABEL, :filter M, :q)"),
        ),
    }
    vec![]
}
