//! The one sanitizer every outside string passes before it reaches the
//! terminal. Alertmanager stores annotations verbatim, so an alert can carry
//! escape sequences (clear screen, OSC 52 clipboard writes, title changes) or
//! bidi overrides that make text read differently than it is.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Shown in place of a newline in one-line cells.
pub const NEWLINE_MARK: char = '⏎';

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Invisible characters that change how text reads or lays out: bidi
/// controls, zero-width spaces, line/paragraph separators, BOM.
pub fn is_format_control(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}' | '\u{2028}' | '\u{2029}' | '\u{2060}' | '\u{FEFF}'
        )
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format_control(c)
}

/// One line of safe text: controls dropped, newlines shown as `⏎`, tabs as a space.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push(NEWLINE_MARK),
            '\t' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Safe multi-line text for detail views: like `line` but keeps line breaks.
pub fn lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|l| line(l.trim_end_matches('\r')).into_owned())
        .collect()
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    // Printable ASCII is one column a byte; the list measures every row each frame.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// Sanitizes and cuts to at most `max` columns, ending with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    let clean = line(s);
    if width(&clean) <= max {
        return clean.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Sanitizes, cuts or pads to exactly `cols` columns (wide characters keep columns aligned).
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = fit(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_bidi() {
        let hostile = "ok\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}gnp.exe\u{9b}31m";
        let clean = line(hostile);
        assert!(
            !clean
                .chars()
                .any(|c| c.is_control() || is_format_control(c)),
            "{clean:?}"
        );
        assert_eq!(line("a\u{2028}b\u{200B}c\u{FEFF}"), "abc");
        assert!(clean.starts_with("ok[2J]52;c;ZXZpbA=="));
    }

    #[test]
    fn newlines_become_marks() {
        assert_eq!(line("a\r\nb\nc\td"), "a⏎b⏎c d");
    }

    #[test]
    fn fit_and_pad_count_wide_chars() {
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert_eq!(width(&pad("日本", 7)), 7);
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 0), "");
    }
}
