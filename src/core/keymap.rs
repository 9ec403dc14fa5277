//! The key table: one list of default bindings, rebindable by action name
//! in the config. `?` help is generated from it, so help always tells the
//! truth about the keys in force.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::core::update::InputEdit;
use crate::core::Action;

/// Default bindings: (key, action, help). An action may have several keys;
/// its help is taken from its first row.
pub const DEFAULT_KEYS: &[(&str, Action, &str)] = &[
    ("k", Action::Up, "move up"),
    ("up", Action::Up, "move up"),
    ("j", Action::Down, "move down"),
    ("down", Action::Down, "move down"),
    ("g", Action::Top, "go to the top"),
    ("home", Action::Top, "go to the top"),
    ("G", Action::Bottom, "go to the bottom"),
    ("end", Action::Bottom, "go to the bottom"),
    ("pgup", Action::PageUp, "page up"),
    ("pgdn", Action::PageDown, "page down"),
    ("tab", Action::NextPane, "next pane (incl. silences)"),
    ("enter", Action::Open, "open alert / fold group"),
    ("esc", Action::Back, "back; clear the filter"),
    ("/", Action::Filter, "filter the list"),
    (":", Action::Command, "command line"),
    ("?", Action::Help, "this help"),
    ("q", Action::Quit, "quit"),
    ("ctrl-c", Action::Quit, "quit"),
    ("ctrl-r", Action::Refresh, "refresh all sources now"),
    ("a", Action::Ack, "ack (short ACK! silence)"),
    ("A", Action::Unack, "remove the ack"),
    ("s", Action::Silence, "silence"),
    ("r", Action::Resolve, "resolve alert/incident"),
    ("i", Action::Incident, "declare/attach incident"),
    ("I", Action::Incidents, "incidents pane"),
    ("n", Action::Note, "add a timeline note"),
    ("u", Action::StatusUpdate, "incident status update"),
    ("*", Action::Pin, "pin a timeline event"),
    ("p", Action::Postmortem, "postmortem draft"),
    ("b", Action::Runbook, "runbook of the alert"),
    ("d", Action::StepDone, "runbook: step done"),
    ("f", Action::StepFailed, "runbook: step failed"),
    (">", Action::StepSkip, "runbook: skip step"),
    ("ctrl-c", Action::StopStep, "runbook: stop the step"),
    ("S", Action::Silences, "silences pane"),
    ("E", Action::Escalations, "escalations pane"),
    (
        "w",
        Action::HistoryWindow,
        "history window 15m/1h/6h/24h (detail)",
    ),
    ("O", Action::Slos, "SLO pane (error budgets)"),
    ("e", Action::Expire, "expire a silence (in S)"),
    ("x", Action::Extend, "extend a silence (in S)"),
    ("y", Action::CopyLink, "copy link (OSC 52)"),
    ("-", Action::FoldAll, "fold every group"),
    ("+", Action::UnfoldAll, "unfold every group"),
    ("M", Action::Messages, "message history (:messages)"),
    ("z", Action::ToggleSilenced, "show/hide silenced alerts"),
    ("Z", Action::ToggleInhibited, "show/hide inhibited alerts"),
];

/// A key with the modifiers that matter. Shift is folded into the
/// character (Shift+a is `A`), so bindings compare by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            other => other,
        };
        Key { code, ctrl, alt }
    }

    /// Parses `a`, `A`, `ctrl-r`, `alt-x`, `enter`, `f5`, `pgdn`, `space`...
    pub fn parse(text: &str) -> Option<Key> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 2
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            (Some(c), None) if !c.is_control() => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" | "page-up" => KeyCode::PageUp,
                "pgdn" | "pagedown" | "page-down" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return None,
                },
                _ => return None,
            },
        };
        Some(Key { code, ctrl, alt })
    }

    /// How help shows the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::BackTab => "Shift-Tab".into(),
            other => format!("{other:?}"),
        };
        let alt = if self.alt { "Alt-" } else { "" };
        let ctrl = if self.ctrl { "Ctrl-" } else { "" };
        format!("{ctrl}{alt}{base}")
    }
}

#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Keymap {
    /// The default table with `overrides` (action name → keys, several keys
    /// separated by spaces) applied. An overridden action loses its default
    /// keys; a key taken by an override is removed from its old action.
    pub fn new(overrides: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut bindings: Vec<(Key, Action)> = DEFAULT_KEYS
            .iter()
            .map(|(k, a, _)| (Key::parse(k).expect("default keys parse"), *a))
            .collect();
        for (name, keys) in overrides {
            let action = Action::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Action::bindable().map(|a| a.name()).collect();
                format!(
                    "keys: unknown action {name:?} (known: {})",
                    known.join(", ")
                )
            })?;
            let parsed = keys
                .split_whitespace()
                .map(|k| Key::parse(k).ok_or_else(|| format!("keys.{name}: unknown key {k:?} (examples: a, A, ctrl-r, enter, f5, pgdn, space)")))
                .collect::<Result<Vec<Key>, String>>()?;
            if parsed.is_empty() {
                return Err(format!("keys.{name}: no key given"));
            }
            bindings.retain(|(k, a)| *a != action && !parsed.contains(k));
            bindings.extend(parsed.into_iter().map(|k| (k, action)));
        }
        Ok(Keymap { bindings })
    }

    /// The action bound to a key press (repeats count; releases do not).
    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let k = Key::from_event(key);
        self.bindings.iter().find(|(b, _)| *b == k).map(|(_, a)| *a)
    }

    /// The keys bound to an action, as help shows them ("j ↓").
    pub fn keys_for(&self, action: Action) -> String {
        let labels: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k.label())
            .collect();
        labels.join(" ")
    }

    /// One entry per action, in table order: (keys, help, action).
    pub fn help_entries(&self) -> Vec<(String, &'static str, Action)> {
        let mut out: Vec<(String, &'static str, Action)> = Vec::new();
        for (_, action, help) in DEFAULT_KEYS {
            if out.iter().any(|(_, _, a)| a == action) {
                continue;
            }
            let keys = self.keys_for(*action);
            out.push((
                if keys.is_empty() {
                    "(none)".into()
                } else {
                    keys
                },
                help,
                *action,
            ));
        }
        out
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::new(&BTreeMap::new()).expect("the default key table is valid")
    }
}

/// Editing keys while a `/` or `:` line is open.
pub fn input_edit(key: &KeyEvent) -> Option<InputEdit> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => Some(InputEdit::Submit),
        KeyCode::Esc => Some(InputEdit::Cancel),
        KeyCode::Backspace => Some(InputEdit::Backspace),
        KeyCode::Char('u') if ctrl => Some(InputEdit::ClearLine),
        KeyCode::Char('c') if ctrl => Some(InputEdit::Cancel),
        KeyCode::Char(c)
            if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
        {
            Some(InputEdit::Char(c))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_cover_every_action() {
        let km = Keymap::default();
        let entries = km.help_entries();
        for a in Action::bindable() {
            assert!(
                entries.iter().any(|(k, _, x)| *x == a && k != "(none)"),
                "{a:?} has no key"
            );
        }
        assert_eq!(km.keys_for(Action::Down), "j ↓");
        assert_eq!(km.keys_for(Action::Refresh), "Ctrl-r");
    }

    #[test]
    fn shift_letters_are_uppercase_and_releases_ignored() {
        let km = Keymap::default();
        assert_eq!(
            km.action(&press(KeyCode::Char('a'), KeyModifiers::SHIFT)),
            Some(Action::Unack)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('A'), KeyModifiers::SHIFT)),
            Some(Action::Unack)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('a'), KeyModifiers::NONE)),
            Some(Action::Ack)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::Refresh)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('r'), KeyModifiers::NONE)),
            Some(Action::Resolve)
        );
        assert_eq!(
            km.action(&press(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(km.action(&release), None);
        assert_eq!(
            km.action(&press(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
            None
        );
    }

    #[test]
    fn overrides_rebind_and_steal_keys() {
        let o: BTreeMap<String, String> = [
            ("ack".to_string(), "ctrl-a f5".to_string()),
            ("refresh".to_string(), "a".to_string()),
        ]
        .into();
        let km = Keymap::new(&o).unwrap();
        assert_eq!(
            km.action(&press(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Action::Ack)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('a'), KeyModifiers::CONTROL)),
            Some(Action::Ack)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('a'), KeyModifiers::NONE)),
            Some(Action::Refresh)
        );
        assert_eq!(
            km.action(&press(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(km.keys_for(Action::Ack), "Ctrl-a F5");
    }

    #[test]
    fn unknown_action_or_key_is_named() {
        let e = Keymap::new(&[("ackk".to_string(), "a".to_string())].into()).unwrap_err();
        assert!(e.contains("\"ackk\""), "{e}");
        let e = Keymap::new(&[("ack".to_string(), "ctrl-".to_string())].into()).unwrap_err();
        assert!(e.contains("keys.ack") && e.contains("\"ctrl-\""), "{e}");
        let e = Keymap::new(&[("ack".to_string(), "hyper-x".to_string())].into()).unwrap_err();
        assert!(e.contains("hyper-x"), "{e}");
        assert!(Keymap::new(&[("ack".to_string(), " ".to_string())].into()).is_err());
    }

    #[test]
    fn input_line_keys() {
        assert_eq!(
            input_edit(&press(KeyCode::Char('x'), KeyModifiers::SHIFT)),
            Some(InputEdit::Char('x'))
        );
        assert_eq!(
            input_edit(&press(KeyCode::Char('u'), KeyModifiers::CONTROL)),
            Some(InputEdit::ClearLine)
        );
        assert_eq!(
            input_edit(&press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(InputEdit::Submit)
        );
        assert_eq!(
            input_edit(&press(KeyCode::Esc, KeyModifiers::NONE)),
            Some(InputEdit::Cancel)
        );
        assert_eq!(
            input_edit(&press(KeyCode::Backspace, KeyModifiers::NONE)),
            Some(InputEdit::Backspace)
        );
        assert_eq!(input_edit(&press(KeyCode::Up, KeyModifiers::NONE)), None);
    }
}
