//! SLOs read from a real Prometheus started here, whose recording rules
//! hold the series the SLO queries select, or which scrapes counters the
//! test serves: the SLI, budget and burn rates oncall computes (and shows)
//! match the data fed in; a bad query fails in Prometheus's own words; a
//! dead Prometheus says it cannot connect.

use crate::common;

use std::io::{Read, Write};
use std::time::Duration;

use common::screen::screen;
use common::slos::{slos, state_with, RULES};
use common::{eventually, Prometheus};
use oncall::core::slo::{slo_rows, SloSource, SloStatus};
use oncall::core::{update, Action, Msg, State};
use oncall::source::prom_query::instant;
use oncall::source::slo_query::{read_all, spawn_slo_poller, SliSource};
use oncall::source::SourceEvent;
use tokio::sync::{mpsc, watch};

const T: Duration = Duration::from_secs(10);

/// A metrics endpoint whose counters grow by 999 good and 1 failed request
/// per scrape, so any window's SLI is exactly 99.9 %.
fn counters() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (k, conn) in (1u64..).zip(listener.incoming().flatten()) {
            let mut conn = conn;
            let mut head = [0u8; 1024];
            let _ = conn.read(&mut head);
            let body = format!(
                "# TYPE app_requests_total counter\n\
                 app_requests_total{{status=\"ok\"}} {}\n\
                 app_requests_total{{status=\"error\"}} {k}\n",
                999 * k
            );
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// Reads every SLO once from `source` into a fresh state.
async fn read_into(source: SliSource, name: &str) -> State {
    let mut st = state_with(
        slos(),
        SloSource::Prometheus(name.into()),
        chrono::Utc::now(),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    read_all(&source, &st.slo.defs.clone(), T, &tx).await;
    drop(tx);
    while let Some(m) = rx.recv().await {
        update(&mut st, oncall::engine::msg_of(m));
    }
    st
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn slis_budgets_and_burn_rates_come_from_prometheus() {
    let prom = Prometheus::start_with_rules(&[], RULES);
    let spec = prom.spec();
    // The rules evaluate every second; wait until every series exists.
    eventually("the recording rules have run", T * 3, || async {
        let good = instant(&spec, T, "count(slo_good)")
            .await
            .map_err(|e| e.to_string())?;
        let ratio = instant(&spec, T, "count(slo_ratio)")
            .await
            .map_err(|e| e.to_string())?;
        (good == ["{} 5"] && ratio == ["{} 3"])
            .then_some(())
            .ok_or(format!("{good:?} {ratio:?}"))
    })
    .await;

    let st = read_into(SliSource::Prometheus(Box::new(spec.clone())), "prom").await;
    let rows = slo_rows(&st, st.now);
    let c = &rows[0];
    assert!(close(c.sli, 0.9995) && close(c.budget, 0.5), "{c:?}");
    assert!(
        close(c.burns[0].long.rate, 20.0) && close(c.burns[0].short.rate, 15.0),
        "{c:?}"
    );
    assert!(
        close(c.burns[1].long.rate, 4.0) && close(c.burns[1].short.rate, 10.0),
        "{c:?}"
    );
    assert!(c.burns[0].burning && !c.burns[1].burning);
    assert_eq!(
        (c.status.clone(), c.loading, c.error.clone()),
        (SloStatus::Burning, 0, None)
    );
    let s = &rows[1];
    assert!(close(s.sli, 0.985) && close(s.budget, -0.5), "{s:?}");
    assert_eq!(s.status, SloStatus::Exhausted);
    let b = &rows[2];
    assert_eq!(b.status, SloStatus::Failed);
    let e = b.error.clone().unwrap();
    assert!(e.starts_with("1d: ") && e.contains("parse error"), "{e}");

    // What the on-call engineer sees of it.
    let mut st = st;
    update(&mut st, Msg::Action(Action::Slos));
    let text = screen(&st, 100, 24);
    for want in [
        "SLOs (3) · from prom",
        "checkout",
        "99.9 % 30d",
        "99.95 %",
        "50.0 %",
        "1h 20.0× · 5m 15.0× BURNING >14.4×",
        "6h 4.0× · 30m 10.0× (>6×)",
        "98.50 %",
        "exhausted",
        "-50.0 %",
        "1h 0.5× · 5m 3.0× (>2×)",
        "✗ 1d: bad answer: Prometheus bad_data:",
    ] {
        assert!(text.contains(want), "{want:?} not on screen:\n{text}");
    }
}

#[tokio::test]
async fn a_dead_prometheus_is_a_reason_on_every_slo() {
    let dead = common::spec(
        "prom-dead",
        oncall::source::SourceKind::Prometheus,
        &format!("http://127.0.0.1:{}", common::free_port()),
        None,
    );
    let st = read_into(SliSource::Prometheus(Box::new(dead)), "prom-dead").await;
    for r in slo_rows(&st, st.now) {
        assert_eq!(r.status, SloStatus::Failed, "{}", r.name);
        let e = r.error.unwrap();
        assert!(e.contains("cannot connect"), "{e}");
    }
}

#[tokio::test]
async fn the_reader_reads_again_when_asked() {
    let prom = Prometheus::start_with_rules(&[], RULES);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    let defs = slos();
    let windows: usize = defs.iter().map(|s| s.windows().len()).sum();
    // An hour between rounds: only a refresh request can start the second.
    spawn_slo_poller(
        SliSource::Prometheus(Box::new(prom.spec())),
        defs,
        Duration::from_secs(3600),
        T,
        tx,
        refresh_rx,
    );
    for round in 0..2 {
        for _ in 0..windows {
            let m = tokio::time::timeout(T * 2, rx.recv()).await;
            assert!(
                matches!(m, Ok(Some(SourceEvent::SloRead(_)))),
                "round {round}: {m:?}"
            );
        }
        refresh_tx.send_modify(|n| *n += 1);
    }
}

#[tokio::test]
async fn rates_of_scraped_counters_give_the_sli_over_every_window() {
    let prom = Prometheus::scraping(&format!("127.0.0.1:{}", counters()));
    let spec = prom.spec();
    // rate() needs two samples; a third makes sure of it.
    eventually("three scrapes", T * 3, || async {
        let n = instant(
            &spec,
            T,
            r#"count_over_time(app_requests_total{status="ok"}[1h])"#,
        )
        .await
        .map_err(|e| e.to_string())?;
        let k: f64 = n[0].rsplit(' ').next().unwrap_or("").parse().unwrap_or(0.0);
        (k >= 3.0).then_some(()).ok_or(format!("{n:?}"))
    })
    .await;
    let config = r#"
slos:
  - name: app
    objective: 99
    window: 30d
    good: 'sum(rate(app_requests_total{status!="error"}[{{window}}]))'
    total: 'sum(rate(app_requests_total[{{window}}]))'
"#;
    let c = oncall::config::parse(config, std::path::Path::new("c.yaml")).unwrap();
    let defs = oncall::config::slos(&c.slos).unwrap();
    let mut st = state_with(
        defs.clone(),
        SloSource::Prometheus("prom".into()),
        chrono::Utc::now(),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    read_all(&SliSource::Prometheus(Box::new(spec)), &defs, T, &tx).await;
    drop(tx);
    while let Some(m) = rx.recv().await {
        update(&mut st, oncall::engine::msg_of(m));
    }
    // 0.1 % errors against a 1 % budget: 90 % left, burning 0.1× everywhere.
    let r = &slo_rows(&st, st.now)[0];
    assert!(close(r.sli, 0.999) && close(r.budget, 0.9), "{r:?}");
    for b in &r.burns {
        assert!(
            close(b.long.rate, 0.1) && close(b.short.rate, 0.1) && !b.burning,
            "{b:?}"
        );
    }
    assert_eq!((r.status.clone(), r.error.clone()), (SloStatus::Ok, None));
}
