//! Block numerals for the wall board: a 3x5 font drawn with full blocks,
//! scaled to the room a tile has, so a count reads from across the room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::draw::text::put;

/// Each digit as 5 rows of 3 pixels.
const FONT: [[&str; 5]; 10] = [
    ["###", "# #", "# #", "# #", "###"],
    [" # ", "## ", " # ", " # ", "###"],
    ["###", "  #", "###", "#  ", "###"],
    ["###", "  #", "###", "  #", "###"],
    ["# #", "# #", "###", "  #", "  #"],
    ["###", "#  ", "###", "  #", "###"],
    ["###", "#  ", "###", "# #", "###"],
    ["###", "  #", "  #", "  #", "  #"],
    ["###", "# #", "###", "# #", "###"],
    ["###", "# #", "###", "  #", "###"],
];

/// A pixel at scale `s`: `s` columns by `(s + 1) / 2` rows (terminal
/// cells are about twice as tall as wide).
fn pixel(scale: u16) -> (u16, u16) {
    (scale, scale.div_ceil(2))
}

/// Columns and rows `text` takes at `scale` (a pixel's width between digits).
pub fn size(text: &str, scale: u16) -> (u16, u16) {
    let n = text.chars().count() as u16;
    let (pw, ph) = pixel(scale);
    (n * 3 * pw + n.saturating_sub(1) * pw, 5 * ph)
}

/// The largest scale (up to 8) at which every one of `texts` fits `w`x`h`;
/// 0 when even the smallest does not (then plain digits are drawn).
pub fn fitting_scale<'a>(texts: impl IntoIterator<Item = &'a str> + Clone, w: u16, h: u16) -> u16 {
    (1..=8u16)
        .rev()
        .find(|&s| {
            texts.clone().into_iter().all(|t| {
                let (tw, th) = size(t, s);
                tw <= w && th <= h
            })
        })
        .unwrap_or(0)
}

/// Draws `text` (digits only) at `scale`, centred in `area`.
pub fn draw(buf: &mut Buffer, area: Rect, text: &str, scale: u16, style: Style) {
    if scale == 0 {
        let x = area.x + area.width.saturating_sub(text.len() as u16) / 2;
        put(buf, area, x, area.y, text, style);
        return;
    }
    let (pw, ph) = pixel(scale);
    let (tw, th) = size(text, scale);
    let x0 = area.x + area.width.saturating_sub(tw) / 2;
    let y0 = area.y + area.height.saturating_sub(th) / 2;
    let block = "█".repeat(pw as usize);
    for (k, d) in text.chars().enumerate() {
        let Some(glyph) = d.to_digit(10).map(|d| FONT[d as usize]) else {
            continue;
        };
        let dx = x0 + k as u16 * 4 * pw;
        for (row, bits) in glyph.iter().enumerate() {
            for (col, bit) in bits.chars().enumerate() {
                if bit != '#' {
                    continue;
                }
                for r in 0..ph {
                    let y = y0 + row as u16 * ph + r;
                    put(buf, area, dx + col as u16 * pw, y, &block, style);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_fit_their_room() {
        assert_eq!(size("12", 1), (7, 5));
        assert_eq!(size("12", 2), (14, 5));
        assert_eq!(fitting_scale(["1000", "3"], 15, 5), 1);
        assert_eq!(fitting_scale(["12"], 14, 5), 2);
        assert_eq!(fitting_scale(["12"], 14, 4), 0);
        let mut buf = Buffer::empty(Rect::new(0, 0, 7, 5));
        let area = buf.area;
        draw(&mut buf, area, "10", 1, Style::new());
        let rows: Vec<String> = (0..5)
            .map(|y| (0..7).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(rows[0], " █  ███");
        assert_eq!(rows[1], "██  █ █");
        assert_eq!(rows[4], "███ ███");
    }
}
