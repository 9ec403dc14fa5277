//! Keyboard to messages: a thread reading terminal events (crossterm's
//! read blocks), and each key turned into the `Msg` the state expects
//! (an edit of an input line, a form key, a question's answer, an action).

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc;

use super::keymap::{input_edit, Keymap};
use crate::core::update::FormKey;
use crate::core::{Action, Msg, State};

/// Reads terminal events on a thread of its own: crossterm's read blocks.
pub fn spawn_input_reader() -> mpsc::UnboundedReceiver<Event> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || loop {
        match event::poll(Duration::from_millis(250)) {
            Ok(true) => match event::read() {
                Ok(ev) => {
                    if tx.send(ev).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            },
            Ok(false) if tx.is_closed() => break,
            Ok(false) => {}
            Err(_) => break,
        }
    });
    rx
}

pub fn key_msg(state: &State, keymap: &Keymap, key: KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        // While a runbook step runs, Ctrl-c stops the step, not the
        // console; in the stepper it never quits (a second Ctrl-c out of
        // habit must not throw the console away mid-incident).
        if state.rb.running.is_some() || state.pane == crate::core::Pane::Runbook {
            return Some(Msg::Action(Action::StopStep));
        }
        return Some(Msg::Action(Action::Quit));
    }
    if state.confirm.is_some() {
        return match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Msg::Confirm(true)),
            KeyCode::Char('n') | KeyCode::Char('N') => Some(Msg::Confirm(false)),
            KeyCode::Esc if state.confirm.as_ref().is_some_and(|c| c.no.is_some()) => {
                Some(Msg::Dismiss)
            }
            KeyCode::Esc => Some(Msg::Confirm(false)),
            KeyCode::Char('j') | KeyCode::Down => Some(Msg::ConfirmScroll(1)),
            KeyCode::Char('k') | KeyCode::Up => Some(Msg::ConfirmScroll(-1)),
            _ => None,
        };
    }
    if let Some(form) = &state.form {
        if form.editing.is_some() {
            return input_edit(&key).map(Msg::Input);
        }
        return form_key(&key).map(Msg::Form);
    }
    if let Some(form) = &state.iform {
        if form.editing.is_some() {
            return input_edit(&key).map(Msg::Input);
        }
        return form_key(&key).map(Msg::Form);
    }
    if state.input.is_some() {
        return input_edit(&key).map(Msg::Input);
    }
    let choosing = state.pane == crate::core::Pane::Runbook
        && state
            .rb
            .stepper
            .as_ref()
            .is_some_and(|s| s.choice.is_some());
    if let (true, KeyCode::Char(c @ '1'..='9')) = (choosing, key.code) {
        return Some(Msg::Choose(c as usize - '1' as usize));
    }
    keymap.action(&key).map(Msg::Action)
}

/// The silence form's keys while no field is being edited.
fn form_key(key: &KeyEvent) -> Option<FormKey> {
    Some(match key.code {
        KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => FormKey::Up,
        KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => FormKey::Down,
        KeyCode::Char(' ') => FormKey::Toggle,
        KeyCode::Char('o') => FormKey::CycleOp,
        KeyCode::Char('d') | KeyCode::Delete => FormKey::Delete,
        KeyCode::Enter => FormKey::Enter,
        KeyCode::Esc | KeyCode::Char('q') => FormKey::Cancel,
        _ => return None,
    })
}
