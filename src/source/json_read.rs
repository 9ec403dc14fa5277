//! A pull reader of JSON text, for decoders of one known shape.
//!
//! Why not serde_json's visitors for `/api/v2/alerts`: callgrind counted
//! about 18,000 instructions an alert, half of them in serde_json's
//! generic string and map machinery (docs/performance-log.md). Here the
//! caller asks for what it expects next (a key, a string, null) and strings
//! are found many bytes a step (`string_scan`), borrowed from the text
//! unless they hold escapes.
//!
//! The text is `&str`, so it is valid UTF-8 already, and every position the
//! reader stops at is at or just after an ASCII byte (a quote, a backslash,
//! a structural character): slicing there never splits a character.
//! Nesting is limited, so a hostile body cannot exhaust the stack, and
//! every error says where.
//! One leniency: a raw control character inside a string is kept, not
//! refused (the sanitizer takes it out before anything reaches the screen).

use std::borrow::Cow;

use super::string_scan::quote_or_backslash;

/// How deep `skip` follows nested arrays and objects (serde_json's own
/// limit is 128).
const MAX_DEPTH: usize = 128;

pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

/// What went wrong, and where (1-based line and column, as editors count).
#[derive(Debug)]
pub struct ReadError {
    pub kind: ReadKind,
    pub what: String,
    pub line: usize,
    pub column: usize,
}

/// The three ways a body can be wrong, which the user is told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    /// It ended in the middle (a truncated answer).
    Eof,
    /// It is not JSON.
    Syntax,
    /// It is JSON, but not of the shape asked for.
    Shape,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

/// Boxed, so the results of the many small reads stay a word or two wide.
pub type Read<T> = Result<T, Box<ReadError>>;

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { text, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn rest_len(&self) -> usize {
        self.text.len() - self.pos
    }

    /// Where the reader is, in bytes from the start.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The bytes not yet read.
    pub fn rest(&self) -> &'a [u8] {
        &self.bytes()[self.pos..]
    }

    /// Steps over `n` bytes: the caller knows the `n` bytes at `rest()` to
    /// be one whole value ending in an ASCII byte (`}`), so the reader
    /// still stops only after ASCII bytes.
    pub(crate) fn step_over(&mut self, n: usize) {
        self.pos += n;
        debug_assert!(self.text.is_char_boundary(self.pos));
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// An error at the current position: the end, or not JSON.
    #[cold]
    pub fn error(&self, what: impl Into<String>) -> Box<ReadError> {
        let kind = if self.pos >= self.text.len() {
            ReadKind::Eof
        } else {
            ReadKind::Syntax
        };
        self.error_of(kind, what)
    }

    /// JSON, but not what was asked for, at the current position.
    #[cold]
    pub fn shape(&self, what: impl Into<String>) -> Box<ReadError> {
        self.error_of(ReadKind::Shape, what)
    }

    /// The end came first: the error is at the end.
    #[cold]
    fn early_end(&mut self, what: &str) -> Box<ReadError> {
        self.pos = self.text.len();
        self.error(what)
    }

    /// Whether a JSON value (of a kind not asked for) comes next.
    fn value_ahead(&mut self) -> bool {
        self.peek();
        let rest = &self.bytes()[self.pos..];
        match rest.first() {
            Some(b'"' | b'{' | b'[' | b'-' | b'0'..=b'9') => true,
            Some(_) => ["null", "true", "false"]
                .iter()
                .any(|w| rest.starts_with(w.as_bytes())),
            None => false,
        }
    }

    fn error_of(&self, kind: ReadKind, what: impl Into<String>) -> Box<ReadError> {
        let before = &self.bytes()[..self.pos.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        Box::new(ReadError {
            kind,
            what: what.into(),
            line,
            column,
        })
    }

    /// The next byte that is not white space (not consumed).
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes().get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `want` (after white space) or fails.
    #[inline]
    pub fn expect(&mut self, want: u8) -> Read<()> {
        if self.peek() == Some(want) {
            self.pos += 1;
            return Ok(());
        }
        Err(self.unexpected(want))
    }

    #[cold]
    fn unexpected(&mut self, want: u8) -> Box<ReadError> {
        match self.peek() {
            Some(b) if matches!(want, b'{' | b'[') && self.value_ahead() => {
                let what = if want == b'{' { "an object" } else { "a list" };
                self.shape(format!("expected {what}, found {}", kind_of(b)))
            }
            Some(b) => self.error(format!(
                "expected `{}`, found `{}`",
                want as char, b as char
            )),
            None => self.error(format!("expected `{}`, found the end", want as char)),
        }
    }

    /// The end of the text, past white space, or fails.
    pub fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// Consumes `null` if it comes next.
    #[inline]
    pub fn null(&mut self) -> Read<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.word("null")?;
        Ok(true)
    }

    fn word(&mut self, word: &str) -> Read<()> {
        let rest = &self.bytes()[self.pos..];
        if rest.starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else if word.as_bytes().starts_with(rest) {
            Err(self.early_end("expected a value"))
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// Steps into an object or an array (`open` is `{` or `[`); then call
    /// `next` until it says the end was reached.
    pub fn open(&mut self, open: u8) -> Read<Seq> {
        self.expect(open)?;
        Ok(Seq {
            close: if open == b'{' { b'}' } else { b']' },
            first: true,
        })
    }

    /// Whether another element (or key) of `seq` comes: consumes the comma
    /// before it, or the closing bracket after the last.
    #[inline]
    pub fn next(&mut self, seq: &mut Seq) -> Read<bool> {
        let b = self.peek();
        if b == Some(seq.close) {
            self.pos += 1;
            return Ok(false);
        }
        if seq.first {
            seq.first = false;
            return match b {
                Some(_) => Ok(true),
                None => Err(self.error("unexpected end")),
            };
        }
        self.expect(b',')?;
        Ok(true)
    }

    /// The next key of an object (after `next` said one comes) and its colon.
    #[inline]
    pub fn key(&mut self) -> Read<Cow<'a, str>> {
        let k = self.string()?;
        self.expect(b':')?;
        Ok(k)
    }

    /// A string, borrowed from the text unless it holds escapes.
    #[inline]
    pub fn string(&mut self) -> Read<Cow<'a, str>> {
        let (start, closed) = self.scan_string()?;
        if closed {
            return Ok(Cow::Borrowed(&self.text[start..self.pos - 1]));
        }
        // An escape is never shorter than what it stands for: the bytes up
        // to the closing quote are room enough (a guess; it is looked for
        // only as far as the next quote).
        let room = memchr::memchr(b'"', &self.bytes()[self.pos..]).unwrap_or(0);
        let mut out = String::with_capacity(self.pos - start + room);
        out.push_str(&self.text[start..self.pos]);
        self.unescape(&mut out)?;
        Ok(Cow::Owned(out))
    }

    /// A string, its text (unescaped) appended to `out`: no allocation of
    /// its own even when it holds escapes.
    #[inline]
    pub fn string_into(&mut self, out: &mut String) -> Read<()> {
        let (start, closed) = self.scan_string()?;
        if closed {
            out.push_str(&self.text[start..self.pos - 1]);
            return Ok(());
        }
        out.push_str(&self.text[start..self.pos]);
        self.unescape(out)
    }

    /// Steps into a string and up to its first quote or backslash: where
    /// its text starts, and whether the quote closed it (then consumed).
    /// Always inlined: as a call it cost a tenth of the decode (callgrind).
    #[inline(always)]
    fn scan_string(&mut self) -> Read<(usize, bool)> {
        if self.peek() != Some(b'"') {
            return Err(self.not_a_string());
        }
        self.pos += 1;
        let start = self.pos;
        let rest = &self.bytes()[start..];
        let Some(stop) = quote_or_backslash(rest) else {
            return Err(self.early_end("unterminated string"));
        };
        self.pos = start + stop;
        let closed = rest[stop] == b'"';
        self.pos += usize::from(closed);
        Ok((start, closed))
    }

    #[cold]
    fn not_a_string(&mut self) -> Box<ReadError> {
        match self.peek() {
            Some(b) if self.value_ahead() => {
                self.shape(format!("expected a string, found {}", kind_of(b)))
            }
            _ => self.error("expected a string"),
        }
    }

    /// The rest of a string from a backslash, unescaped and appended to
    /// `out`, up to and with its closing quote.
    fn unescape(&mut self, out: &mut String) -> Read<()> {
        loop {
            // At a backslash.
            self.pos += 1;
            let Some(&e) = self.bytes().get(self.pos) else {
                return Err(self.early_end("unterminated string"));
            };
            self.pos += 1;
            match e {
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'/' => out.push('/'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => out.push(self.unicode_escape()?),
                _ => return Err(self.error("invalid escape")),
            }
            let from = self.pos;
            let Some(stop) = quote_or_backslash(&self.bytes()[from..]) else {
                return Err(self.early_end("unterminated string"));
            };
            self.pos = from + stop;
            out.push_str(&self.text[from..self.pos]);
            if self.bytes()[self.pos] == b'"' {
                self.pos += 1;
                return Ok(());
            }
        }
    }

    /// The character of `\uXXXX` (past the `u`), a surrogate pair read whole.
    fn unicode_escape(&mut self) -> Read<char> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.bytes()[self.pos..].starts_with(b"\\u") {
                return Err(self.error("lone leading surrogate in hex escape"));
            }
            self.pos += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error("invalid trailing surrogate in hex escape"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Read<u32> {
        let Some(digits) = self.bytes().get(self.pos..self.pos + 4) else {
            return Err(self.early_end("unterminated hex escape"));
        };
        let mut n = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid hex escape"))?;
            n = n * 16 + v;
        }
        self.pos += 4;
        Ok(n)
    }

    /// Skips one value of any kind.
    pub fn skip(&mut self) -> Read<()> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Read<()> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deep"));
        }
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(open @ (b'{' | b'[')) => {
                let mut seq = self.open(open)?;
                while self.next(&mut seq)? {
                    if open == b'{' {
                        self.key()?;
                    }
                    self.skip_nested(depth + 1)?;
                }
                Ok(())
            }
            Some(b't') => self.word("true"),
            Some(b'f') => self.word("false"),
            Some(b'n') => self.word("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("expected a value, found the end")),
        }
    }

    /// A number, checked against JSON's grammar but not converted.
    fn number(&mut self) -> Read<()> {
        let b = self.bytes();
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        if b.get(i) == Some(&b'0') {
            i += 1;
        } else if !digits(&mut i) {
            return Err(self.error("invalid number"));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                return Err(self.error("invalid number"));
            }
        }
        self.pos = i;
        Ok(())
    }
}

/// What kind of JSON value starts with `b`, in words.
fn kind_of(b: u8) -> &'static str {
    match b {
        b'{' => "an object",
        b'[' => "a list",
        b'"' => "a string",
        b't' | b'f' => "true or false",
        b'n' => "null",
        _ => "a number",
    }
}

/// An open object or array (see `Reader::open`).
#[derive(Debug)]
pub struct Seq {
    close: u8,
    first: bool,
}

#[cfg(test)]
#[path = "json_read_tests.rs"]
mod tests;
