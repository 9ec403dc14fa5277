//! Alertmanager's UTF-8 matcher grammar (its default parser since 0.27):
//! `{name="value", "quoted name"=~unquoted, ...}`. Braces are optional, a
//! trailing comma is allowed, names and values are either double-quoted
//! (read with Go's string-literal escapes) or unquoted runs of any
//! characters but white space and `{}!=~,\"'` and backtick.
//!
//! Written from the grammar Alertmanager documents and its test tables
//! (tests/units/matcher_conformance.rs). Two habits of ours can be switched on,
//! and only turn inputs Alertmanager refuses into something: a term that is
//! a bare word (`HighErrorRate`) and, in filters, a term that is a quoted
//! string on its own (free text).

use super::types::{MatchOp, Matcher, MatcherError, Term};

/// Which of our own habits the parser allows on top of Alertmanager's grammar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Habits {
    /// A term that is one unquoted word means `alertname=word` (amtool).
    pub bare_words: bool,
    /// A term that is one quoted string is free text (the `/` filter).
    pub free_text: bool,
    /// Only to find the next error of an input refused for an escape: an
    /// unknown escape is kept as the classic parser keeps it.
    pub lenient_escapes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    Comma,
    Op(MatchOp),
    Quoted,
    Unquoted,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    text: String,
    /// 1-based character column of the token's first character.
    column: usize,
}

fn is_reserved(c: char) -> bool {
    c.is_whitespace() || "{}!=~,\\\"'`".contains(c)
}

fn err(message: impl Into<String>, column: usize) -> MatcherError {
    MatcherError {
        message: message.into(),
        column,
    }
}

/// Splits the input into tokens, or says where it stops making sense.
fn lex(input: &str) -> Result<Vec<Token>, MatcherError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let token = |kind, from: usize, to: usize| Token {
        kind,
        text: chars[from..to].iter().collect(),
        column: from + 1,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            '{' | '}' | ',' => {
                let kind = match c {
                    '{' => Kind::Open,
                    '}' => Kind::Close,
                    _ => Kind::Comma,
                };
                i += 1;
                tokens.push(token(kind, start, i));
            }
            '=' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('~')) => (MatchOp::Re, 2),
                    ('=', _) => (MatchOp::Eq, 1),
                    ('!', Some('=')) => (MatchOp::Ne, 2),
                    ('!', Some('~')) => (MatchOp::NotRe, 2),
                    _ => return Err(err(
                        "'!' must be followed by '=' or '~' (the operators are =, !=, =~ and !~)",
                        i + 2,
                    )),
                };
                i += len;
                tokens.push(token(Kind::Op(op), start, i));
            }
            '"' => {
                i += 1;
                let mut escaped = false;
                loop {
                    match chars.get(i) {
                        None => return Err(err("unterminated quoted value", start + 1)),
                        Some('"') if !escaped => break,
                        Some('\\') if !escaped => escaped = true,
                        Some(_) => escaped = false,
                    }
                    i += 1;
                }
                i += 1;
                tokens.push(token(Kind::Quoted, start, i));
            }
            c if c.is_whitespace() => i += 1,
            c if !is_reserved(c) => {
                while i < chars.len() && !is_reserved(chars[i]) {
                    i += 1;
                }
                tokens.push(token(Kind::Unquoted, start, i));
            }
            c => {
                let hint = match c {
                    '\\' => " (a backslash belongs inside a quoted value: \"a\\\\b\")",
                    '\'' | '`' => " (quote values with \" only)",
                    _ => "",
                };
                return Err(err(format!("unexpected {c:?}{hint}"), start + 1));
            }
        }
    }
    Ok(tokens)
}

/// The text a token stands for: a quoted token read as a Go string literal.
fn unquote(t: &Token, habits: Habits) -> Result<String, MatcherError> {
    if habits.lenient_escapes && t.kind == Kind::Quoted {
        return Ok(t.text[1..t.text.len() - 1].to_string());
    }
    match t.kind {
        Kind::Quoted => go_unquote(&t.text).map_err(|why| {
            err(
                format!("{} in {}", why, crate::sanitize::fit(&t.text, 60)),
                t.column,
            )
        }),
        _ => Ok(t.text.clone()),
    }
}

/// Reads a double-quoted Go string literal as `strconv.Unquote` does:
/// `\a \b \f \n \r \t \v \\ \"`, `\xHH` and `\OOO` bytes, `\uHHHH` and
/// `\UHHHHHHHH` characters; any other escape, a raw line break or bytes
/// that are not UTF-8 make it invalid.
pub fn go_unquote(quoted: &str) -> Result<String, String> {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("not a quoted string")?;
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\n' => return Err("a line break inside quotes (write \\n)".into()),
            '"' => return Err("an unescaped '\"' inside quotes".into()),
            '\\' => {
                let e = chars.next().ok_or("a lone backslash at the end")?;
                let simple = match e {
                    'a' => Some(0x07u8),
                    'b' => Some(0x08),
                    'f' => Some(0x0c),
                    'n' => Some(b'\n'),
                    'r' => Some(b'\r'),
                    't' => Some(b'\t'),
                    'v' => Some(0x0b),
                    '\\' => Some(b'\\'),
                    '"' => Some(b'"'),
                    _ => None,
                };
                if let Some(b) = simple {
                    out.push(b);
                    continue;
                }
                match e {
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v: u32 = 0;
                        for _ in 0..n {
                            let d = chars
                                .next()
                                .and_then(|h| h.to_digit(16))
                                .ok_or_else(|| format!("\\{e} needs {n} hex digits"))?;
                            v = v * 16 + d;
                        }
                        if e == 'x' {
                            out.push(v as u8);
                        } else {
                            let ch = char::from_u32(v)
                                .ok_or_else(|| format!("\\{e}{v:X} is not a character"))?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            let d = chars
                                .next()
                                .and_then(|o| o.to_digit(8))
                                .ok_or("an octal escape needs 3 digits")?;
                            v = v * 8 + d;
                        }
                        if v > 255 {
                            return Err(format!("octal escape \\{v:o} is over 255"));
                        }
                        out.push(v as u8);
                    }
                    other => {
                        return Err(format!(
                        "unknown escape \\{other} (write \\\\{other} for a backslash and {other})"
                    ))
                    }
                }
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    String::from_utf8(out).map_err(|_| "escapes that make bytes which are not UTF-8".into())
}

/// Parses a list of terms with the UTF-8 grammar (and the habits asked for).
pub fn parse(input: &str, habits: Habits) -> Result<Vec<Term>, MatcherError> {
    let tokens = lex(input)?;
    let end_column = input.chars().count() + 1;
    let mut pos = 0;
    let at = |pos: usize| tokens.get(pos);
    let braced = matches!(at(0), Some(t) if t.kind == Kind::Open);
    if braced {
        pos += 1;
    }
    let mut terms = Vec::new();
    loop {
        // A matcher, a close brace or the end.
        match at(pos) {
            None => break,
            Some(t) if t.kind == Kind::Close => break,
            Some(_) => {}
        }
        let (term, next) = term(&tokens, pos, habits, end_column)?;
        terms.push(term);
        pos = next;
        match at(pos) {
            Some(t) if t.kind == Kind::Comma => pos += 1,
            Some(t) if t.kind == Kind::Close => break,
            None => break,
            Some(t) => {
                return Err(err(
                    format!("expected ',' between matchers, found {:?}", t.text),
                    t.column,
                ))
            }
        }
    }
    match (braced, at(pos)) {
        (true, Some(t)) if t.kind == Kind::Close => pos += 1,
        (true, _) => return Err(err("missing closing '}'", end_column)),
        (false, Some(t)) if t.kind == Kind::Close => {
            return Err(err("unexpected '}' without an opening '{'", t.column))
        }
        (false, _) => {}
    }
    if let Some(t) = at(pos) {
        return Err(err(
            format!("unexpected {:?} after the closing '}}'", t.text),
            t.column,
        ));
    }
    Ok(terms)
}

/// One matcher (or, with habits, a bare word or free text) from `pos`;
/// returns it and the position after it.
fn term(
    tokens: &[Token],
    pos: usize,
    habits: Habits,
    end_column: usize,
) -> Result<(Term, usize), MatcherError> {
    let name = &tokens[pos];
    if !matches!(name.kind, Kind::Quoted | Kind::Unquoted) {
        let what = match name.kind {
            Kind::Op(_) => "missing label name before the operator".to_string(),
            _ => format!("expected a label name, found {:?}", name.text),
        };
        return Err(err(what, name.column));
    }
    let ends_term =
        |t: Option<&Token>| t.is_none_or(|t| matches!(t.kind, Kind::Comma | Kind::Close));
    if ends_term(tokens.get(pos + 1)) {
        if habits.bare_words && name.kind == Kind::Unquoted {
            let m = Matcher::new("alertname", MatchOp::Eq, &name.text)?;
            return Ok((Term::Matcher(m), pos + 1));
        }
        if habits.free_text && name.kind == Kind::Quoted {
            return Ok((Term::Text(unquote(name, habits)?), pos + 1));
        }
    }
    let label = unquote(name, habits)?;
    let op = match tokens.get(pos + 1) {
        Some(Token {
            kind: Kind::Op(op), ..
        }) => *op,
        Some(t) => {
            return Err(err(
                format!(
                    "expected an operator (=, !=, =~, !~) after {:?}, found {:?}",
                    name.text, t.text
                ),
                t.column,
            ))
        }
        None => {
            return Err(err(
                format!("expected an operator (=, !=, =~, !~) after {:?}", name.text),
                end_column,
            ))
        }
    };
    let value = match tokens.get(pos + 2) {
        Some(t) if matches!(t.kind, Kind::Quoted | Kind::Unquoted) => t,
        other => {
            let column = other.map_or(end_column, |t| t.column);
            return Err(err(
                format!(
                    "missing value after {}{} (write \"\" for an empty value)",
                    name.text,
                    op.symbol()
                ),
                column,
            ));
        }
    };
    let text = unquote(value, habits)?;
    let m = Matcher::new(&label, op, &text).map_err(|e| MatcherError {
        column: value.column,
        ..e
    })?;
    Ok((Term::Matcher(m), pos + 3))
}
