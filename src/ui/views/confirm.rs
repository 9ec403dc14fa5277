//! A yes/no question in a box over the screen, before a write goes out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

use crate::core::{Effect, State};
use crate::draw::text::{put_segs, seg, wrap};
use crate::draw::theme::Theme;

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(c) = &state.confirm else { return };
    if area.width < 4 || area.height < 3 {
        return;
    }
    let w = area.width.saturating_sub(4).clamp(4, 76);
    let inner_w = w.saturating_sub(4) as usize;
    let mut lines: Vec<String> = Vec::new();
    for l in &c.lines {
        lines.extend(wrap(&crate::sanitize::line(l), inner_w.max(1)));
    }
    // Too tall for the screen: it scrolls (j/k), and says what is out of
    // sight, so nothing of what will run is hidden without a word.
    let room = area.height.saturating_sub(4) as usize;
    if lines.len() > room && room >= 2 {
        let shown = room - 1;
        let from = state.confirm_scroll.min(lines.len() - shown);
        let (above, below) = (from, lines.len() - from - shown);
        lines = lines.split_off(from);
        lines.truncate(shown);
        lines.push(format!(
            "── {above} lines above, {below} below · j/k scroll"
        ));
    }
    let h = (lines.len() as u16 + 4).min(area.height);
    let x = area.x + (area.width - w) / 2;
    let y = area.y + (area.height - h) / 2;
    let rect = Rect::new(x, y, w, h);
    Clear.render(rect, buf);
    Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .render(rect, buf);
    let inner = Rect::new(x + 2, y + 1, w.saturating_sub(4), h.saturating_sub(2));
    put_segs(buf, inner, inner.y, &[seg(c.title.clone(), theme.title)]);
    for (i, l) in lines.iter().enumerate() {
        let row = inner.y + 1 + i as u16;
        if row + 1 >= inner.bottom() {
            break;
        }
        put_segs(buf, inner, row, &[seg(l.clone(), theme.text)]);
    }
    let mut keys = vec![
        seg("y", theme.key),
        seg(yes_word(&c.yes), theme.text),
        seg("n", theme.key),
    ];
    if c.no.is_some() {
        // `n` is an answer of its own here; Esc is the way out.
        keys.extend([
            seg(" no   ", theme.text),
            seg("Esc", theme.key),
            seg(" cancel", theme.text),
        ]);
    } else {
        keys.extend([
            seg("/", theme.dim),
            seg("Esc", theme.key),
            seg(" no", theme.text),
        ]);
    }
    put_segs(buf, inner, inner.bottom().saturating_sub(1), &keys);
}

/// Says what `y` does: sends a write, runs a command, or records.
fn yes_word(yes: &[Effect]) -> &'static str {
    if yes.iter().any(|e| matches!(e, Effect::Step(_))) {
        " yes, run it   "
    } else if yes.iter().any(|e| matches!(e, Effect::Write(_))) {
        " yes, send it   "
    } else {
        " yes   "
    }
}
