//! SLOs shared by the SLO tests, written as a user writes them in the
//! config, and readings fed to a state the way the SLO task sends them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use oncall::core::slo::{SloRead, SloSource, SloState};
use oncall::core::{update, Msg, State};
use oncall::model::slo::Slo;

/// `checkout` (good/total, default burn alerts), `search-latency` (a
/// ratio with one burn alert of its own), `broken` (bad PromQL).
pub const CONFIG: &str = r#"
slos:
  - name: checkout
    objective: 99.9
    window: 30d
    good: 'sum(slo_good{window="{{window}}"})'
    total: 'sum(slo_total{window="{{window}}"})'
  - name: search-latency
    objective: 99
    window: 7d
    ratio: 'sum(slo_ratio{window="{{window}}"})'
    burn: [{long: 1h, short: 5m, factor: 2}]
  - name: broken
    objective: 99.5
    window: 1d
    ratio: 'sum(slo_ratio{window="{{window}}"}'
"#;

pub fn slos() -> Vec<Slo> {
    let c = oncall::config::parse(CONFIG, std::path::Path::new("slos.yaml")).unwrap();
    oncall::config::slos(&c.slos).unwrap()
}

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub const M5: Duration = Duration::from_secs(300);
pub const M30: Duration = Duration::from_secs(1800);
pub const H1: Duration = Duration::from_secs(3600);
pub const H6: Duration = Duration::from_secs(6 * 3600);
pub const D1: Duration = Duration::from_secs(86_400);
pub const D7: Duration = Duration::from_secs(7 * 86_400);
pub const D30: Duration = Duration::from_secs(30 * 86_400);

/// A console state with `slos` read from `source`, nothing read yet.
pub fn state_with(slos: Vec<Slo>, source: SloSource, now: DateTime<Utc>) -> State {
    let mut st = State::new(&[], now, Duration::from_secs(15));
    st.slo = SloState::new(slos, source);
    st
}

/// One window's reading, through `update` as the task sends it.
pub fn read(st: &mut State, slo: usize, window: Duration, sli: Result<f64, &str>) {
    let at = st.now;
    update(
        st,
        Msg::SloRead(SloRead {
            slo,
            window,
            at,
            sli: sli.map_err(str::to_string),
        }),
    );
}

/// checkout's readings alone: half its budget left, 1h/5m burning.
pub fn feed_checkout(st: &mut State) {
    for (w, sli) in [
        (D30, 0.9995),
        (H1, 0.98),
        (M5, 0.985),
        (H6, 0.996),
        (M30, 0.99),
    ] {
        read(st, 0, w, Ok(sli));
    }
}

/// The readings a Prometheus holding `RULES` gives, fed in by hand:
/// `checkout` half its budget left and burning fast, `search-latency`
/// over-spent, `broken` failing in Prometheus's words.
pub fn feed_all(st: &mut State) {
    feed_checkout(st);
    for (w, sli) in [(D7, 0.985), (H1, 0.995), (M5, 0.97)] {
        read(st, 1, w, Ok(sli));
    }
    let e = "bad answer: Prometheus bad_data: 1:34: parse error: unclosed left parenthesis";
    for w in [D1, H1, M5, H6, M30] {
        read(st, 2, w, Err(e));
    }
}

/// Recording rules that make a real Prometheus answer exactly what
/// `feed_all` feeds: one constant series per SLO query and window.
pub const RULES: &str = r#"
groups:
  - name: slo-test
    interval: 1s
    rules:
      - {record: slo_good, expr: vector(99950), labels: {window: 30d}}
      - {record: slo_total, expr: vector(100000), labels: {window: 30d}}
      - {record: slo_good, expr: vector(9800), labels: {window: 1h}}
      - {record: slo_total, expr: vector(10000), labels: {window: 1h}}
      - {record: slo_good, expr: vector(985), labels: {window: 5m}}
      - {record: slo_total, expr: vector(1000), labels: {window: 5m}}
      - {record: slo_good, expr: vector(59760), labels: {window: 6h}}
      - {record: slo_total, expr: vector(60000), labels: {window: 6h}}
      - {record: slo_good, expr: vector(4950), labels: {window: 30m}}
      - {record: slo_total, expr: vector(5000), labels: {window: 30m}}
      - {record: slo_ratio, expr: vector(0.985), labels: {window: 7d}}
      - {record: slo_ratio, expr: vector(0.995), labels: {window: 1h}}
      - {record: slo_ratio, expr: vector(0.97), labels: {window: 5m}}
"#;
