//! The SLO pane at 80x24, a wide 200x50 and a tiny 30x8, with loaded,
//! loading and failed SLOs, without a Prometheus, and the demo's numbers,
//! from states built through `core::update`.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::screen::screen;
use common::slos::{feed_all, feed_checkout, read, slos, state_with, D1};
use oncall::core::slo::SloSource;
use oncall::core::{update, Action, Msg, State};
use oncall::source::demo_slo;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn open(mut st: State) -> State {
    update(&mut st, Msg::Action(Action::Slos));
    // The readings are 40s old when the pane is drawn.
    update(&mut st, Msg::Tick(t0() + Duration::seconds(40)));
    st
}

/// Every SLO answered: burning, exhausted, failed.
fn loaded() -> State {
    let mut st = state_with(slos(), SloSource::Prometheus("prom-eu".into()), t0());
    feed_all(&mut st);
    open(st)
}

/// checkout answered, search-latency still loading, broken failing with
/// hostile text in its error.
fn mixed() -> State {
    let mut st = state_with(slos(), SloSource::Prometheus("prom-eu".into()), t0());
    feed_checkout(&mut st);
    read(&mut st, 2, D1, Err("no answer within 10s\x1b[2J\u{202e}"));
    open(st)
}

fn unavailable() -> State {
    open(state_with(slos(), SloSource::None, t0()))
}

fn demo() -> State {
    let defs = demo_slo::slos();
    let mut st = state_with(defs.clone(), SloSource::Demo, t0());
    for (i, slo) in defs.iter().enumerate() {
        for w in slo.windows() {
            let sli = demo_slo::sli(&slo.name, w);
            read(
                &mut st,
                i,
                w,
                sli.as_ref().map(|v| *v).map_err(String::as_str),
            );
        }
    }
    open(st)
}

fn empty() -> State {
    open(state_with(
        vec![],
        SloSource::Prometheus("prom-eu".into()),
        t0(),
    ))
}

macro_rules! snap {
    ($name:ident, $state:expr, $w:expr, $h:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(screen(&$state, $w, $h));
        }
    };
}

snap!(slos_loaded_80x24, loaded(), 80, 24);
snap!(slos_loaded_200x50, loaded(), 200, 50);
snap!(slos_loaded_30x8, loaded(), 30, 8);
snap!(slos_mixed_80x24, mixed(), 80, 24);
snap!(slos_mixed_200x50, mixed(), 200, 50);
snap!(slos_mixed_30x8, mixed(), 30, 8);
snap!(slos_unavailable_80x24, unavailable(), 80, 24);
snap!(slos_demo_80x24, demo(), 80, 24);
snap!(slos_empty_80x24, empty(), 80, 24);

#[test]
fn no_size_panics_and_outside_text_is_clean() {
    for st in [loaded(), mixed(), unavailable(), demo()] {
        for (w, h) in [(0, 0), (1, 1), (5, 2), (12, 4), (40, 6), (81, 25), (300, 3)] {
            let text = screen(&st, w, h);
            assert!(
                !text.contains('\x1b') && !text.contains('\u{202e}'),
                "{text}"
            );
        }
    }
    let text = screen(&mixed(), 80, 24);
    assert!(text.contains("loading… (3 windows)"), "{text}");
    assert!(text.contains("✗ 1d: no answer within 10s"), "{text}");
}
