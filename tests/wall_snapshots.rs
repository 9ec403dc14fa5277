//! The wall board (`oncall wall`) at 80x24, 160x48 and 300x80, green,
//! amber, red and stale, drawn with TestBackend from states built through
//! `update`; and the banner in the theme's colours.

mod common;

use common::screen::{render, screen};
use common::wall::{amber, green, red, stale};
use oncall::core::State;
use oncall::ui::theme::Theme;
use oncall::ui::views::wall::{banner_style, layout};
use ratatui::layout::Rect;

macro_rules! snap {
    ($name:ident, $state:expr, $w:expr, $h:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(screen(&$state, $w, $h));
        }
    };
}

snap!(wall_green_80x24, green(), 80, 24);
snap!(wall_green_160x48, green(), 160, 48);
snap!(wall_green_300x80, green(), 300, 80);
snap!(wall_amber_80x24, amber(), 80, 24);
snap!(wall_amber_160x48, amber(), 160, 48);
snap!(wall_amber_300x80, amber(), 300, 80);
snap!(wall_red_80x24, red(), 80, 24);
snap!(wall_red_160x48, red(), 160, 48);
snap!(wall_red_300x80, red(), 300, 80);
snap!(wall_stale_80x24, stale(), 80, 24);
snap!(wall_stale_160x48, stale(), 160, 48);
snap!(wall_stale_300x80, stale(), 300, 80);

/// The banner's background at (w, h) of a board.
fn banner_bg(st: &State, w: u16, h: u16) -> Option<ratatui::style::Color> {
    let buf = render(st, w, h);
    let banner = layout(Rect::new(0, 0, w, h)).banner;
    buf[(banner.x, banner.y)].style().bg
}

#[test]
fn the_banner_is_painted_in_the_themes_colour_of_the_level() {
    let theme = Theme::dark();
    for (w, h) in [(80, 24), (160, 48), (300, 80)] {
        assert_eq!(
            banner_bg(&green(), w, h),
            banner_style(theme.ok).bg,
            "green {w}x{h}"
        );
        assert_eq!(
            banner_bg(&amber(), w, h),
            banner_style(theme.warning).bg,
            "amber {w}x{h}"
        );
        assert_eq!(
            banner_bg(&red(), w, h),
            banner_style(theme.critical).bg,
            "red {w}x{h}"
        );
        assert_eq!(
            banner_bg(&stale(), w, h),
            banner_style(theme.stale).bg,
            "stale {w}x{h}"
        );
    }
    // Four different colours: the board never looks green when it is not.
    let colours =
        [theme.ok, theme.warning, theme.critical, theme.stale].map(|s| banner_style(s).bg);
    for (i, a) in colours.iter().enumerate() {
        assert!(a.is_some());
        assert!(colours[i + 1..].iter().all(|b| b != a), "{colours:?}");
    }
}

#[test]
fn larger_screens_get_larger_numerals_and_more_rows() {
    // The height of the CRITICAL tile's numeral: rows holding a block.
    let numeral_rows = |w: u16, h: u16| {
        let buf = render(&red(), w, h);
        let tiles = layout(Rect::new(0, 0, w, h)).tiles;
        (tiles.y..tiles.bottom())
            .filter(|&y| (0..w / 5).any(|x| buf[(x, y)].symbol() == "█"))
            .count()
    };
    let (small, large) = (numeral_rows(80, 24), numeral_rows(300, 80));
    assert_eq!(small, 5, "the 3x5 font at 80x24");
    assert!(large >= 3 * small, "80x24: {small} rows, 300x80: {large}");
    let rows = |w, h| oncall::ui::views::wall::page_rows(Rect::new(0, 0, w, h));
    assert!(
        rows(300, 80) > 3 * rows(80, 24),
        "{} vs {}",
        rows(300, 80),
        rows(80, 24)
    );
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    for st in [green(), amber(), red(), stale()] {
        for (w, h) in [
            (1, 1),
            (10, 3),
            (30, 8),
            (40, 12),
            (79, 19),
            (139, 60),
            (500, 150),
        ] {
            let _ = screen(&st, w, h);
        }
    }
}
