//! Drawing a state into a `TestBackend` and reading the screen back as
//! text, for snapshot tests.

use oncall::core::keymap::Keymap;
use oncall::core::State;
use oncall::draw::theme::Theme;
use oncall::ui::views::draw;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

pub fn render(st: &State, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::dark();
    let keymap = Keymap::default();
    term.draw(|f| draw(f, st, &theme, &keymap)).unwrap();
    term.backend().buffer().clone()
}

/// The screen as text: one line per row, wide characters once, trailing
/// blanks trimmed (the snapshot ignores colors).
pub fn text(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    let mut out = String::new();
    for row in buf.content.chunks(w.max(1)) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(cell.symbol());
            skip = UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(st: &State, w: u16, h: u16) -> String {
    text(&render(st, w, h))
}

/// Draws `st` at every size from 0x0 to 42x18, and 80 and 200 wide: no
/// panic, and no control or bidi character in any cell.
pub fn sweep(st: &State) {
    for w in (0..=42).chain([80, 81, 200]) {
        for h in 0..=18 {
            let buf = render(st, w, h);
            let bad = buf.content.iter().find(|c| {
                c.symbol()
                    .chars()
                    .any(|ch| ch.is_control() || oncall::sanitize::is_format_control(ch))
            });
            assert!(bad.is_none(), "unsafe cell {bad:?} at {w}x{h}");
        }
    }
}
