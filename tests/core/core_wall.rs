//! The wall board's behaviour through `update`, with a fixed clock: every
//! mutating action is refused in the one place, other keys do nothing, the
//! pages turn, and a board that cannot trust its data is never green.

use crate::common;

use std::time::Duration;

use common::screen::screen;
use common::wall::{alert, amber, board, fail, green, now, red};
use oncall::core::panes::wall::board::{board as board_of, Level};
use oncall::core::panes::wall::view::page_rows;
use oncall::core::panes::wall::{enter, frame_key, WallSettings};
use oncall::core::{update, Action, Effect, Msg, Pane, State};
use oncall::model::Severity;
use oncall::source::SourceKind;
use ratatui::layout::Rect;

fn at(st: &mut State, secs: i64) {
    let t = now() + chrono::Duration::seconds(secs);
    update(st, Msg::Tick(t));
}

/// Member `source` answers again, with what it said before, `secs` from now.
fn answers(st: &mut State, source: usize, secs: i64) {
    let at = now() + chrono::Duration::seconds(secs);
    let snap = oncall::source::Snapshot {
        alerts: st.sources[source].alerts.clone(),
        silences: st.sources[source].silences.clone(),
        ..Default::default()
    };
    update(
        st,
        Msg::Polled {
            source,
            at,
            result: Ok(snap),
        },
    );
}

#[test]
fn every_mutating_action_is_refused_and_changes_nothing() {
    let mut st = red();
    let before = screen(&st, 120, 40);
    let mutating: Vec<Action> = Action::bindable()
        .chain([Action::RunStep])
        .filter(|a| a.is_mutating())
        .collect();
    assert!(mutating.len() >= 10, "{mutating:?}");
    for a in mutating {
        let effects = update(&mut st, Msg::Action(a));
        assert!(effects.is_empty(), "{a:?} asked for {effects:?}");
        assert!(
            st.form.is_none() && st.iform.is_none() && st.confirm.is_none(),
            "{a:?}"
        );
        assert!(st.input.is_none(), "{a:?} opened an input line");
        let said = st.status.as_ref().map(|s| s.1.clone()).unwrap_or_default();
        assert_eq!(
            said,
            format!("wall display (read-only): {} refused", a.name())
        );
    }
    assert_eq!(st.writes_in_flight, 0);
    // The board is the same but for the refusal at its foot.
    st.status = None;
    assert_eq!(screen(&st, 120, 40), before);
}

#[test]
fn keys_other_than_quit_help_and_pages_do_nothing() {
    let mut st = red();
    let before = screen(&st, 120, 40);
    for a in [
        Action::Filter,
        Action::Command,
        Action::Open,
        Action::Back,
        Action::Refresh,
        Action::ToggleSilenced,
        Action::ToggleInhibited,
        Action::CopyLink,
        Action::Silences,
        Action::Incidents,
        Action::Escalations,
        Action::Runbook,
        Action::StopStep,
    ] {
        let effects = update(&mut st, Msg::Action(a));
        assert!(effects.is_empty(), "{a:?} asked for {effects:?}");
        assert_eq!(st.pane, Pane::Alerts, "{a:?}");
        assert!(st.input.is_none() && st.status.is_none(), "{a:?}");
    }
    assert!(st.show_silenced && st.show_inhibited);
    assert_eq!(screen(&st, 120, 40), before);

    // Help opens a box naming the wall's keys, and closes again.
    update(&mut st, Msg::Action(Action::Help));
    let help = screen(&st, 120, 40);
    assert!(
        help.contains("read-only status board") && help.contains("next page"),
        "{help}"
    );
    update(&mut st, Msg::Action(Action::Help));
    assert_eq!(screen(&st, 120, 40), before);

    assert_eq!(
        update(&mut st, Msg::Action(Action::Quit)),
        vec![Effect::Quit]
    );
}

/// A board of `n` firing warning groups on an 80x24 screen.
fn many_groups(n: usize) -> State {
    let alerts = (0..n)
        .map(|i| alert(&format!("Group{i:02}"), "warning", &[], 100 - i as i64))
        .collect();
    let mut st = board(alerts, vec![]);
    let rows = page_rows(Rect::new(0, 0, 80, 24));
    update(&mut st, Msg::Resized { list_rows: rows });
    st
}

#[test]
fn pages_rotate_on_the_interval_and_turn_by_hand() {
    let mut st = many_groups(20);
    let rows = page_rows(Rect::new(0, 0, 80, 24));
    let pages = 20usize.div_ceil(rows);
    assert!(pages >= 2, "{rows} rows a page");
    let first = screen(&st, 80, 24);
    assert!(
        first.contains(&format!("page 1/{pages}")) && first.contains("Group00"),
        "{first}"
    );
    assert!(!first.contains("Group19"), "{first}");

    at(&mut st, 9);
    assert!(screen(&st, 80, 24).contains(&format!("page 1/{pages}")));
    at(&mut st, 10);
    let second = screen(&st, 80, 24);
    assert!(second.contains(&format!("page 2/{pages}")), "{second}");
    assert!(!second.contains("Group00"), "{second}");

    // By hand: back to the first page, and the rotation waits a whole interval.
    update(&mut st, Msg::Action(Action::PageUp));
    assert!(screen(&st, 80, 24).contains(&format!("page 1/{pages}")));
    at(&mut st, 19);
    assert!(screen(&st, 80, 24).contains(&format!("page 1/{pages}")));
    update(&mut st, Msg::Action(Action::Bottom));
    let last = screen(&st, 80, 24);
    assert!(
        last.contains(&format!("page {pages}/{pages}")) && last.contains("Group19"),
        "{last}"
    );
    // The rotation wraps around to the first page.
    at(&mut st, 29);
    assert!(screen(&st, 80, 24).contains(&format!("page 1/{pages}")));

    // A narrow screen: the title gives way to the page counter, whole.
    let rows = page_rows(Rect::new(0, 0, 40, 10));
    update(&mut st, Msg::Resized { list_rows: rows });
    let narrow = screen(&st, 40, 10);
    let title = narrow
        .lines()
        .find(|l| l.contains("FIRING GROUPS"))
        .unwrap_or_else(|| panic!("{narrow}"));
    assert!(
        title.starts_with(" FIRING GROUPS (20)")
            && title.contains(&format!(" page 1/{}", 20usize.div_ceil(rows))),
        "{narrow}"
    );

    // A bigger screen shows them all on one page, with no indicator.
    let rows = page_rows(Rect::new(0, 0, 300, 80));
    update(&mut st, Msg::Resized { list_rows: rows });
    let big = screen(&st, 300, 80);
    assert!(
        big.contains("Group00") && big.contains("Group19") && !big.contains("page "),
        "{big}"
    );
}

#[test]
fn a_board_that_cannot_trust_its_data_is_never_green() {
    // Silent past the limit (default: 3 refreshes of 10s).
    let mut st = green();
    assert_eq!(board_of(&st).level, Level::Green);
    assert!(screen(&st, 80, 24).contains("ALL CLEAR"));
    fail(&mut st, 1, 0);
    // One failed poll within the limit: said at the foot, the colour stays.
    let text = screen(&st, 80, 24);
    assert!(
        text.contains("ALL CLEAR") && text.contains("last poll failed"),
        "{text}"
    );
    answers(&mut st, 0, 30);
    at(&mut st, 31);
    // Past the limit, while the other member of its cluster answers: the
    // data is fresh and the board keeps the data's colour, but an all clear
    // with a member missing is amber, saying who.
    let text = screen(&st, 120, 40);
    assert!(!board_of(&st).stale);
    assert!(
        !text.contains("ALL CLEAR") && !text.contains("STALE") && text.contains("D E G R A D E D"),
        "{text}"
    );
    assert!(
        text.contains("am-eu-2 down 34s (its cluster answers)"),
        "{text}"
    );
    assert!(text.contains("am-eu-2 not answering 34s"), "{text}");
    // Both members silent past the limit: stale, naming both.
    at(&mut st, 61);
    let text = screen(&st, 80, 24);
    assert!(board_of(&st).stale);
    assert!(
        !text.contains("ALL CLEAR") && text.contains("STALE"),
        "{text}"
    );
    // At 80 columns the reasons do not fit: every silent one is still named.
    assert!(text.contains("2 of 2 silent: am-eu-1, am-eu-2"), "{text}");
    let wide = screen(&st, 200, 50);
    assert!(
        wide.contains("am-eu-1 has not answered for 31s")
            && wide.contains("am-eu-2 has not answered"),
        "{wide}"
    );

    // No answer yet: connecting, then unreachable; never all clear.
    let specs = [common::spec(
        "am",
        SourceKind::Alertmanager,
        "http://am:9093",
        None,
    )];
    let mut st = State::new(&specs, now(), Duration::from_secs(10));
    enter(&mut st, &WallSettings::default());
    let text = screen(&st, 80, 24);
    assert!(
        text.contains("CONNECTING") && !text.contains("ALL CLEAR"),
        "{text}"
    );
    fail(&mut st, 0, 0);
    let text = screen(&st, 80, 24);
    assert!(
        text.contains("UNREACHABLE") && text.contains("am never answered"),
        "{text}"
    );

    // A configured limit.
    let mut st = green();
    enter(
        &mut st,
        &WallSettings {
            stale_after: Some(Duration::from_secs(120)),
            ..WallSettings::default()
        },
    );
    answers(&mut st, 0, 124);
    at(&mut st, 100);
    assert!(screen(&st, 80, 24).contains("ALL CLEAR"));
    at(&mut st, 125);
    let text = screen(&st, 80, 24);
    assert!(
        text.contains("DEGRADED") && text.contains("am-eu-2 down 2m 8s"),
        "{text}"
    );
}

#[test]
fn the_threshold_decides_what_colours_the_board() {
    let mut st = amber();
    assert_eq!(board_of(&st).level, Level::Amber);
    enter(
        &mut st,
        &WallSettings {
            threshold: Severity::Critical,
            ..WallSettings::default()
        },
    );
    assert_eq!(board_of(&st).level, Level::Green);
    assert!(screen(&st, 80, 24).contains("nothing firing at critical or above"));
    let st = red();
    let b = board_of(&st);
    assert_eq!(b.level, Level::Red);
    assert_eq!(
        (b.tally.critical, b.tally.critical_unacked, b.tally.warning),
        (4, 3, 2)
    );
    assert_eq!((b.tally.acked, b.tally.unacked, b.tally.info), (1, 5, 1));
    assert_eq!(b.oldest.map(|a| a.alertname()), Some("ModelServerDown"));
}

#[test]
fn an_idle_board_redraws_once_a_minute_and_countdowns_each_second() {
    // No escalation on screen: the picture changes with the minute only.
    let mut st = amber();
    let long = WallSettings {
        stale_after: Some(Duration::from_secs(3600)),
        ..WallSettings::default()
    };
    enter(&mut st, &long);
    let key = frame_key(&st);
    at(&mut st, 1);
    assert_eq!(frame_key(&st), key);
    at(&mut st, 59);
    assert_eq!(frame_key(&st), key);
    at(&mut st, 60);
    assert_ne!(frame_key(&st), key, "02:28:00 is the next minute");
    // A running countdown (red has ModelErrorRateHigh's L2 in 03:00) ticks.
    let mut st = red();
    enter(&mut st, &long);
    let key = frame_key(&st);
    at(&mut st, 1);
    assert_ne!(frame_key(&st), key);
    // So does the banner of a source that fails (its "for 5m 3s").
    let mut st = amber();
    enter(&mut st, &long);
    fail(&mut st, 1, 0);
    let key = frame_key(&st);
    at(&mut st, 1);
    assert_ne!(frame_key(&st), key);
}

#[test]
fn a_member_restarted_empty_does_not_back_the_dead_ones_alerts() {
    // am-eu-1 comes back from a restart holding nothing yet; am-eu-2,
    // which still held the criticals, dies.
    let mut st = red();
    let when = now() + chrono::Duration::seconds(40);
    let empty = Ok(oncall::source::Snapshot::default());
    update(
        &mut st,
        Msg::Polled {
            source: 0,
            at: when,
            result: empty,
        },
    );
    fail(&mut st, 1, 0);
    at(&mut st, 41);
    let b = board_of(&st);
    assert!(b.stale, "{:?}", b.troubles);
    let text = screen(&st, 120, 40);
    assert!(
        text.contains("S T A L E") && text.contains("am-eu-2 has not answered for"),
        "{text}"
    );
    assert!(!text.contains("its cluster answers"), "{text}");
}
