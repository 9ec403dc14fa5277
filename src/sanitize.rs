//! The one sanitizer every outside string passes before it reaches the
//! terminal. Alertmanager stores annotations verbatim, so an alert can carry
//! escape sequences (clear screen, OSC 52 clipboard writes, title changes) or
//! bidi overrides that make text read differently than it is.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

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

/// Characters that change the width of the character before them: the
/// zero-width joiner (emoji sequences), variation selectors (text/emoji
/// presentation), skin-tone modifiers and tag characters. unicode-width,
/// ratatui's grapheme cells and each terminal disagree about such sequences,
/// so columns would shift; without them every character has one width.
fn is_width_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{200D}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format_control(c) || is_width_modifier(c)
}

/// One line of safe text: controls dropped, newlines shown as `⏎`, tabs as
/// a space. Escape sequences (CSI `ESC [ … m`, OSC `ESC ] … BEL`, and the
/// like) go whole, so colored command output reads as plain text instead of
/// leaving `[31m` behind.
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
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_osc(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: a CSI or OSC sequence, or ESC and one character.
fn skip_escape(chars: &mut Chars) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | '_' | '^') => {
            chars.next();
            skip_osc(chars);
        }
        Some(c) if ('\u{20}'..='\u{7e}').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates, up to the final byte (`@`..`~`).
fn skip_csi(chars: &mut Chars) {
    for (n, c) in chars.by_ref().enumerate() {
        // A sequence this long is not one: stop eating text.
        if ('\u{40}'..='\u{7e}').contains(&c) || !('\u{20}'..='\u{3f}').contains(&c) || n > 32 {
            return;
        }
    }
}

/// A string sequence, up to BEL or ST (`ESC \`), at most 4 KiB of it.
fn skip_osc(chars: &mut Chars) {
    let mut n = 0;
    while let Some(c) = chars.next() {
        n += 1;
        if c == '\u{7}' || c == '\u{9c}' || n > 4096 {
            return;
        }
        if c == '\u{1b}' {
            if chars.peek() == Some(&'\\') {
                chars.next();
            }
            return;
        }
    }
}

/// Safe multi-line text for detail views: like `line` but keeps line breaks.
pub fn lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|l| line(l.trim_end_matches('\r')).into_owned())
        .collect()
}

/// Display width in terminal columns: the sum of each character's width, as
/// `fit` cuts and ratatui lays out cells (not unicode-width's string width,
/// which counts some pairs, like Arabic lam-alef, as one column).
pub fn width(s: &str) -> usize {
    // Printable ASCII is one column a byte; the rows measure every alert
    // at every merge. Checked 16 bytes at a time without stopping early,
    // so the compiler can use vector instructions.
    let printable = s.as_bytes().chunks(16).all(|chunk| {
        chunk
            .iter()
            .fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5f))
    });
    if printable {
        return s.len();
    }
    s.chars()
        .map(|c| UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
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

/// Sanitizes and cuts to at most `max` columns by taking out the middle
/// (`…`): the start says what a message is about, the end often says
/// why (`down: cannot…connection refused`).
pub fn fit_middle(s: &str, max: usize) -> String {
    let clean = line(s);
    if width(&clean) <= max {
        return clean.into_owned();
    }
    if max < 8 {
        return fit(&clean, max);
    }
    let head_w = (max - 1) * 3 / 5;
    let tail_w = max - 1 - head_w;
    let head = fit(&clean, head_w + 1);
    let mut head = head.trim_end_matches('…');
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in clean.chars().rev() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > tail_w {
            break;
        }
        tail.push(c);
        used += w;
    }
    let tail: String = tail.into_iter().rev().collect();
    let mut tail = tail.as_str();
    // Cut between words where a word boundary is near (`(ml) … refused`,
    // not `(m…fused`): a cut word reads as a different one.
    let mut gap = ("", "");
    let space = |c: Option<char>| c.is_some_and(char::is_whitespace);
    let after_head = clean.get(head.len()..).and_then(|r| r.chars().next());
    if space(after_head) || head.ends_with(' ') {
        head = head.trim_end();
        gap.0 = " ";
    } else if let Some(i) = head.rfind(' ') {
        if width(&head[..i]) >= head_w * 2 / 3 {
            head = head[..i].trim_end();
            gap.0 = " ";
        }
    }
    let before_tail = clean
        .len()
        .checked_sub(tail.len())
        .and_then(|i| clean.get(..i));
    if space(before_tail.and_then(|b| b.chars().last())) || tail.starts_with(' ') {
        tail = tail.trim_start();
        gap.1 = " ";
    } else if let Some(i) = tail.find(' ') {
        if width(&tail[i..]) >= tail_w * 2 / 3 {
            tail = tail[i..].trim_start();
            gap.1 = " ";
        }
    }
    // A gap is only taken from room a trimmed word gave back.
    let spaced = format!("{head}{}…{}{tail}", gap.0, gap.1);
    if width(&spaced) <= max {
        return spaced;
    }
    let one_gap = format!("{head}{}…{tail}", gap.0);
    if width(&one_gap) <= max {
        return one_gap;
    }
    format!("{head}…{tail}")
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
        assert_eq!(clean, "okgnp.exe", "sequences go whole");
        assert_eq!(
            line("\u{1b}[1;31mred\u{1b}[0m \u{1b}]0;title\u{1b}\\x"),
            "red x"
        );
    }

    #[test]
    fn newlines_become_marks() {
        assert_eq!(line("a\r\nb\nc\td"), "a⏎b⏎c d");
    }

    /// Found by tests/units/hostile_input.rs: a variation selector made `#` two
    /// columns to unicode-width's string width but one to `fit`, so a cut
    /// text overflowed its column; lam-alef counted one column, drawn two.
    #[test]
    fn width_modifiers_go_and_widths_add_up() {
        assert_eq!(
            line("#\u{fe0f}\u{20e3} 👩\u{200d}🚒 👍🏽"),
            "#\u{20e3} 👩🚒 👍"
        );
        assert_eq!(width(&fit("'; rm -rf / #\u{fe0f}$(reboot)", 14)), 14);
        assert_eq!(width("\u{644}\u{622}"), 2);
    }

    #[test]
    fn fit_and_pad_count_wide_chars() {
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert_eq!(width(&pad("日本", 7)), 7);
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 0), "");
    }
}
