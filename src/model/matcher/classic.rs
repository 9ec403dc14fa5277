//! Alertmanager's classic matcher parser (`pkg/labels`), the one its default
//! mode falls back to when the UTF-8 grammar refuses an input, and the one it
//! prefers when both read an input differently. Tolerant: braces are trimmed
//! rather than paired, a value may be bare and hold spaces, and a backslash
//! that escapes nothing but `\`, `"` or `n` stays a backslash, so an
//! unquoted-looking `fraud-\d` keeps its `\d`.
//!
//! Written from the behaviour Alertmanager documents and its test tables
//! (tests/units/matcher_conformance.rs).

use super::types::{MatchOp, Matcher, MatcherError, Term};
use super::utf8::Habits;

fn err(message: String) -> MatcherError {
    MatcherError { message, column: 1 }
}

/// A comma-separated list: one optional `{` and `}` trimmed, commas outside
/// double quotes split, a last empty term (a trailing comma) dropped.
pub fn parse(input: &str, habits: Habits) -> Result<Vec<Term>, MatcherError> {
    let s = input.strip_prefix('{').unwrap_or(input);
    let s = s.strip_suffix('}').unwrap_or(s);
    let mut parts: Vec<String> = Vec::new();
    let mut part = String::new();
    let (mut inside_quotes, mut escaped) = (false, false);
    for c in s.chars() {
        match c {
            ',' if !inside_quotes => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            // A comma inside quotes leaves `escaped` as it was.
            ',' => {}
            '"' if escaped => escaped = false,
            '"' => inside_quotes = !inside_quotes,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
        part.push(c);
    }
    let last = part.trim();
    if !last.is_empty() {
        parts.push(last.to_string());
    }
    parts.iter().map(|p| term(p, habits)).collect()
}

/// One matcher as the classic parser reads it: `name op value`, white space
/// around each, the value optionally in double quotes.
pub fn parse_one(input: &str) -> Result<Matcher, MatcherError> {
    match term(input, Habits::default())? {
        Term::Matcher(m) => Ok(m),
        Term::Text(_) => Err(err(format!("bad matcher format: {input}"))),
    }
}

fn term(s: &str, habits: Habits) -> Result<Term, MatcherError> {
    let Some((name, op, raw)) = split(s) else {
        let word = s.trim_matches(is_ascii_space);
        if habits.bare_words && is_bare_word(word) {
            return Matcher::new("alertname", MatchOp::Eq, word).map(Term::Matcher);
        }
        if habits.free_text && word.len() >= 2 && word.starts_with('"') && word.ends_with('"') {
            return unescape(word).map(Term::Text);
        }
        return Err(err(format!("bad matcher format: {s}")));
    };
    let value = unescape(raw)?;
    Matcher::new(name, op, &value).map(Term::Matcher)
}

/// Go's `\s`: ASCII white space without \v.
fn is_ascii_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

fn is_bare_word(w: &str) -> bool {
    !w.is_empty()
        && !w
            .chars()
            .any(|c| c.is_whitespace() || "{}!=~,\\\"'`".contains(c))
}

/// `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$`, by hand.
fn split(s: &str) -> Option<(&str, MatchOp, &str)> {
    let s = s.trim_start_matches(is_ascii_space);
    let name_len = s
        .char_indices()
        .take_while(|&(i, c)| {
            c == '_' || c == ':' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let (name, rest) = s.split_at(name_len);
    let rest = rest.trim_start_matches(is_ascii_space);
    let (op, rest) = if let Some(r) = rest.strip_prefix("=~") {
        (MatchOp::Re, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchOp::Eq, r)
    } else if let Some(r) = rest.strip_prefix("!=") {
        (MatchOp::Ne, r)
    } else if let Some(r) = rest.strip_prefix("!~") {
        (MatchOp::NotRe, r)
    } else {
        return None;
    };
    Some((name, op, rest.trim_matches(is_ascii_space)))
}

/// The value: an optional pair of quotes, `\n`, `\"` and `\\` read as
/// escapes, any other backslash kept as it is; an inner unescaped quote is
/// an error.
fn unescape(raw: &str) -> Result<String, MatcherError> {
    let (body, mut want_close) = match raw.strip_prefix('"') {
        Some(rest) => (rest, true),
        None => (raw, false),
    };
    let unescaped_quote = || {
        err(format!(
            "the value {} contains an unescaped '\"' (write \\\" inside quotes)",
            crate::sanitize::fit(raw, 60)
        ))
    };
    let mut out = String::with_capacity(body.len());
    let mut escaped = false;
    let last = body.len().saturating_sub(1);
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
            match c {
                'n' => out.push('\n'),
                '"' | '\\' => out.push(c),
                c => {
                    out.push('\\');
                    out.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if i < last => escaped = true,
            '\\' => out.push('\\'),
            '"' if !want_close || i < last => return Err(unescaped_quote()),
            '"' => want_close = false,
            c => out.push(c),
        }
    }
    if want_close {
        return Err(unescaped_quote());
    }
    Ok(out)
}
