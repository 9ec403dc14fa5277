//! Fault injection: a tiny local HTTP server that answers badly in every way
//! a proxy, a broken server or a slow network does. Each must become the
//! right `SourceError`, in words a tired human understands.

use crate::common;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::{spec, Alertmanagers};
use oncall::core::{update, Health, Msg, State};
use oncall::model::Labels;
use oncall::source::http::HttpClient;
use oncall::source::last_poll::LastPoll;
use oncall::source::poll::fetch_with;
use oncall::source::{fetch_once, SourceError, SourceKind};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_millis(400);

/// The fault server's port; the first path segment picks the fault, so a
/// source URL like `http://127.0.0.1:P/truncated` also exercises path prefixes.
fn fault_server() -> u16 {
    common::faults::FaultServer::start().port
}

async fn am_error(url: &str) -> SourceError {
    fetch_once(&spec("bad", SourceKind::Alertmanager, url, None), TIMEOUT)
        .await
        .expect_err("a fault must be an error")
}

#[tokio::test]
async fn every_fault_has_its_own_error_and_clear_words() {
    let port = fault_server();
    let base = format!("http://127.0.0.1:{port}");

    let e = am_error(&format!("{base}/500/")).await;
    assert_eq!(
        e,
        SourceError::Status {
            status: 500,
            snippet: "internal error: boom in the datastore".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "HTTP 500: internal error: boom in the datastore"
    );

    let e = am_error(&format!("{base}/malformed")).await;
    assert!(matches!(e, SourceError::Decode(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("bad answer: invalid JSON at line 1 column"),
        "{e}"
    );

    let e = am_error(&format!("{base}/truncated")).await;
    assert!(matches!(e, SourceError::Decode(_)), "{e:?}");
    assert!(e.to_string().contains("ended early (truncated?)"), "{e}");

    let e = am_error(&format!("{base}/shape")).await;
    assert!(matches!(e, SourceError::Decode(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("unexpected JSON shape at line 1 column 1: expected a list, found an object"),
        "{e}"
    );

    assert_eq!(am_error(&format!("{base}/html")).await, SourceError::Html);
    assert_eq!(
        am_error(&format!("{base}/html-no-type")).await,
        SourceError::Html
    );
    assert!(SourceError::Html.to_string().contains("login"));

    let started = std::time::Instant::now();
    let e = am_error(&format!("{base}/slow")).await;
    assert_eq!(e, SourceError::Timeout(TIMEOUT));
    assert_eq!(e.to_string(), "no answer within 0.4s");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout must cut the wait short"
    );

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = am_error(&format!("http://127.0.0.1:{closed}")).await;
    assert_eq!(e, SourceError::Connect("connection refused".into()));
    assert_eq!(e.to_string(), "cannot connect: connection refused");

    let e = fetch_once(
        &spec(
            "p",
            SourceKind::Prometheus,
            &format!("{base}/prom-error"),
            None,
        ),
        TIMEOUT,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        SourceError::Decode("Prometheus unavailable: TSDB not ready".into())
    );

    let e = fetch_once(
        &spec("p", SourceKind::Prometheus, &format!("{base}/shape"), None),
        TIMEOUT,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("missing field `status`"), "{e}");

    let e = am_error("http://no-such-host.invalid:9093").await;
    assert_eq!(
        e,
        SourceError::Connect("cannot resolve no-such-host.invalid".into())
    );
    let e = am_error("am.example:9093").await;
    assert!(
        matches!(&e, SourceError::Config(m) if m.contains("must be http:// or https://")),
        "{e}"
    );
    let e = am_error("not a url").await;
    assert!(
        matches!(&e, SourceError::Config(m) if m.contains("invalid URL \"not a url\"")),
        "{e}"
    );

    let e = fetch_once(&spec("d", SourceKind::Demo, "", None), TIMEOUT)
        .await
        .unwrap_err();
    assert_eq!(e, SourceError::Config("demo source has no endpoint".into()));
}

#[tokio::test]
async fn missing_token_names_the_variable() {
    let mut s = spec("am", SourceKind::Alertmanager, "http://127.0.0.1:1", None);
    s.auth.bearer_token = Some(oncall::source::Secret::Env(
        "ONCALL_FAULTS_NO_SUCH_TOKEN".into(),
    ));
    let e = fetch_once(&s, TIMEOUT).await.unwrap_err();
    assert_eq!(
        e,
        SourceError::Config(
            "bearer token: environment variable ONCALL_FAULTS_NO_SUCH_TOKEN is not set".into()
        )
    );
    s.auth.bearer_token = Some(oncall::source::Secret::File(
        "/nonexistent/oncall/token".into(),
    ));
    let e = fetch_once(&s, TIMEOUT).await.unwrap_err();
    assert_eq!(
        e,
        SourceError::Config(
            "bearer token: cannot read /nonexistent/oncall/token: no such file".into()
        )
    );
}

#[tokio::test]
async fn credentials_are_sent_trimmed() {
    use oncall::source::Secret;
    let port = fault_server();
    let url = format!("http://127.0.0.1:{port}/auth");
    let mut s = spec("am", SourceKind::Alertmanager, &url, None);
    assert_eq!(
        am_error(&url).await,
        SourceError::Status {
            status: 401,
            snippet: "Unauthorized".into()
        }
    );

    let dir = common::temp_dir("token");
    std::fs::write(dir.join("token"), "t0ken\n").unwrap();
    s.auth.bearer_token = Some(Secret::File(dir.join("token")));
    let snap = fetch_once(&s, TIMEOUT)
        .await
        .expect("bearer token from a file, trimmed");
    assert!(
        snap.alerts.is_empty() && snap.peer.is_none(),
        "a failing status call does not fail the poll"
    );

    s.auth.bearer_token = None;
    s.auth.basic_user = Some("alice".into());
    // A file, not set_var: changing the environment races other tests' threads.
    std::fs::write(dir.join("password"), " s3cret \n").unwrap();
    s.auth.basic_password = Some(Secret::File(dir.join("password")));
    fetch_once(&s, TIMEOUT).await.expect("basic auth");
    let _ = std::fs::remove_dir_all(dir);
}

/// A good real Alertmanager next to a broken source: the good alerts show;
/// when the good one dies too, its last data stays and its health turns stale.
#[tokio::test]
async fn failing_sources_keep_the_last_good_data() {
    let mut ams = Alertmanagers::start(1);
    ams.post_alerts(json!([{"labels": {"alertname": "StillHere", "severity": "critical"}}]))
        .await;
    let port = fault_server();
    let specs = vec![
        ams.spec(0),
        spec(
            "broken",
            SourceKind::Alertmanager,
            &format!("http://127.0.0.1:{port}/500"),
            None,
        ),
    ];
    let mut state = State::new(&specs, Utc::now(), Duration::from_secs(10));

    let good = common::first_alerts(&specs[0], TIMEOUT).await;
    let bad = fetch_once(&specs[1], TIMEOUT).await;
    update(
        &mut state,
        Msg::Polled {
            source: 0,
            at: Utc::now(),
            result: Ok(good),
        },
    );
    update(
        &mut state,
        Msg::Polled {
            source: 1,
            at: Utc::now(),
            result: bad,
        },
    );
    assert_eq!(state.alerts.len(), 1);
    assert_eq!(state.alerts[0].alertname(), "StillHere");
    assert_eq!(state.health(0), Health::Ok);
    assert_eq!(
        state.health(1),
        Health::Down {
            reason: "HTTP 500: internal error: boom in the datastore".into()
        }
    );

    ams.kill(0);
    let gone = fetch_once(&specs[0], TIMEOUT).await;
    assert_eq!(gone, Err(SourceError::Connect("connection refused".into())));
    update(
        &mut state,
        Msg::Polled {
            source: 0,
            at: Utc::now(),
            result: gone,
        },
    );
    assert_eq!(state.alerts.len(), 1, "the last good data stays");
    assert!(
        matches!(state.health(0), Health::Stale { ref reason, .. } if reason == "cannot connect: connection refused")
    );
    assert!(state.is_stale(&state.alerts[0]));
}

/// The poller backs off after a failure, polls at once on a refresh
/// request, and stops when the receiving side is gone.
#[tokio::test]
async fn poller_backs_off_refreshes_on_demand_and_stops() {
    use oncall::source::spawn_poller;
    use tokio::time::{timeout, Instant};
    let port = fault_server();
    let s = spec(
        "broken",
        SourceKind::Alertmanager,
        &format!("http://127.0.0.1:{port}/500"),
        None,
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (refresh, refresh_rx) = tokio::sync::watch::channel(0u64);
    let task = spawn_poller(s, 7, Duration::from_secs(60), TIMEOUT, tx, refresh_rx);

    let failed = |m: Option<oncall::source::SourceEvent>| {
        matches!(
            m,
            Some(oncall::source::SourceEvent::Polled {
                source: 7,
                result: Err(SourceError::Status { status: 500, .. }),
                ..
            })
        )
    };
    assert!(failed(rx.recv().await), "first poll at once");
    let t = Instant::now();
    assert!(failed(rx.recv().await));
    let gap = t.elapsed();
    // First backoff is 1s ±20%, far below the 60s refresh.
    assert!(
        gap >= Duration::from_millis(700) && gap < Duration::from_secs(3),
        "backoff gap {gap:?}"
    );

    refresh.send(1).unwrap();
    let t = Instant::now();
    assert!(failed(
        timeout(Duration::from_secs(1), rx.recv())
            .await
            .expect("refresh_now polls early")
    ));
    assert!(t.elapsed() < Duration::from_secs(1));

    drop(rx);
    timeout(Duration::from_secs(2), task)
        .await
        .expect("poller stops when the channel closes")
        .unwrap();
}

/// An SLO reading from a Prometheus that answers slowly, with its own
/// error, or with a login page: each is the reason the SLO pane shows.
#[tokio::test]
async fn slo_readings_fail_with_the_reason() {
    let port = fault_server();
    let slo = common::slos::slos().remove(0);
    for (fault, want) in [
        ("slow", "good: no answer within 0.4s"),
        ("prom-error", "Prometheus unavailable: TSDB not ready"),
        ("html", "HTML page"),
    ] {
        let prom = spec(
            "prom-faulty",
            SourceKind::Prometheus,
            &format!("http://127.0.0.1:{port}/{fault}"),
            None,
        );
        let started = std::time::Instant::now();
        let e = oncall::source::slo_query::sli(&prom, TIMEOUT, &slo, slo.window, Utc::now())
            .await
            .unwrap_err();
        assert!(e.contains(want), "{fault}: {e}");
        assert!(started.elapsed() < Duration::from_secs(2), "{fault} waited");
    }
}

/// A poller keeps its last good answer for the next poll (`last_poll`): a
/// poll whose silences call fails is no good answer, so it replaces nothing,
/// and the next good poll is still read after the last good one.
#[tokio::test]
async fn a_failed_poll_leaves_the_last_good_answer_kept() {
    let server = common::faults::FaultServer::start();
    let spec = spec(
        "flaky",
        SourceKind::Alertmanager,
        &server.switch_url(),
        None,
    );
    let client = HttpClient::new(&spec, TIMEOUT).unwrap();
    let mut last = None;
    let good = fetch_with(&client, &spec, Some(&mut last)).await.unwrap();
    let kept =
        |last: &Option<LastPoll>| Arc::clone(last.as_ref().expect("an answer kept").alerts());
    assert!(Arc::ptr_eq(&kept(&last), &good.alerts));

    server.set("no-silences");
    let e = fetch_with(&client, &spec, Some(&mut last))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "HTTP 500: silences are down");
    assert!(
        Arc::ptr_eq(&kept(&last), &good.alerts),
        "a failed poll replaced the last good answer"
    );

    server.set("good");
    let again = fetch_with(&client, &spec, Some(&mut last)).await.unwrap();
    assert!(Arc::ptr_eq(&kept(&last), &again.alerts));
    assert_eq!(again.alerts, good.alerts);
    assert!(
        Labels::ptr_eq(&again.alerts[0].labels, &good.alerts[0].labels),
        "the unchanged alert was read anew"
    );
}
