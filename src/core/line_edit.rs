//! The keys every text field shares.

use super::msg::InputEdit;

/// The keys every text field shares; true when `edit` was one of them.
pub fn type_into(text: &mut String, edit: &InputEdit) -> bool {
    match edit {
        InputEdit::Char(c) => text.push(*c),
        InputEdit::Backspace => {
            text.pop();
        }
        InputEdit::ClearLine => text.clear(),
        InputEdit::Cancel | InputEdit::Submit => return false,
    }
    true
}
