//! Alertmanager's matchers: the type, how it matches a label set and how it
//! prints, and the entry points that read `{alertname="X", severity=~"crit.*"}`
//! exactly as Alertmanager's default mode does (the grammars themselves are
//! in matcher_utf8.rs and matcher_classic.rs). A bare word on its own means
//! `alertname=word` (as in amtool); in filters, a quoted string on its own
//! is free text. docs/matchers.md lists the grammar.

use std::fmt;

use regex::Regex;
use serde::{Serialize, Serializer};

use super::alert::Labels;
use super::matcher_classic;
use super::matcher_utf8::{self, Habits};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    Eq,
    Ne,
    Re,
    NotRe,
}

impl MatchOp {
    pub fn symbol(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }

    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Re | MatchOp::NotRe)
    }

    pub fn is_equal(self) -> bool {
        matches!(self, MatchOp::Eq | MatchOp::Re)
    }
}

#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Serialize for Matcher {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for Matcher {
    /// As Alertmanager prints a matcher, which both of its parsers read back
    /// to the same matcher: the value in quotes with `\\`, `\"` and line
    /// breaks escaped; a name that is not a plain word quoted too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = !self.name.is_empty()
            && !self
                .name
                .chars()
                .any(|c| c.is_whitespace() || "{}!=~,\\\"'`".contains(c));
        if plain {
            write!(f, "{}", self.name)?;
        } else {
            write!(f, "\"{}\"", go_escape(&self.name))?;
        }
        write!(f, "{}\"{}\"", self.op.symbol(), go_escape(&self.value))
    }
}

/// Escapes for a double-quoted value that Alertmanager's two parsers read
/// alike: `\\`, `\"` and `\n` only (the classic parser keeps any other
/// backslash as it is).
fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column}")]
pub struct MatcherError {
    pub message: String,
    /// 1-based character column in the input.
    pub column: usize,
}

impl Matcher {
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, MatcherError> {
        let regex = if op.is_regex() {
            // Alertmanager anchors regex matchers at both ends.
            let re = Regex::new(&format!("^(?:{value})$")).map_err(|e| MatcherError {
                message: format!(
                    "invalid regex {}: {}",
                    crate::sanitize::fit(&format!("{value:?}"), 80),
                    first_line(&e.to_string())
                ),
                column: 1,
            })?;
            Some(re)
        } else {
            None
        };
        Ok(Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            regex,
        })
    }

    /// A matcher whose value is compared as plain text even for `=~` / `!~`:
    /// for a silence whose regex Alertmanager (Go's RE2) accepted and Rust's
    /// regex does not, so the silence stays visible and nothing panics.
    pub fn literal(name: &str, op: MatchOp, value: &str) -> Matcher {
        Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            regex: None,
        }
    }

    /// Matches a label set; a missing label reads as the empty string.
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(self.name.as_str()).unwrap_or("");
        match self.op {
            MatchOp::Eq => v == self.value,
            MatchOp::Ne => v != self.value,
            MatchOp::Re => self
                .regex
                .as_ref()
                .map_or(v == self.value, |r| r.is_match(v)),
            MatchOp::NotRe => !self
                .regex
                .as_ref()
                .map_or(v == self.value, |r| r.is_match(v)),
        }
    }
}

/// The regex crate's message: its last non-empty line, without its own
/// `error: ` lead (ours says what failed).
fn first_line(s: &str) -> &str {
    let line = s
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    line.strip_prefix("error: ").unwrap_or(line)
}

/// One term of a filter expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Matcher(Matcher),
    /// A quoted string on its own: free text.
    Text(String),
}

/// Parses matchers exactly as Alertmanager's default mode does (since
/// 0.27): the UTF-8 grammar, and the classic parser where that refuses the
/// input or reads it differently. Our one habit on top, amtool's: a term
/// that is a bare word means `alertname=word`. Free text is an error here.
pub fn parse_matchers(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    // Free text is read only to be refused with a word that says so.
    only_matchers(parse_terms(input)?)
}

/// Exactly Alertmanager's default mode, without the bare-word habit.
pub fn parse_matchers_as_alertmanager(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    only_matchers(fallback(input, Habits::default())?)
}

/// Matchers and free-text terms (the `/` filter): a quoted string on its
/// own is text to search for.
pub fn parse_terms(input: &str) -> Result<Vec<Term>, MatcherError> {
    let habits = Habits {
        bare_words: true,
        free_text: true,
        lenient_escapes: false,
    };
    fallback(input, habits)
}

/// Alertmanager's rule for its two parsers: the classic reading wins when
/// both accept (they agree, or Alertmanager warns of a disagreement and uses
/// it), the one that accepts when only one does. When both refuse, the UTF-8
/// parser's error is given, as it knows the column.
fn fallback(input: &str, habits: Habits) -> Result<Vec<Term>, MatcherError> {
    match (
        matcher_utf8::parse(input, habits),
        matcher_classic::parse(input, habits),
    ) {
        (_, Ok(classic)) => Ok(classic),
        (Ok(utf8), Err(_)) => Ok(utf8),
        (Err(e), Err(_)) => Err(next_error(input, habits, e)),
    }
}

/// Both parsers refused the input. When the UTF-8 one stopped at an escape
/// it does not know (`\d`, which the classic parser would keep), the error
/// that matters may be further on: read on past such escapes and give that
/// one; if there is none, the escape is the whole trouble, and the message
/// says why the classic reading does not help.
fn next_error(input: &str, habits: Habits, escape: MatcherError) -> MatcherError {
    if !escape.message.starts_with("unknown escape") {
        return escape;
    }
    let lenient = Habits {
        lenient_escapes: true,
        ..habits
    };
    match matcher_utf8::parse(input, lenient) {
        Err(further) => further,
        Ok(_) => MatcherError {
            message: format!(
                "{}; Alertmanager's classic parser, which keeps such a backslash, cannot read the rest of this input",
                escape.message
            ),
            ..escape
        },
    }
}

fn only_matchers(terms: Vec<Term>) -> Result<Vec<Matcher>, MatcherError> {
    terms
        .into_iter()
        .map(|t| match t {
            Term::Matcher(m) => Ok(m),
            Term::Text(text) => Err(MatcherError {
                message: format!("expected a matcher like name=\"value\", found the text {text:?}"),
                column: 1,
            }),
        })
        .collect()
}

/// Alertmanager's parsers one by one, for the conformance tests and for
/// saying how an input was read.
pub mod parsers {
    use super::*;

    /// The UTF-8 grammar alone (Alertmanager's `utf8-strict-mode`).
    pub fn utf8(input: &str) -> Result<Vec<Matcher>, MatcherError> {
        only_matchers(matcher_utf8::parse(input, Habits::default())?)
    }

    /// The classic parser alone (Alertmanager's `classic-mode`).
    pub fn classic(input: &str) -> Result<Vec<Matcher>, MatcherError> {
        only_matchers(matcher_classic::parse(input, Habits::default())?)
    }

    /// Exactly one matcher with the UTF-8 grammar.
    pub fn utf8_one(input: &str) -> Result<Matcher, MatcherError> {
        exactly_one(utf8(input)?)
    }

    /// One matcher in Alertmanager's default mode: no braces, and the
    /// classic reading of the whole input (it does not split on commas).
    pub fn fallback_one(input: &str) -> Result<Matcher, MatcherError> {
        if input.starts_with('{') || input.ends_with('}') {
            return Err(MatcherError {
                message: format!("unexpected open or close brace: {input}"),
                column: 1,
            });
        }
        match (utf8_one(input), matcher_classic::parse_one(input)) {
            (_, Ok(classic)) => Ok(classic),
            (Ok(utf8), Err(_)) => Ok(utf8),
            (Err(e), Err(_)) => Err(e),
        }
    }

    fn exactly_one(mut ms: Vec<Matcher>) -> Result<Matcher, MatcherError> {
        match ms.len() {
            1 => Ok(ms.remove(0)),
            n => Err(MatcherError {
                message: if n == 0 {
                    "no matchers".into()
                } else {
                    format!("expected 1 matcher, found {n}")
                },
                column: 1,
            }),
        }
    }
}

/// Renders matchers back in Alertmanager's syntax: `{a="b", c=~"d"}`.
/// Escapes the regex metacharacters of a literal value, and only those, so
/// `gpu-node-07` stays readable (Go's RE2 and Rust's regex agree on these).
pub fn escape_regex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The literal a value escaped by `escape_regex` stands for, if it is one.
pub fn unescape_regex(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|n| "\\.+*?()|[]{}^$-".contains(*n))?),
            c if "\\.+*?()|[]{}^$".contains(c) => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

pub fn format_matchers(matchers: &[Matcher]) -> String {
    let inner: Vec<String> = matchers.iter().map(Matcher::to_string).collect();
    format!("{{{}}}", inner.join(", "))
}
