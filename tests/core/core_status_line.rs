//! The status line: a message too long for it loses its middle, not its
//! end (which often says why), cut between words where a boundary is near;
//! an error stays on it until seen.

use crate::common;
use crate::common::fixtures::{one_source, poll_alerts};
use crate::core_escalations::{alert, pages_of, paging_console, t};

use chrono::{TimeZone, Utc};
use oncall::core::{update, Action, Msg, StatusLevel};

#[test]
fn the_middle_of_a_long_message_goes_not_its_end() {
    let cut = oncall::sanitize::fit_middle(
        "down: cannot connect to 10.0.0.7:9093 (connection refused)",
        30,
    );
    assert!(oncall::sanitize::width(&cut) <= 30);
    assert!(
        cut.starts_with("down: cannot") && cut.ends_with("refused)"),
        "{cut}"
    );
    assert_eq!(oncall::sanitize::fit_middle("short", 30), "short");
}

#[test]
fn the_middle_is_cut_between_words_where_a_boundary_is_near() {
    let text = "page NOT delivered: ModelServerDown level 2 to carol (ml): webhook pager: cannot connect: connection refused (gave up after 4 attempts)";
    let cut = oncall::sanitize::fit_middle(text, 79);
    assert!(oncall::sanitize::width(&cut) <= 79, "{cut}");
    assert!(
        cut.starts_with("page NOT delivered: ModelServerDown level 2"),
        "{cut}"
    );
    assert!(cut.contains(" … "), "{cut}");
    // Every word left whole: each one is a word of the message.
    for word in cut.split(' ').filter(|w| *w != "…") {
        assert!(text.split(' ').any(|t| t == word), "{word:?} cut in {cut}");
    }
    // Odd text at every width: never wider than asked, never a panic.
    for odd in [
        "   leading and trailing spaces that run on and on and on   ",
        "日本語のメッセージ が とても 長い 場合 の テスト です よ ね 本当に",
        "e\u{301}\u{301} combining marks e\u{301} everywhere e\u{301} in text",
        "🔥🔥🔥 emoji 🔥 words 🔥🔥 around 🔥 spaces 🔥🔥🔥🔥",
        "                                                  ",
        "a … b … c … d … e … f … g … h … i … j … k … l … m",
    ] {
        for w in 0..60 {
            let cut = oncall::sanitize::fit_middle(odd, w);
            assert!(oncall::sanitize::width(&cut) <= w.max(1), "{w}: {cut:?}");
        }
    }
    // A long word with no boundary near is still cut where it must be.
    let one = "x".repeat(100);
    assert_eq!(
        oncall::sanitize::width(&oncall::sanitize::fit_middle(&one, 20)),
        20
    );
}

#[test]
fn an_unseen_error_is_not_replaced_by_an_info_nor_lost_to_a_warning() {
    let mut s = one_source("am", Utc.with_ymd_and_hms(2026, 11, 22, 2, 27, 0).unwrap());
    s.say(
        StatusLevel::Error,
        "page NOT delivered: HighErrorRate level 2",
    );
    // A poll's or a timer's news meanwhile: to the history, on the badge.
    s.say(StatusLevel::Info, "ack on DiskAlmostFull ended");
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, StatusLevel::Error);
    assert!(text.starts_with("page NOT delivered"), "{text}");
    assert_eq!(s.messages.unread, 1);
    assert_eq!(s.messages.list.len(), 2);
    // A warning (an escalation) or a newer error takes the line; the
    // error it displaced unseen is counted on the badge.
    s.say(
        StatusLevel::Warn,
        "escalated HighErrorRate to level 2: carol",
    );
    assert!(s.status.as_ref().unwrap().1.starts_with("escalated"));
    assert_eq!(s.messages.unread, 2);
    // Once a key was pressed (the error seen), the next message may take the line.
    update(&mut s, Msg::Action(Action::Down));
    s.say(StatusLevel::Info, "sorted by newest");
    assert_eq!(s.status.as_ref().unwrap().1, "sorted by newest");
}

#[test]
fn a_page_nobody_received_says_so_first_and_names_its_notifier_once() {
    let mut s = paging_console(t(5));
    let page = pages_of(poll_alerts(&mut s, vec![alert("Old", 0)])).remove(0);
    let results = vec![(
        "pager".to_string(),
        Err(
            "webhook pager: cannot connect: connection refused (gave up after 4 attempts)"
                .to_string(),
        ),
    )];
    update(
        &mut s,
        Msg::Paged {
            page,
            claimed: true,
            results,
        },
    );
    let (level, text, _) = s.status.clone().unwrap();
    assert_eq!(level, oncall::core::StatusLevel::Error);
    assert!(
        text.starts_with("page NOT delivered: Old level 1 to "),
        "{text}"
    );
    assert!(
        text.ends_with(": webhook pager: cannot connect: connection refused (4 attempts)"),
        "{text}"
    );
    assert!(!text.contains("pager: webhook pager"), "{text}");
    // At 80 columns the status line keeps what happened and why.
    let screen = common::screen::screen(&s, 80, 24);
    let line = screen.lines().rev().nth(1).unwrap();
    assert!(
        line.contains("page NOT delivered: Old level 1")
            && line.ends_with("connection refused (4 attempts)"),
        "{line}"
    );
}
