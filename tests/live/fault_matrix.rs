//! The fault matrix: one real Alertmanager next to a source that turns bad
//! in one way per row, then good again. For every fault: no panic, the bad
//! source's last good data stays (marked STALE), the status bar on screen
//! names the source and the reason, recovery is automatic, and the real
//! Alertmanager's alerts and health are untouched. Time is a fake clock
//! carried by `Msg::Tick` / `Msg::Polled`, so "an hour later" is instant.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use common::faults::FaultServer;
use common::screen::screen;
use common::{spec, Alertmanagers};
use oncall::core::{update, Health, Msg, State};
use oncall::source::{fetch_once, Snapshot, SourceError, SourceKind, SourceSpec};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_millis(400);
/// Reading 64 MiB before the cap trips takes longer than `TIMEOUT` in a
/// debug build on a busy machine; the cap, not the clock, must end those.
const HUGE_TIMEOUT: Duration = Duration::from_secs(60);
const REFRESH: Duration = Duration::from_secs(10);

/// fault → the reason the status bar must show for it.
const MATRIX: &[(&str, &str)] = &[
    ("refused", "cannot connect: connection refused"),
    ("reset", "cannot connect: connection reset by the server"),
    ("500", "HTTP 500: internal error: boom in the datastore"),
    ("502", "HTTP 502: 502 Bad Gateway nginx"),
    (
        "503",
        "HTTP 503: upstream connect error or disconnect/reset before headers",
    ),
    (
        "html",
        "answered with an HTML page, not the API (a login proxy?)",
    ),
    (
        "truncated",
        "bad answer: the answer ended early (truncated?)",
    ),
    ("malformed", "bad answer: invalid JSON at line 1 column"),
    (
        "shape",
        "bad answer: unexpected JSON shape at line 1 column 1",
    ),
    ("shape-fields", "bad answer: unexpected JSON shape"),
    (
        "huge",
        "bad answer: the answer is larger than 64 MiB; not read further",
    ),
    (
        "huge-chunked",
        "bad answer: the answer is larger than 64 MiB; not read further",
    ),
    ("late", "no answer within 0.4s"),
];

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn secs(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

struct Rig {
    _ams: Alertmanagers,
    server: FaultServer,
    specs: Vec<SourceSpec>,
    /// The real Alertmanager's answer, polled once.
    am: Snapshot,
}

async fn rig() -> Rig {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(json!([{"labels": {"alertname": "StillHere", "severity": "critical"}}]))
        .await;
    let server = FaultServer::start();
    let flaky = spec(
        "flaky",
        SourceKind::Alertmanager,
        &server.switch_url(),
        None,
    );
    let specs = vec![ams.spec(0), flaky];
    let am = common::first_alerts(&specs[0], TIMEOUT).await;
    Rig {
        _ams: ams,
        server,
        specs,
        am,
    }
}

impl Rig {
    /// A console that has seen both sources answer well at `t0`.
    async fn console(&self) -> State {
        let mut st = State::new(&self.specs, t0(), REFRESH);
        self.server.set("good");
        self.poll_am(&mut st, t0());
        let good = fetch_once(&self.specs[1], TIMEOUT)
            .await
            .expect("the fault server's good answer");
        polled(&mut st, 1, t0(), Ok(good));
        assert_eq!(names(&st), ["FromFlaky", "StillHere"]);
        st
    }

    fn poll_am(&self, st: &mut State, at: DateTime<Utc>) {
        polled(st, 0, at, Ok(self.am.clone()));
    }

    async fn poll_flaky(&self, st: &mut State, at: DateTime<Utc>) -> Result<(), SourceError> {
        self.poll_flaky_within(st, at, TIMEOUT).await
    }

    async fn poll_flaky_within(
        &self,
        st: &mut State,
        at: DateTime<Utc>,
        timeout: Duration,
    ) -> Result<(), SourceError> {
        let r = fetch_once(&self.specs[1], timeout).await;
        let out = r.as_ref().map(|_| ()).map_err(Clone::clone);
        polled(st, 1, at, r);
        out
    }
}

fn polled(st: &mut State, source: usize, at: DateTime<Utc>, result: Result<Snapshot, SourceError>) {
    update(st, Msg::Tick(at));
    update(st, Msg::Polled { source, at, result });
}

fn names(st: &State) -> Vec<String> {
    let mut n: Vec<String> = st
        .alerts
        .iter()
        .map(|a| a.alertname().to_string())
        .collect();
    n.sort();
    n
}

fn stale_names(st: &State) -> Vec<String> {
    let mut n: Vec<String> = st
        .alerts
        .iter()
        .filter(|a| st.is_stale(a))
        .map(|a| a.alertname().to_string())
        .collect();
    n.sort();
    n
}

/// The bottom line of a 160x30 screen: the sources' health.
fn sources_bar(st: &State) -> String {
    let s = screen(st, 160, 30);
    s.lines().last().unwrap_or_default().to_string()
}

#[tokio::test]
async fn every_fault_is_survived_shown_and_recovered_from() {
    let rig = rig().await;
    for (fault, reason) in MATRIX {
        let mut st = rig.console().await;
        rig.server.set(fault);
        let t1 = t0() + secs(10);
        let timeout = if fault.starts_with("huge") {
            HUGE_TIMEOUT
        } else {
            TIMEOUT
        };
        let err = rig
            .poll_flaky_within(&mut st, t1, timeout)
            .await
            .expect_err(&format!("{fault}: must fail"));
        rig.poll_am(&mut st, t1);
        assert!(
            err.to_string().starts_with(reason),
            "{fault}: error {err:?}, expected {reason:?}"
        );

        assert_eq!(names(&st), ["FromFlaky", "StillHere"], "{fault}: data kept");
        assert_eq!(
            stale_names(&st),
            ["FromFlaky"],
            "{fault}: only its alert is stale"
        );
        assert_eq!(st.health(0), Health::Ok, "{fault}: the other source");
        assert!(
            matches!(st.health(1), Health::Stale { since, .. } if since == t0()),
            "{fault}: {:?}",
            st.health(1)
        );
        let shown = screen(&st, 160, 30);
        let bar = sources_bar(&st);
        assert!(
            bar.contains(&format!("flaky stale 10s: {reason}")),
            "{fault}: status bar {bar:?}"
        );
        assert!(bar.contains("am0 ok"), "{fault}: {bar:?}");
        assert!(shown.contains("STALE DATA"), "{fault}: header\n{shown}");
        let row = shown
            .lines()
            .find(|l| l.contains("FromFlaky"))
            .unwrap_or_default();
        assert!(row.contains("STALE"), "{fault}: row {row:?}\n{shown}");
        let row = shown.lines().find(|l| l.contains("StillHere")).unwrap();
        assert!(!row.contains("STALE"), "{fault}: row {row:?}");

        rig.server.set("good");
        let t2 = t1 + secs(10);
        rig.poll_flaky(&mut st, t2)
            .await
            .unwrap_or_else(|e| panic!("{fault}: recovery: {e}"));
        assert_eq!(st.health(1), Health::Ok, "{fault}: recovered");
        assert!(stale_names(&st).is_empty(), "{fault}");
        let bar = sources_bar(&st);
        assert!(bar.contains("flaky ok 0s"), "{fault}: {bar:?}");
        assert!(!screen(&st, 160, 30).contains("STALE"), "{fault}");
    }
}

/// Good, bad, good, bad… every poll: the alert never blinks out, and the
/// bar follows each answer.
#[tokio::test]
async fn a_flapping_source_never_drops_its_alerts() {
    let rig = rig().await;
    let mut st = rig.console().await;
    rig.server.set("flap");
    for n in 1..=6 {
        let at = t0() + secs(10 * n);
        let r = rig.poll_flaky(&mut st, at).await;
        rig.poll_am(&mut st, at);
        assert_eq!(names(&st), ["FromFlaky", "StillHere"], "poll {n}");
        assert_eq!(st.health(0), Health::Ok);
        let bar = sources_bar(&st);
        if n % 2 == 1 {
            assert!(
                r.is_err() && bar.contains("flaky stale 10s: HTTP 500"),
                "poll {n}: {bar}"
            );
        } else {
            assert!(r.is_ok() && bar.contains("flaky ok 0s"), "poll {n}: {bar}");
        }
    }
}

/// A source down for an hour: the bar counts the hour, the data stays; when
/// it answers again its new data replaces the old at once. A source that
/// stops answering without an error (a hung poll) turns stale as overdue.
#[tokio::test]
async fn a_source_back_after_an_hour_replaces_its_old_data() {
    let rig = rig().await;
    let mut st = rig.console().await;
    rig.server.set("refused");
    for minute in [1, 10, 59] {
        let at = t0() + secs(60 * minute);
        rig.poll_flaky(&mut st, at).await.expect_err("down");
        rig.poll_am(&mut st, at);
    }
    update(&mut st, Msg::Tick(t0() + secs(3600)));
    let bar = sources_bar(&st);
    assert!(
        bar.contains("flaky stale 1h: cannot connect: connection refused"),
        "{bar}"
    );
    assert!(
        bar.contains("am0 stale 1m: overdue: no answer to the last polls"),
        "{bar}"
    );
    assert_eq!(names(&st), ["FromFlaky", "StillHere"]);

    rig.server.set("good");
    let back = t0() + secs(3600);
    rig.poll_am(&mut st, back);
    rig.poll_flaky(&mut st, back).await.expect("back");
    assert_eq!(st.health(0), Health::Ok);
    assert_eq!(st.health(1), Health::Ok);
    assert!(stale_names(&st).is_empty());
    let bar = sources_bar(&st);
    assert!(
        bar.contains("am0 ok 0s") && bar.contains("flaky ok 0s"),
        "{bar}"
    );

    // Back with different data: what it no longer reports is gone.
    let mut gone = rig.am.clone();
    gone.alerts = Default::default();
    polled(&mut st, 0, back + secs(10), Ok(gone));
    assert_eq!(names(&st), ["FromFlaky"]);
}
