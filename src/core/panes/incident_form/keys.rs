//! The incident forms' keys: moving between fields, cycling a choice,
//! editing a field, submitting (declare, attach or the status update), Esc.

use super::Focus;
use crate::core::incidents;
use crate::core::line_edit::type_into;
use crate::core::msg::{Effect, FormKey, InputEdit};
use crate::core::state::{State, StatusLevel};

/// Form keys while no field is being edited.
pub fn iform_key(state: &mut State, key: FormKey) -> Vec<Effect> {
    let Some(form) = state.iform.as_mut() else {
        return vec![];
    };
    form.error = None;
    match key {
        FormKey::Up => form.move_focus(-1),
        FormKey::Down => form.move_focus(1),
        FormKey::Toggle | FormKey::CycleOp => form.cycle(),
        FormKey::Delete => {}
        FormKey::Enter => match form.focused() {
            Focus::Field(_) => form.start_edit(),
            Focus::Submit | Focus::Attach(_) => return incidents::submit_form(state),
        },
        FormKey::Cancel => {
            state.iform = None;
            state.say(StatusLevel::Info, "closed; nothing was recorded");
        }
    }
    vec![]
}

/// Typing into the form's focused field.
pub fn iform_edit(state: &mut State, edit: InputEdit) {
    let Some(form) = state.iform.as_mut() else {
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
        InputEdit::Cancel => form.editing = None,
        InputEdit::Submit => {
            form.commit_edit();
            form.move_focus(1);
        }
    }
}
