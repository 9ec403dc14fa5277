//! The message history: newest first, each with its UTC time and level,
//! wrapped in full (the status line may have cut it).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::core::{State, StatusLevel};
use crate::draw::text::{seg, wrap_lines, Doc};
use crate::draw::theme::Theme;

/// Time, level and a space: where a message's text starts.
const LEAD: usize = 16;

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    doc(state, theme, area.width).render(buf, area, state.scroll);
}

pub fn doc(state: &State, theme: &Theme, width: u16) -> Doc {
    let mut doc = Doc::new(width);
    let n = state.messages.list.len();
    doc.line(vec![
        seg(format!(" Messages ({n})"), theme.title),
        seg("  newest first · Esc closes · j/k scroll", theme.dim),
    ]);
    if n == 0 {
        doc.line(vec![seg(" nothing said yet", theme.dim)]);
    }
    let text_w = (width as usize).saturating_sub(LEAD).max(8);
    for m in state.messages.newest_first() {
        let (word, style) = match m.level {
            StatusLevel::Info => ("info ", theme.dim),
            StatusLevel::Warn => ("WARN ", theme.warning),
            StatusLevel::Error => ("ERROR", theme.error_text),
        };
        // Messages carry outside text (source errors, runbook names):
        // `wrap_lines` sanitizes every line of it.
        for (i, part) in wrap_lines(&m.text, text_w).into_iter().enumerate() {
            let lead = if i == 0 {
                vec![
                    seg(format!(" {} ", m.at.format("%H:%M:%S")), theme.dim),
                    seg(word, style),
                    seg(" ", theme.text),
                ]
            } else {
                vec![seg(" ".repeat(LEAD), theme.text)]
            };
            let mut line = lead;
            line.push(seg(
                part,
                if i == 0 {
                    style.patch(theme.text)
                } else {
                    theme.text
                },
            ));
            doc.line(line);
        }
    }
    doc
}
