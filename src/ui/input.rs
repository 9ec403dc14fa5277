//! Keyboard to messages: a thread reading terminal events (crossterm's
//! read blocks), and each key turned into the `Msg` the state expects
//! (an edit of an input line, a form key, a question's answer, an action).

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc;

use crate::core::keymap::{input_edit, Keymap};
use crate::core::modal_keys::{answer, form_key, pick, Answer};
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
    if let Some(c) = &state.confirm {
        if let Some(n) = pick(key.code) {
            return (n < c.picks.len()).then_some(Msg::ConfirmPick(n));
        }
        return match answer(key.code)? {
            Answer::Yes => Some(Msg::Confirm(true)),
            Answer::No => Some(Msg::Confirm(false)),
            Answer::Dismiss if c.no.is_some() => Some(Msg::Dismiss),
            Answer::Dismiss => Some(Msg::Confirm(false)),
            Answer::ScrollDown => Some(Msg::ConfirmScroll(1)),
            Answer::ScrollUp => Some(Msg::ConfirmScroll(-1)),
        };
    }
    if let Some(form) = &state.form {
        if form.editing.is_some() {
            return input_edit(&key).map(Msg::Input);
        }
        return form_key(key.code).map(Msg::Form);
    }
    if let Some(form) = &state.iform {
        if form.editing.is_some() {
            return input_edit(&key).map(Msg::Input);
        }
        return form_key(key.code).map(Msg::Form);
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
