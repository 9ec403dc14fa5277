//! Drawing helpers shared by the views. Every string goes through
//! `sanitize` here, so a view cannot forget to, and every write is clipped
//! to its area, so no size can make a view panic.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

use crate::model::Severity;
use crate::sanitize;

/// A run of text in one style.
pub type Seg = (String, Style);

pub fn seg(text: impl Into<String>, style: Style) -> Seg {
    (text.into(), style)
}

/// Writes `text` (sanitized) at (x, y), clipped to `area`. Returns the next x.
pub fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, text: &str, style: Style) -> u16 {
    let area = area.intersection(buf.area);
    if y < area.top() || y >= area.bottom() || x < area.left() || x >= area.right() {
        return x;
    }
    let clean = sanitize::line(text);
    let max = (area.right() - x) as usize;
    buf.set_stringn(x, y, clean.as_ref(), max, style).0
}

/// Writes segments one after another on row `y` of `area`.
pub fn put_segs(buf: &mut Buffer, area: Rect, y: u16, segs: &[Seg]) -> u16 {
    let mut x = area.x;
    for (text, style) in segs {
        x = put(buf, area, x, y, text, *style);
    }
    x
}

/// Writes `text` so it ends at the right edge of `area` on row `y`.
pub fn put_right(buf: &mut Buffer, area: Rect, y: u16, text: &str, style: Style) {
    let w = sanitize::width(&sanitize::line(text)) as u16;
    let x = area.right().saturating_sub(w).max(area.x);
    put(buf, area, x, y, text, style);
}

/// A pane's first row: its title, then the key hint in what room is left.
pub fn title_row(
    buf: &mut Buffer,
    area: Rect,
    title: &str,
    hint: &str,
    title_style: Style,
    hint_style: Style,
) {
    let room = (area.width as usize).saturating_sub(sanitize::width(title));
    put_segs(
        buf,
        area,
        area.y,
        &[
            seg(title, title_style),
            seg(sanitize::fit(&format!("  {hint}"), room), hint_style),
        ],
    );
}

/// Paints a whole row with a style (for bars and the cursor row).
pub fn fill_row(buf: &mut Buffer, area: Rect, y: u16, style: Style) {
    if y >= area.top() && y < area.bottom() {
        buf.set_style(Rect::new(area.x, y, area.width, 1), style);
    }
}

/// Total display width of segments, as they will be drawn.
pub fn segs_width(segs: &[Seg]) -> usize {
    segs.iter()
        .map(|(t, _)| sanitize::width(&sanitize::line(t)))
        .sum()
}

/// Word-wraps one line of (already sanitized) text to `width` columns;
/// words longer than a line are cut by character.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in text.split(' ') {
        let ww = sanitize::width(word);
        if cur_w > 0 && cur_w + 1 + ww <= width {
            cur.push(' ');
            cur.push_str(word);
            cur_w += 1 + ww;
            continue;
        }
        if cur_w > 0 || !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        for c in word.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if cur_w + cw > width && cur_w > 0 {
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    out.push(cur);
    out
}

/// Sanitizes multi-line outside text and wraps every line of it.
pub fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    sanitize::lines(text)
        .iter()
        .flat_map(|l| wrap(l, width))
        .collect()
}

/// A scrollable document of styled lines (detail and help views).
pub struct Doc {
    pub width: usize,
    pub lines: Vec<Vec<Seg>>,
}

impl Doc {
    pub fn new(width: u16) -> Doc {
        Doc {
            width: width as usize,
            lines: Vec::new(),
        }
    }

    pub fn line(&mut self, segs: Vec<Seg>) {
        self.lines.push(segs);
    }

    pub fn blank(&mut self) {
        self.lines.push(Vec::new());
    }

    /// `label` in a column of `label_w`, then `value` wrapped with a hanging
    /// indent; every source line of a multi-line value is sanitized alone.
    pub fn field(
        &mut self,
        label: &str,
        label_w: usize,
        label_style: Style,
        value: &str,
        style: Style,
    ) {
        // Too narrow for a label column: the label gets its own line.
        let (label, label_w) = if label_w * 3 > self.width && label_w > 2 {
            if !label.trim().is_empty() {
                self.lines.push(vec![seg(label.to_string(), label_style)]);
            }
            ("", 2)
        } else {
            (label, label_w)
        };
        let text_w = self.width.saturating_sub(label_w).max(8);
        let mut first = true;
        for src_line in sanitize::lines(value) {
            for part in wrap(&src_line, text_w) {
                let lead = if first {
                    sanitize::pad(label, label_w)
                } else {
                    " ".repeat(label_w)
                };
                first = false;
                self.lines
                    .push(vec![seg(lead, label_style), seg(part, style)]);
            }
        }
        if first {
            self.lines
                .push(vec![seg(sanitize::pad(label, label_w), label_style)]);
        }
    }

    /// Draws the lines from `scroll` (clamped so the end stays on screen).
    pub fn render(&self, buf: &mut Buffer, area: Rect, scroll: u16) {
        let h = area.height as usize;
        let max_scroll = self.lines.len().saturating_sub(h);
        let start = (scroll as usize).min(max_scroll);
        for (i, segs) in self.lines.iter().skip(start).take(h).enumerate() {
            put_segs(buf, area, area.y + i as u16, segs);
        }
    }
}

/// The short tag that makes severity readable without color.
pub fn severity_tag(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRIT",
        Severity::Error => "ERR",
        Severity::Warning => "WARN",
        Severity::Info => "INFO",
        Severity::None => "—",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(
            wrap("the quick brown fox", 10),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(
            wrap("日本語テキスト", 5),
            vec!["日本", "語テ", "キス", "ト"]
        );
    }

    #[test]
    fn put_never_panics_outside_the_area() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        let area = Rect::new(0, 0, 10, 10);
        put(&mut buf, area, 2, 0, "日本", Style::new());
        put(&mut buf, area, 5, 5, "x", Style::new());
        put_right(&mut buf, Rect::new(0, 0, 0, 0), 0, "abc", Style::new());
    }
}
