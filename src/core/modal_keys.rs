//! The keys of the modal moments, as data: a question (y/n), the silence
//! and incident forms, a line being typed. The console reads them here and
//! help lists them from the same tables, so the two cannot disagree.

use ratatui::crossterm::event::KeyCode;

use super::keymap::Key;
use crate::core::msg::FormKey;

/// What a key answers to an open question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Esc: no, or, where `n` is an answer of its own, nothing at all.
    Dismiss,
    ScrollDown,
    ScrollUp,
}

pub const QUESTION_KEYS: &[(&[KeyCode], Answer, &str)] = &[
    (
        &[KeyCode::Char('y'), KeyCode::Char('Y')],
        Answer::Yes,
        "yes: do it",
    ),
    (&[KeyCode::Char('n'), KeyCode::Char('N')], Answer::No, "no"),
    (
        &[KeyCode::Esc],
        Answer::Dismiss,
        "close the question, doing nothing",
    ),
    (
        &[KeyCode::Char('j'), KeyCode::Down],
        Answer::ScrollDown,
        "scroll a long question",
    ),
    (
        &[KeyCode::Char('k'), KeyCode::Up],
        Answer::ScrollUp,
        "scroll back",
    ),
];

/// The silence and incident forms' keys while no field is being edited.
pub const FORM_KEYS: &[(&[KeyCode], FormKey, &str)] = &[
    (
        &[KeyCode::Up, KeyCode::BackTab, KeyCode::Char('k')],
        FormKey::Up,
        "previous field",
    ),
    (
        &[KeyCode::Down, KeyCode::Tab, KeyCode::Char('j')],
        FormKey::Down,
        "next field",
    ),
    (
        &[KeyCode::Char(' ')],
        FormKey::Toggle,
        "keep/drop a matcher, pick a cluster",
    ),
    (
        &[KeyCode::Char('o')],
        FormKey::CycleOp,
        "next operator (= != =~ !~)",
    ),
    (
        &[KeyCode::Char('d'), KeyCode::Delete],
        FormKey::Delete,
        "delete a matcher line",
    ),
    (
        &[KeyCode::Enter],
        FormKey::Enter,
        "edit the field, or submit",
    ),
    (
        &[KeyCode::Esc, KeyCode::Char('q')],
        FormKey::Cancel,
        "close (twice when changed)",
    ),
];

/// Typing into a `/` or `:` line or a form's field (`keymap::input_edit`).
pub const LINE_KEYS: &[(&str, &str)] = &[
    ("Enter", "keep what was typed (run the command)"),
    ("Esc Ctrl-c", "undo the edit, close the line"),
    ("Backspace", "delete a character"),
    ("Ctrl-u", "clear the line"),
];

pub fn answer(code: KeyCode) -> Option<Answer> {
    QUESTION_KEYS
        .iter()
        .find(|(codes, _, _)| codes.contains(&code))
        .map(|(_, a, _)| *a)
}

/// `1`-`9` on a question that offers numbered choices: which (0-based).
pub fn pick(code: KeyCode) -> Option<usize> {
    match code {
        KeyCode::Char(d @ '1'..='9') => Some(d as usize - '1' as usize),
        _ => None,
    }
}

/// How help shows [`pick`].
pub const PICK_HELP: (&str, &str) = (
    "1-9",
    "pick a numbered choice, when the question offers some",
);

pub fn form_key(code: KeyCode) -> Option<FormKey> {
    FORM_KEYS
        .iter()
        .find(|(codes, _, _)| codes.contains(&code))
        .map(|(_, k, _)| *k)
}

/// "j ↓": how help shows a row's keys.
pub fn labels(codes: &[KeyCode]) -> String {
    let each: Vec<String> = codes
        .iter()
        .map(|&code| {
            Key {
                code,
                ctrl: false,
                alt: false,
            }
            .label()
        })
        .collect();
    each.join(" ")
}

/// Every modal table as help lists it: (title, [(keys, meaning)]).
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    vec![
        (
            "In a question",
            QUESTION_KEYS
                .iter()
                .map(|(codes, _, help)| (labels(codes), *help))
                .chain([(PICK_HELP.0.to_string(), PICK_HELP.1)])
                .collect(),
        ),
        (
            "In a form",
            FORM_KEYS
                .iter()
                .map(|(codes, _, help)| (labels(codes), *help))
                .collect(),
        ),
        (
            "Typing a line or a field",
            LINE_KEYS
                .iter()
                .map(|(k, help)| (k.to_string(), *help))
                .collect(),
        ),
    ]
}
