//! The wall board (`oncall wall`) at 80x24, 160x48 and 300x80, green,
//! amber, red, degraded (a member down, its cluster answering) and stale,
//! drawn with TestBackend from states built through
//! `update`; and the banner in the theme's colours.

use crate::common;

use common::screen::{render, screen};
use common::wall::{amber, degraded, green, red, stale};
use oncall::core::panes::wall::banner::banner_style;
use oncall::core::panes::wall::view::layout;
use oncall::core::State;
use oncall::draw::theme::Theme;
use ratatui::layout::Rect;

#[test]
fn every_board_at_every_size() {
    for (name, st) in [
        ("green", green()),
        ("amber", amber()),
        ("red", red()),
        ("degraded", degraded()),
        ("stale", stale()),
    ] {
        for (w, h) in [(80, 24), (160, 48), (300, 80)] {
            insta::assert_snapshot!(format!("wall_{name}_{w}x{h}"), screen(&st, w, h));
        }
    }
}

/// The banner's background at (w, h) of a board.
fn banner_bg(st: &State, w: u16, h: u16) -> Option<ratatui::style::Color> {
    let buf = render(st, w, h);
    let banner = layout(Rect::new(0, 0, w, h)).banner;
    buf[(banner.x, banner.y)].style().bg
}

#[test]
fn the_banner_is_painted_in_the_themes_colour_of_the_level() {
    let theme = Theme::dark();
    let boards = [
        ("green", green(), theme.ok),
        ("amber", amber(), theme.warning),
        ("red", red(), theme.critical),
        ("degraded", degraded(), theme.critical),
        ("stale", stale(), theme.stale),
    ];
    for (w, h) in [(80, 24), (160, 48), (300, 80)] {
        for (name, st, style) in &boards {
            let want = banner_style(*style).bg;
            assert_eq!(banner_bg(st, w, h), want, "{name} {w}x{h}");
        }
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
    let rows = |w, h| oncall::core::panes::wall::view::page_rows(Rect::new(0, 0, w, h));
    assert!(
        rows(300, 80) > 3 * rows(80, 24),
        "{} vs {}",
        rows(300, 80),
        rows(80, 24)
    );
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    for st in [green(), amber(), red(), degraded(), stale()] {
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

#[test]
fn slo_tiles_show_each_budget_and_what_burns() {
    use common::slos::{feed_checkout, read, slos, D7, H1, M5};
    use oncall::core::slo::{SloSource, SloState};
    let mut st = common::wall::red();
    st.slo = SloState::new(slos(), SloSource::Prometheus("prom".into()));
    feed_checkout(&mut st);
    read(&mut st, 1, D7, Ok(0.985));
    read(&mut st, 1, H1, Ok(0.995));
    read(&mut st, 1, M5, Ok(0.97));
    let text = screen(&st, 160, 48);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"))
            .to_string()
    };
    assert!(text.contains("SLO ERROR BUDGETS"), "{text}");
    // checkout: half its budget, 1h/5m over 14.4×; search-latency over-spent,
    // its one burn alert (2×) not held by the 1h window; broken never read.
    let c = line("checkout");
    assert!(
        c.contains("50% budget left") && c.contains("BURNING"),
        "{c}"
    );
    let s = line("search-latency");
    assert!(
        s.contains("-50% budget left") && !s.contains("BURNING"),
        "{s}"
    );
    assert!(line("broken").contains("no data"), "{text}");
}

#[test]
fn escalations_that_do_not_fit_are_counted_not_dropped() {
    // Three escalations: as the board grows from 24 lines, the section
    // shows one row and `+2 more`, then rows and how many more, then all three.
    let st = red();
    let mut counted = false;
    for h in 24..48 {
        let text = screen(&st, 120, h);
        let rows = ["L2 in 03:00", "held: acked by bob", "last level reached"]
            .iter()
            .filter(|r| text.contains(*r))
            .count();
        let more = (1..=3).find(|n| text.contains(&format!(" +{n} more")));
        assert!(
            // One row shown says `+2 more` too (at the end of its title).
            rows == 3 || more == Some(3 - rows),
            "{h} lines: {rows} rows shown, {more:?} more:\n{text}"
        );
        counted |= more.is_some();
        if h == 47 {
            assert_eq!(rows, 3, "{text}");
        }
    }
    assert!(counted, "no height between 24 and 47 lines cut the list");
}

#[test]
fn a_long_incident_title_ends_in_an_ellipsis_at_the_edge() {
    let mut st = red();
    st.incidents[0].title = "Fraud scoring down in every region, model servers restarting".into();
    let text = screen(&st, 80, 24);
    let line = text
        .lines()
        .find(|l| l.contains("INC-20261122-001"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.trim_end().ends_with('…'), "{line}");
}

#[test]
fn slo_tiles_that_do_not_fit_are_counted_not_dropped() {
    use common::slos::{feed_all, slos};
    use oncall::core::slo::{SloSource, SloState};
    let mut st = common::wall::red();
    st.slo = SloState::new(slos(), SloSource::Prometheus("prom".into()));
    feed_all(&mut st);
    let names: Vec<String> = slos().iter().map(|s| s.name.clone()).collect();
    let n = names.len();
    let mut counted = false;
    for h in 24..60 {
        let text = screen(&st, 120, h);
        let Some(at) = text.find("SLO ERROR BUDGETS") else {
            continue;
        };
        let section = &text[at..];
        let rows = names
            .iter()
            .filter(|name| section.contains(name.as_str()))
            .count();
        let more = (1..=n).find(|k| section.contains(&format!("+{k} more")));
        assert!(
            rows == n || more == Some(n - rows),
            "{h} lines: {rows} of {n}, {more:?}:\n{text}"
        );
        counted |= more.is_some();
    }
    assert!(counted, "no height cut the SLO tiles");
}

/// Both members refused from the start, with an escalation policy: no
/// section says "nothing firing" or "nothing escalating" about data it never
/// had.
fn blind_from_start() -> State {
    let mut st = blind_with(&["am1", "am2"]);
    st.policies = common::wall::red().policies;
    st
}

/// Every one of `hosts` refused from the start.
fn blind_with(hosts: &[&str]) -> State {
    use oncall::core::panes::wall::{enter, WallSettings};
    use oncall::core::{update, Msg};
    use oncall::source::{SourceError, SourceKind};
    let specs: Vec<_> = hosts
        .iter()
        .map(|host| {
            common::spec(
                host,
                SourceKind::Alertmanager,
                &format!("http://{host}:9093"),
                Some("eu"),
            )
        })
        .collect();
    let mut st = State::new(
        &specs,
        common::wall::now(),
        std::time::Duration::from_secs(10),
    );
    enter(&mut st, &WallSettings::default());
    for source in 0..hosts.len() {
        update(
            &mut st,
            Msg::Polled {
                source,
                at: common::wall::now(),
                result: Err(SourceError::Connect("connection refused".into())),
            },
        );
    }
    st
}

#[test]
fn a_wall_started_blind_says_it_has_no_data_not_that_nothing_fires() {
    let st = blind_from_start();
    for (w, h) in [(80, 24), (160, 48)] {
        let text = screen(&st, w, h);
        assert!(!text.contains("nothing firing"), "{text}");
        assert!(!text.contains("nothing escalating"), "{text}");
        assert!(!text.contains("no unacknowledged critical"), "{text}");
        assert!(text.contains("no data: no source has answered"), "{text}");
    }
    insta::assert_snapshot!("wall_blind_from_start_80x24", screen(&st, 80, 24));
}

/// Eight sources silent: the banner names as many as fit at 80 columns and
/// counts the rest, in the same word ("silent", not "stale": none answered).
#[test]
fn eight_silent_sources_are_named_as_far_as_they_fit_and_the_rest_counted() {
    let hosts: Vec<String> = (1..=8).map(|i| format!("am-eu-{i}.example")).collect();
    let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let st = blind_with(&hosts);
    let text = screen(&st, 80, 24);
    let banner = text.lines().nth(2).unwrap_or_default();
    assert!(banner.contains("8 of 8 silent: am-eu-1.example"), "{text}");
    assert!(banner.contains(" more"), "{text}");
    assert!(!text.contains("stale"), "{text}");
    let wide = screen(&st, 300, 80);
    assert!(
        wide.contains("am-eu-8.example") && !wide.contains(" more"),
        "{wide}"
    );
}
