//! The matcher types: a matcher, its operator, how it matches a label set
//! and how it prints (as Alertmanager prints it), and the parse error.

use std::fmt;

use regex::Regex;
use serde::{Serialize, Serializer};

use crate::model::alert::Labels;

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
