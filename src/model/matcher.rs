//! Alertmanager's matcher syntax: `{alertname="X", severity=~"crit.*"}`.
//! Braces are optional, values may be quoted or bare, and a bare word on its
//! own means `alertname=word` (as in amtool). In filters, a quoted string on
//! its own is free text.

use std::fmt;

use regex::Regex;
use serde::{Serialize, Serializer};

use super::alert::Labels;

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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Alertmanager's quoting: only `"` and `\` are escaped (and line
        // breaks, so the matcher stays one line).
        let mut quoted = String::with_capacity(self.value.len() + 2);
        for c in self.value.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\n' => quoted.push_str("\\n"),
                c => quoted.push(c),
            }
        }
        write!(f, "{}{}\"{quoted}\"", self.name, self.op.symbol())
    }
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

fn first_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}

/// One term of a filter expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Matcher(Matcher),
    /// A quoted string on its own: free text.
    Text(String),
}

/// Parses a matcher list; free text is an error here.
pub fn parse_matchers(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    parse_terms(input)?
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

/// Parses matchers and free-text terms, separated by commas.
pub fn parse_terms(input: &str) -> Result<Vec<Term>, MatcherError> {
    let mut p = Parser {
        chars: input.chars().collect(),
        pos: 0,
    };
    p.skip_ws();
    let braced = p.eat('{');
    let mut terms = Vec::new();
    loop {
        p.skip_ws();
        if p.at_end() || (braced && p.peek() == Some('}')) {
            break;
        }
        terms.push(p.term()?);
        p.skip_ws();
        if p.eat(',') {
            continue;
        }
        if p.at_end() || (braced && p.peek() == Some('}')) {
            break;
        }
        if p.peek() == Some('}') {
            return Err(p.error("unexpected '}' without an opening '{'".into()));
        }
        return Err(p.error(format!(
            "expected ',' between matchers, found {:?}",
            p.peek().unwrap_or(' ')
        )));
    }
    if braced && !p.eat('}') {
        return Err(p.error("missing closing '}'".into()));
    }
    p.skip_ws();
    if !p.at_end() {
        return Err(p.error(format!(
            "unexpected {:?} after the matchers",
            p.peek().unwrap_or(' ')
        )));
    }
    Ok(terms)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }
    fn error(&self, message: String) -> MatcherError {
        MatcherError {
            message,
            column: self.pos + 1,
        }
    }

    fn term(&mut self) -> Result<Term, MatcherError> {
        let start = self.pos;
        if self.peek() == Some('"') {
            let text = self.quoted()?;
            return Ok(Term::Text(text));
        }
        let name = self.name();
        self.skip_ws();
        let op = match (self.peek(), self.chars.get(self.pos + 1).copied()) {
            (Some('='), Some('~')) => Some((MatchOp::Re, 2)),
            (Some('!'), Some('~')) => Some((MatchOp::NotRe, 2)),
            (Some('!'), Some('=')) => Some((MatchOp::Ne, 2)),
            (Some('='), Some('=')) => Some((MatchOp::Eq, 2)),
            (Some('='), _) => Some((MatchOp::Eq, 1)),
            _ => None,
        };
        let Some((op, len)) = op else {
            if name.is_empty() {
                return Err(self.error(match self.peek() {
                    Some(c) => format!("expected a label name, found {c:?}"),
                    None => "expected a label name".into(),
                }));
            }
            if matches!(self.peek(), None | Some(',') | Some('}')) {
                // A bare word means alertname=word, as in amtool.
                return Matcher::new("alertname", MatchOp::Eq, &name).map(Term::Matcher);
            }
            return Err(self.error(format!(
                "expected an operator (=, !=, =~, !~) after {name:?}, found {:?}",
                self.peek().unwrap_or(' ')
            )));
        };
        if name.is_empty() {
            return Err(MatcherError {
                message: "missing label name before the operator".into(),
                column: start + 1,
            });
        }
        self.pos += len;
        self.skip_ws();
        let value_col = self.pos + 1;
        let value = if self.peek() == Some('"') {
            self.quoted()?
        } else {
            self.bare_value()
        };
        if value.is_empty() && self.chars.get(value_col - 1) != Some(&'"') {
            return Err(MatcherError {
                message: format!(
                    "missing value after {name}{} (write \"\" for an empty value)",
                    op.symbol()
                ),
                column: value_col,
            });
        }
        Matcher::new(&name, op, &value)
            .map(Term::Matcher)
            .map_err(|e| MatcherError {
                column: value_col,
                ..e
            })
    }

    fn name(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == ':' || c == '/' {
                s.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        s
    }

    fn bare_value(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c == ',' || c == '}' || c.is_whitespace() {
                break;
            }
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn quoted(&mut self) -> Result<String, MatcherError> {
        let open = self.pos;
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(MatcherError {
                        message: "unterminated quoted value".into(),
                        column: open + 1,
                    })
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(c) => s.push(c),
                        None => return Err(self.error("unterminated escape".into())),
                    }
                    self.pos += 1;
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
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
