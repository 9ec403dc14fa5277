//! `oncall serve` as a child process against a real Alertmanager pair, a
//! webhook receiver and a real Prometheus scraping it: it pages with no
//! console open, answers /healthz and /metrics, holds the engine lease,
//! survives a SIGHUP with a broken config, and exits 0 on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::cli::{cluster_config, Home};
use crate::common::webhook::{Answer, Receiver};
use crate::common::{eventually, free_port, Alertmanagers, Prometheus};
use serde_json::json;

/// `GET path` on the engine's port: status and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

fn signal(child: &Child, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig}");
}

/// The child's exit code, waited for up to `within`.
fn exit_code(child: &mut Child, within: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

const POLICY: &str = r#"escalation:
  - name: serving
    match: 'team="ml-platform"'
    levels:
      - {after: 1s, targets: [fraud-oncall], notify: [pager]}
notifiers:
  - {name: pager, type: webhook, url_file: URL_FILE}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_pages_with_no_console_open_and_reports_its_health() {
    let ams = Alertmanagers::start(2);
    let receiver = Receiver::start(vec![Answer::Status(200, "ok")]);
    let home = Home::new();
    let url_file = home.0.join("pager-url");
    std::fs::write(&url_file, receiver.url("/hook")).unwrap();
    let config_text = cluster_config(
        &ams,
        &format!(
            "refresh: 1s\n{}",
            POLICY.replace("URL_FILE", &url_file.display().to_string())
        ),
    );
    let config = home.config(&config_text);
    ams.post_alerts(json!([{
        "labels": {"alertname": "ModelServerDown", "severity": "critical", "team": "ml-platform"},
        "annotations": {"summary": "fraud model server down"}
    }]))
    .await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let log = home.0.join("serve.log");
    let mut child = home
        .command(&["--config", &config, "serve", "--listen", &listen])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("oncall serve starts");
    let stderr = || std::fs::read_to_string(&log).unwrap_or_default();

    // The level falls due and is paged, with no console anywhere.
    let pages = eventually(
        "the page at the webhook",
        Duration::from_secs(30),
        || async {
            let got = receiver.requests();
            (!got.is_empty())
                .then_some(got)
                .ok_or("no page yet".to_string())
        },
    )
    .await;
    assert_eq!(pages[0].method, "POST");
    assert!(
        pages[0].body.contains("ModelServerDown"),
        "{}",
        pages[0].body
    );
    // The webhook may answer before serve has written its log line.
    eventually("serve says it paged", Duration::from_secs(10), || async {
        let said = stderr();
        said.contains("paged").then_some(()).ok_or(said)
    })
    .await;

    // Healthy, and the metrics say what it did.
    let (status, body) = get(port, "/healthz").expect("healthz answers");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, metrics) = get(port, "/metrics").expect("metrics answer");
    assert_eq!(status, 200);
    for line in [
        "oncall_build_info{version=\"0.1.0\"} 1",
        "oncall_deliveries_total{notifier=\"pager\",result=\"ok\"} 1",
        "oncall_escalation_levels_paged_total 1",
        "oncall_engine_paging 1",
        "oncall_alerts{state=\"firing\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line:?} in:\n{metrics}"
        );
    }
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("oncall_source_up{source=") && l.ends_with(" 1")),
        "{metrics}"
    );
    assert_eq!(get(port, "/nope").map(|r| r.0), Some(404));
    // The text format: each family's samples together, under its TYPE.
    let mut family = "";
    for line in metrics.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            family = rest.split(' ').next().unwrap();
        } else if !line.starts_with('#') {
            let name = line.split(['{', ' ']).next().unwrap();
            assert_eq!(name, family, "{line:?} outside its family in:\n{metrics}");
        }
    }

    // It holds the state dir's engine lease.
    let lease = std::fs::read_to_string(home.state_dir().join("engine.lease")).unwrap();
    assert!(lease.contains("oncall serve on"), "{lease}");

    // A broken config on SIGHUP: the old one stays in force.
    std::fs::write(&config, "refresh: [\n").unwrap();
    signal(&child, "HUP");
    eventually("the reload refused", Duration::from_secs(10), || async {
        stderr()
            .contains("config not reloaded")
            .then_some(())
            .ok_or(stderr())
    })
    .await;
    assert_eq!(
        exit_code(&mut child, Duration::from_millis(500)),
        None,
        "still running"
    );
    assert_eq!(get(port, "/healthz").map(|r| r.0), Some(200));

    // Scraped by a real Prometheus as job oncall: up is 1.
    let prom = Prometheus::scraping_as("oncall", &listen);
    let up = |prom_url: String| async move {
        let v: serde_json::Value = reqwest::get(format!("{prom_url}/api/v1/query?query=up"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        v["data"]["result"][0]["value"][1]
            .as_str()
            .map(str::to_string)
            .ok_or(format!("{v}"))
    };
    let first = eventually("Prometheus scraped it", Duration::from_secs(30), || {
        up(prom.url.clone())
    })
    .await;
    assert_eq!(first, "1");

    // Its sources stop answering: unhealthy, naming them.
    drop(ams);
    let (_, why) = eventually("healthz turns 503", Duration::from_secs(20), || async {
        match get(port, "/healthz") {
            Some((503, body)) => Ok((503, body)),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(why.contains("am"), "{why}");

    // SIGTERM: a clean exit 0, the lease given back; Prometheus sees it gone.
    signal(&child, "TERM");
    assert_eq!(
        exit_code(&mut child, Duration::from_secs(15)),
        Some(0),
        "{}",
        stderr()
    );
    assert!(!home.state_dir().join("engine.lease").exists());
    let gone = eventually("up turns 0", Duration::from_secs(30), || async {
        let v = up(prom.url.clone()).await?;
        (v == "0").then_some(v.clone()).ok_or(v)
    })
    .await;
    assert_eq!(gone, "0");
}

/// A webhook that answers 500 for a while: the page is tried again every
/// `page_retry`, said as failed meanwhile, and delivered once it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_page_is_tried_again_until_it_is_delivered() {
    let ams = Alertmanagers::start(1);
    let receiver = Receiver::start(vec![
        Answer::Status(500, "down"),
        Answer::Status(500, "down"),
        Answer::Status(200, "ok"),
    ]);
    let home = Home::new();
    let url_file = home.0.join("pager-url");
    std::fs::write(&url_file, receiver.url("/hook")).unwrap();
    let policy = POLICY
        .replace("URL_FILE", &url_file.display().to_string())
        .replace("url_file: ", "retries: 0, url_file: ");
    let config = home.config(&cluster_config(
        &ams,
        &format!("refresh: 1s\npage_retry: 1s\n{policy}"),
    ));
    ams.post_alerts(json!([{
        "labels": {"alertname": "ModelServerDown", "severity": "critical", "team": "ml-platform"}
    }]))
    .await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let log = home.0.join("serve.log");
    let mut child = home
        .command(&["--config", &config, "serve", "--listen", &listen])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("oncall serve starts");
    let stderr = || std::fs::read_to_string(&log).unwrap_or_default();
    eventually(
        "delivered on the third try",
        Duration::from_secs(40),
        || async {
            let n = receiver.requests().len();
            (n >= 3).then_some(()).ok_or(format!("{n} requests"))
        },
    )
    .await;
    let metrics = eventually("the metrics settle", Duration::from_secs(10), || async {
        let (_, m) = get(port, "/metrics").ok_or("no answer")?;
        m.contains("oncall_pages_failing 0")
            .then_some(m.clone())
            .ok_or(m)
    })
    .await;
    for line in [
        "oncall_deliveries_total{notifier=\"pager\",result=\"failed\"} 2",
        "oncall_deliveries_total{notifier=\"pager\",result=\"ok\"} 1",
        "oncall_escalation_levels_failed_total 1",
        "oncall_escalation_levels_paged_total 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line:?} in:\n{metrics}"
        );
    }
    assert_eq!(receiver.requests().len(), 3, "delivered once, never again");
    let log_text = stderr();
    let failed = log_text
        .find("page NOT delivered")
        .expect("the failure is logged");
    assert!(log_text[failed..].contains("paged"), "{log_text}");
    signal(&child, "TERM");
    assert_eq!(exit_code(&mut child, Duration::from_secs(15)), Some(0));
}

/// Two engines on one state dir: one holds the lease and pages, the other
/// waits; each due level is paged once. When the first stops, the second
/// takes the lease over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_state_dir_page_once_and_hand_over() {
    let ams = Alertmanagers::start(1);
    let receiver = Receiver::start(vec![Answer::Status(200, "ok")]);
    let home = Home::new();
    let url_file = home.0.join("pager-url");
    std::fs::write(&url_file, receiver.url("/hook")).unwrap();
    let config = home.config(&cluster_config(
        &ams,
        &format!(
            "refresh: 1s\n{}",
            POLICY.replace("URL_FILE", &url_file.display().to_string())
        ),
    ));
    let start = |tag: &str| {
        let port = free_port();
        let log = home.0.join(format!("serve-{tag}.log"));
        let child = home
            .command(&[
                "--config",
                &config,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("oncall serve starts");
        (child, port, log)
    };
    let (mut first, _, first_log) = start("a");
    eventually(
        "the first holds the lease",
        Duration::from_secs(10),
        || async {
            std::fs::read_to_string(home.state_dir().join("engine.lease"))
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    )
    .await;
    let (mut second, second_port, second_log) = start("b");
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    eventually("the second waits", Duration::from_secs(15), || async {
        read(&second_log)
            .contains("another engine holds the lease")
            .then_some(())
            .ok_or(read(&second_log))
    })
    .await;
    ams.post_alerts(json!([{
        "labels": {"alertname": "ModelServerDown", "severity": "critical", "team": "ml-platform"}
    }]))
    .await;
    eventually("the page", Duration::from_secs(30), || async {
        let n = receiver.requests().len();
        (n >= 1).then_some(()).ok_or(format!("{n}"))
    })
    .await;
    // Long enough for a second page, were there one.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(receiver.requests().len(), 1, "paged once");
    assert!(read(&first_log).contains("paged"), "{}", read(&first_log));
    assert!(
        !read(&second_log).contains(" paged"),
        "{}",
        read(&second_log)
    );
    // The first stops; the second takes over within a lease check.
    signal(&first, "TERM");
    assert_eq!(exit_code(&mut first, Duration::from_secs(15)), Some(0));
    eventually("the second pages now", Duration::from_secs(15), || async {
        let (_, m) = get(second_port, "/metrics").ok_or("no answer")?;
        m.lines()
            .any(|l| l == "oncall_engine_paging 1")
            .then_some(())
            .ok_or(m)
    })
    .await;
    assert!(
        read(&second_log).contains("holding the engine lease"),
        "{}",
        read(&second_log)
    );
    signal(&second, "TERM");
    assert_eq!(exit_code(&mut second, Duration::from_secs(15)), Some(0));
}

/// The engine holding a level dies (kill -9) mid-retry: once its hold runs
/// out, another engine takes the level over and delivers it, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_level_held_by_an_engine_that_died_is_delivered_by_another() {
    let ams = Alertmanagers::start(1);
    let receiver = Receiver::start(vec![Answer::Status(200, "ok")]);
    let home = Home::new();
    let url_file = home.0.join("pager-url");
    // Nothing listens there yet: the first engine's tries fail.
    let dead = format!(
        "http://127.0.0.1:{}/hook",
        crate::common::webhook::closed_port()
    );
    std::fs::write(&url_file, &dead).unwrap();
    let policy = POLICY
        .replace("URL_FILE", &url_file.display().to_string())
        .replace("url_file: ", "retries: 0, url_file: ");
    let config = home.config(&cluster_config(
        &ams,
        &format!("refresh: 1s\npage_retry: 1s\n{policy}"),
    ));
    ams.post_alerts(json!([{
        "labels": {"alertname": "ModelServerDown", "severity": "critical", "team": "ml-platform"}
    }]))
    .await;
    let start = |tag: &str| {
        let log = home.0.join(format!("serve-{tag}.log"));
        let child = home
            .command(&[
                "--config",
                &config,
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("oncall serve starts");
        (child, log)
    };
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    let (mut first, first_log) = start("a");
    eventually(
        "the first engine fails to page",
        Duration::from_secs(30),
        || async {
            read(&first_log)
                .contains("page NOT delivered")
                .then_some(())
                .ok_or(read(&first_log))
        },
    )
    .await;
    first.kill().unwrap();
    let _ = first.wait();
    std::fs::write(&url_file, receiver.url("/hook")).unwrap();
    let (mut second, second_log) = start("b");
    let got = eventually(
        "the second engine delivers",
        Duration::from_secs(90),
        || async {
            let n = receiver.requests().len();
            (n >= 1)
                .then_some(n)
                .ok_or(format!("{n}; {}", read(&second_log)))
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!((got, receiver.requests().len()), (1, 1), "delivered once");
    let claims = read(&home.state_dir().join("paged.jsonl"));
    assert!(claims.contains("\"outcome\":\"failed\""), "{claims}");
    assert!(claims.contains("\"outcome\":\"delivered\""), "{claims}");
    signal(&second, "TERM");
    assert_eq!(exit_code(&mut second, Duration::from_secs(15)), Some(0));
}

/// A notifier that could not page is found at start, not at 3 a.m.
#[test]
fn serve_refuses_to_start_with_a_notifier_it_cannot_read() {
    let home = Home::new();
    let missing = home.0.join("no-such-url-file");
    let config = home.config(&format!(
        "alertmanagers:\n  - {{name: am, url: \"http://127.0.0.1:9\"}}\n{}",
        POLICY.replace("URL_FILE", &missing.display().to_string())
    ));
    let out = home
        .command(&[
            "--config",
            &config,
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notifier pager: cannot read"), "{err}");
}

/// A console on the state dir of a running `serve` pages nothing, and shows
/// the engine's page that no notifier delivers as PAGE FAILED, with its
/// reason and tries, read from the claims.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_shows_the_engines_failing_page() {
    let ams = Alertmanagers::start(1);
    let receiver = Receiver::start(vec![Answer::Status(500, "down")]);
    let home = Home::new();
    let url_file = home.0.join("pager-url");
    std::fs::write(&url_file, receiver.url("/hook")).unwrap();
    let policy = POLICY
        .replace("URL_FILE", &url_file.display().to_string())
        .replace("url_file: ", "retries: 0, url_file: ");
    let config = home.config(&cluster_config(
        &ams,
        &format!("refresh: 1s\npage_retry: 2s\n{policy}"),
    ));
    ams.post_alerts(json!([{
        "labels": {"alertname": "ModelServerDown", "severity": "critical", "team": "ml-platform"}
    }]))
    .await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = home
        .command(&["--config", &config, "serve", "--listen", &listen])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("oncall serve starts");
    eventually("serve tried twice", Duration::from_secs(30), || async {
        let n = receiver.requests().len();
        (n >= 2).then_some(()).ok_or(format!("{n} requests"))
    })
    .await;

    let args = oncall::cli::GlobalArgs {
        config: Some(config.clone().into()),
        state_dir: Some(home.state_dir()),
        ..Default::default()
    };
    let mut settings = oncall::config::from_args(&args).expect("settings");
    settings.author = "console-alice".into();
    settings.runbook_dirs.clear();
    let mut console = oncall::engine::Engine::start(settings, vec![]);
    let start = Instant::now();
    let words = loop {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the console never showed the engine's failure: held by {:?}, failed {:?}",
            console.state.paging_held_by,
            console.state.failed_pages
        );
        match tokio::time::timeout(Duration::from_millis(500), console.recv()).await {
            Ok(Some(msg)) => {
                console.handle(msg);
            }
            Ok(None) => panic!("the console's tasks ended"),
            Err(_) => {
                console.handle(oncall::core::Msg::Tick(chrono::Utc::now()));
            }
        }
        if let Some(f) = console.state.failed_page_for("serving", "ModelServerDown") {
            if console.state.paging_held_by.is_some() {
                break f.words(console.state.now);
            }
        }
    };
    assert!(
        words.starts_with("PAGE FAILED L1 (") && words.contains("webhook pager: HTTP 500"),
        "{words}"
    );
    console.shutdown().await;
    let claims = std::fs::read_to_string(home.state_dir().join("paged.jsonl")).unwrap();
    assert!(
        !claims.contains("console-alice"),
        "the console claimed nothing:\n{claims}"
    );
    signal(&child, "TERM");
    assert_eq!(exit_code(&mut child, Duration::from_secs(15)), Some(0));
}
