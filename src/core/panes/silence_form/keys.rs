//! The silence form's keys: moving between fields, toggling a matcher,
//! cycling its operator, editing a field, sending (twice when it selects
//! more than the alert), and Esc (twice once something was typed).

use super::Field;
use crate::core::line_edit::type_into;
use crate::core::msg::{Effect, FormKey, InputEdit};
use crate::core::silence_actions;
use crate::core::state::{State, StatusLevel};

pub fn form_key(state: &mut State, key: FormKey) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else {
        return vec![];
    };
    form.error = None;
    if !matches!(key, FormKey::Up | FormKey::Down | FormKey::Cancel) {
        form.touched = true;
    }
    if key != FormKey::Cancel {
        form.discard_armed = false;
    }
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
            Field::Submit if !form.submitting => return silence_actions::submit_form(state),
            Field::Submit => {}
            Field::Cluster(_) => form.toggle(),
            _ => form.start_edit(),
        },
        FormKey::Cancel if form.touched && !form.discard_armed => {
            form.discard_armed = true;
            form.error = Some("Esc again throws this form away (nothing was sent)".into());
            return vec![];
        }
        FormKey::Cancel => {
            state.form = None;
            state.say(StatusLevel::Info, "silence form closed; nothing was sent");
            return vec![];
        }
    }
    form.preview(&state.alerts);
    vec![]
}

/// Typing into the form's focused field.
pub fn form_edit(state: &mut State, edit: InputEdit) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let Some(text) = form.editing.as_mut() else {
        return;
    };
    if type_into(text, &edit) {
        return;
    }
    match edit {
        InputEdit::Char(_) | InputEdit::Backspace | InputEdit::ClearLine => {}
        InputEdit::Cancel => {
            form.editing = None;
            form.error = None;
        }
        InputEdit::Submit => match form.commit_edit() {
            Ok(()) => {
                form.error = None;
                form.touched = true;
                if !matches!(form.focused(), Field::AddMatcher) {
                    form.move_focus(1);
                }
                form.preview(&state.alerts);
            }
            Err(e) => form.error = Some(e),
        },
    }
}
