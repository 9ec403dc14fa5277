//! The SLO state from readings, through `update` as the console gets them:
//! SLI, error budget and burn rates against hand-computed values, the
//! burning condition of both windows, loading, failures and no Prometheus.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::slos::{feed_all, feed_checkout, read, slos, state_with, D1, D30, H1, M5};
use oncall::core::slo::{slo_rows, SloRow, SloSource, SloStatus};
use oncall::core::{update, Action, Msg, Pane, State};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn prom_state() -> State {
    state_with(slos(), SloSource::Prometheus("prom".into()), t0())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Each burn alert as `1h 20.000000 · 5m 15.000000 burning` (rates to a
/// millionth, `-` while unknown).
fn burns(r: &SloRow) -> Vec<String> {
    let rate = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.6}"));
    r.burns
        .iter()
        .map(|b| {
            format!(
                "{} {} · {} {}{}",
                b.long.label,
                rate(b.long.rate),
                b.short.label,
                rate(b.short.rate),
                if b.burning { " burning" } else { "" }
            )
        })
        .collect()
}

#[test]
fn nothing_read_yet_is_loading_every_window() {
    let st = prom_state();
    let rows = slo_rows(&st, st.now);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert_eq!(r.status, SloStatus::Loading, "{}", r.name);
        assert_eq!((r.sli, r.budget, r.age), (None, None, None));
    }
    // checkout: 30d plus 1h, 5m, 6h, 30m; search-latency: 7d, 1h, 5m.
    let loading: Vec<usize> = rows.iter().map(|r| r.loading).collect();
    assert_eq!(loading, [5, 3, 5]);
}

#[test]
fn budget_and_burn_match_the_hand_computed_values() {
    let mut st = prom_state();
    feed_all(&mut st);
    let rows = slo_rows(&st, st.now);

    // checkout, 99.9 % over 30d: 50 errors in 100,000 spend half the budget;
    // 2 % errors in the last hour burn 20×, 1.5 % in 5m 15×: both over 14.4.
    let c = &rows[0];
    assert_eq!(
        (c.name.as_str(), c.objective, c.window.as_str()),
        ("checkout", 99.9, "30d")
    );
    assert!(close(c.sli, 0.9995) && close(c.budget, 0.5), "{c:?}");
    // 6h at 4× and 30m at 10×: the short window alone does not burn.
    assert_eq!(
        burns(c),
        [
            "1h 20.000000 · 5m 15.000000 burning",
            "6h 4.000000 · 30m 10.000000"
        ]
    );
    assert_eq!(c.status, SloStatus::Burning);
    assert_eq!((c.loading, c.error.as_deref()), (0, None));

    // search-latency, 99 % over 7d at 98.5 %: the budget is over-spent by half.
    let s = &rows[1];
    assert!(close(s.sli, 0.985) && close(s.budget, -0.5), "{s:?}");
    // Its own burn alert (factor 2) replaces the defaults.
    assert_eq!(burns(s), ["1h 0.500000 · 5m 3.000000"]);
    assert_eq!(s.status, SloStatus::Exhausted);

    // broken: the SLO window failed, in Prometheus's words.
    let b = &rows[2];
    assert_eq!(b.status, SloStatus::Failed);
    let e = b.error.as_deref().unwrap();
    assert!(e.starts_with("1d: ") && e.contains("parse error"), "{e}");
    assert_eq!((b.sli, b.budget), (None, None));
}

#[test]
fn a_failed_burn_window_is_named_and_burns_nothing() {
    let mut st = prom_state();
    read(&mut st, 0, D30, Ok(0.9995));
    read(&mut st, 0, H1, Err("no answer within 10s"));
    read(&mut st, 0, M5, Ok(0.5));
    let c = &slo_rows(&st, st.now)[0];
    assert_eq!(c.status, SloStatus::Ok, "the SLI and budget are known");
    assert_eq!(c.error.as_deref(), Some("1h: no answer within 10s"));
    assert!(c.burns[0].long.rate.is_none() && !c.burns[0].burning);
    assert_eq!(c.loading, 2, "6h and 30m");

    // The next answer replaces the failure.
    read(&mut st, 0, H1, Ok(0.9));
    let c = &slo_rows(&st, st.now)[0];
    assert_eq!(
        (c.error.as_deref(), c.status.clone()),
        (None, SloStatus::Burning)
    );
}

#[test]
fn readings_age_and_unknown_ones_are_dropped() {
    let mut st = prom_state();
    read(&mut st, 0, D30, Ok(0.999));
    update(&mut st, Msg::Tick(t0() + Duration::seconds(90)));
    read(&mut st, 0, H1, Ok(0.999));
    // An SLO that is not configured, or a window it does not use.
    read(&mut st, 7, D30, Ok(0.1));
    read(&mut st, 1, D30, Ok(0.1));
    let rows = slo_rows(&st, st.now);
    assert_eq!(rows[0].age, Some(90), "the oldest reading shown");
    assert_eq!(rows[1].sli, None);
    assert_eq!(rows[1].status, SloStatus::Loading);
    assert!(
        close(rows[0].budget, 0.0),
        "exactly spent: {:?}",
        rows[0].budget
    );
    assert_eq!(rows[0].status, SloStatus::Exhausted);
}

#[test]
fn without_prometheus_every_slo_says_why() {
    let st = state_with(slos(), SloSource::None, t0());
    for r in slo_rows(&st, st.now) {
        match &r.status {
            SloStatus::Unavailable(why) => {
                assert!(why.contains("no Prometheus configured"), "{why}")
            }
            other => panic!("{}: {other:?}", r.name),
        }
    }
}

#[test]
fn the_pane_opens_with_o_and_in_the_tab_cycle() {
    let mut st = prom_state();
    update(&mut st, Msg::Action(Action::Slos));
    assert_eq!(st.pane, Pane::Slos);
    update(&mut st, Msg::Action(Action::Down));
    update(&mut st, Msg::Action(Action::Down));
    update(&mut st, Msg::Action(Action::Down));
    assert_eq!(st.slo.cursor, 2, "stops at the last SLO");
    update(&mut st, Msg::Action(Action::Top));
    assert_eq!(st.slo.cursor, 0);
    update(&mut st, Msg::Action(Action::Back));
    assert_eq!(st.pane, Pane::Alerts);
    update(&mut st, Msg::Action(Action::Slos));
    update(&mut st, Msg::Action(Action::Slos));
    assert_eq!(st.pane, Pane::Alerts, "O again closes it");
    update(&mut st, Msg::Action(Action::Escalations));
    update(&mut st, Msg::Action(Action::NextPane));
    assert_eq!(st.pane, Pane::Slos);
    update(&mut st, Msg::Action(Action::NextPane));
    assert_eq!(st.pane, Pane::Alerts);
}

#[test]
fn a_window_that_fails_after_good_readings_keeps_them_marked_stale() {
    let mut st = prom_state();
    feed_checkout(&mut st);
    st.now = t0() + chrono::Duration::minutes(3);
    read(&mut st, 0, D30, Err("cannot connect: connection refused"));
    let c = &slo_rows(&st, st.now)[0];
    assert!(close(c.sli, 0.9995) && close(c.budget, 0.5), "{c:?}");
    assert_eq!(c.status, SloStatus::Burning, "the burn windows still read");
    let e = c.error.as_deref().unwrap();
    assert!(
        e.starts_with("30d: cannot connect") && e.contains("STALE: showing the reading of 3m ago"),
        "{e}"
    );
    // A window that never read well has nothing to keep.
    read(&mut st, 2, D1, Err("parse error"));
    assert_eq!(slo_rows(&st, st.now)[2].status, SloStatus::Failed);
    // The next good reading clears the mark.
    read(&mut st, 0, D30, Ok(0.999));
    let c = &slo_rows(&st, st.now)[0];
    assert!(close(c.budget, 0.0) && c.error.is_none(), "{c:?}");
}
