//! The team store from the command line and `oncall serve`, on a real
//! PostgreSQL: `store status|migrate`, a schema newer than the binary
//! refused, two engines on two machines (separate state dirs) paging each
//! level once through it, and the database password in no output or log.

use std::process::Stdio;
use std::time::Duration;

use crate::common::cli::{cluster_config, stderr, stdout, Home};
use crate::common::postgres::{PgServer, PASSWORD};
use crate::common::webhook::{Answer, Receiver};
use crate::common::{eventually, free_port, Alertmanagers};
use serde_json::json;

fn store_config(url_file: &std::path::Path) -> String {
    format!(
        "store: {{kind: postgres, url_file: {}}}\n",
        url_file.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_status_and_migrate_and_a_newer_schema_refused() {
    let server = PgServer::start();
    let url = server.create_db("cli").await;
    let home = Home::new();
    let url_file = home.0.join("db-url");
    std::fs::write(&url_file, &url).unwrap();
    let config = home.config(&store_config(&url_file));
    let run = |args: &[&str]| {
        let mut all = vec!["--config", config.as_str()];
        all.extend(args);
        home.command(&all).output().unwrap()
    };

    let out = run(&["store", "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "store      postgres oncall@127.0.0.1:{}/cli",
            server.port
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "version 0 · behind this oncall (2): oncall store migrate applies \
             1 (page claims, attempts and the engine lease), \
             2 (incidents, their events and the activity log)"
        ),
        "{text}"
    );

    let out = run(&["store", "migrate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let applied = stdout(&out);
    assert!(
        applied.contains("applied version 1\n") && applied.contains("applied version 2\n"),
        "{applied}"
    );
    let out = run(&["store", "migrate"]);
    assert!(
        stdout(&out).contains("schema at version 2, nothing to do"),
        "{}",
        stdout(&out)
    );
    let out = run(&["store", "status"]);
    assert!(
        stdout(&out).contains("version 2 · up to date"),
        "{}",
        stdout(&out)
    );

    // A newer oncall migrated this database: this one refuses it.
    server
        .sql(
            "cli",
            "INSERT INTO oncall_schema_migrations (version, description) VALUES (7, 'from the future')",
        )
        .await;
    let out = run(&["store", "status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("version 7 · NEWER than this oncall knows (2): upgrade oncall"),
        "{}",
        stdout(&out)
    );
    let out = run(&["store", "migrate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the database's schema is version 7, newer than this oncall knows"),
        "{}",
        stderr(&out)
    );
    let ams = Alertmanagers::start(1);
    let serve_config = home.config(&cluster_config(&ams, &store_config(&url_file)));
    let out = home
        .command(&[
            "--config",
            &serve_config,
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "serve refuses a newer schema");
    assert!(
        stderr(&out).contains("newer than this oncall knows"),
        "{}",
        stderr(&out)
    );

    // A URL that cannot be read: check and serve say so, up front.
    let missing = home.config(&cluster_config(
        &ams,
        "store: {kind: postgres, url_env: ONCALL_TEST_NO_SUCH_VAR}\n",
    ));
    let out = home
        .command(&["--config", &missing, "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("store:") || stderr(&out).contains("store:"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    assert!(!stdout(&out).contains(PASSWORD) && !stderr(&out).contains(PASSWORD));
}

const POLICY: &str = r#"escalation:
  - name: serving
    match: 'team="ml-platform"'
    levels:
      - {after: 1s, targets: [fraud-oncall], notify: [pager]}
notifiers:
  - {name: pager, type: webhook, url_file: URL_FILE}
"#;

/// Two engines and two consoles on four "machines" (separate state dirs)
/// sharing one PostgreSQL: one engine holds the team's lease and pages;
/// each level is paged once. The database password is in neither engine's
/// log, even at debug.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_with_their_own_state_dirs_page_once_through_postgres() {
    let server = PgServer::start();
    let url = server.create_db("team").await;
    let ams = Alertmanagers::start(2);
    let receiver = Receiver::start(vec![Answer::Status(200, "ok")]);
    let home = Home::new();
    let url_file = home.0.join("db-url");
    std::fs::write(&url_file, &url).unwrap();
    let pager_file = home.0.join("pager-url");
    std::fs::write(&pager_file, receiver.url("/hook")).unwrap();
    let config = home.config(&cluster_config(
        &ams,
        &format!(
            "refresh: 1s\n{}{}",
            store_config(&url_file),
            POLICY.replace("URL_FILE", &pager_file.display().to_string())
        ),
    ));
    let mut children = Vec::new();
    let mut logs = Vec::new();
    for machine in ["a", "b"] {
        let state = home.0.join(format!("state-{machine}"));
        let log = home.0.join(format!("serve-{machine}.log"));
        let child = home
            .command(&[
                "--config",
                &config,
                "--state-dir",
                &state.display().to_string(),
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .env("RUST_LOG", "oncall=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("oncall serve starts");
        children.push(child);
        logs.push(log);
        // The first takes the lease before the second starts.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    eventually("the second waits", Duration::from_secs(15), || async {
        read(&logs[1])
            .contains("another engine holds the lease")
            .then_some(())
            .ok_or(read(&logs[1]))
    })
    .await;
    // Two consoles on two more machines, open all along.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut consoles = Vec::new();
    for machine in ["c", "d"] {
        let args = oncall::cli::GlobalArgs {
            config: Some(config.clone().into()),
            state_dir: Some(home.0.join(format!("state-{machine}"))),
            ..Default::default()
        };
        let mut settings = oncall::config::from_args(&args).expect("settings");
        settings.author = format!("console-{machine}");
        settings.runbook_dirs.clear();
        let stop = stop.clone();
        consoles.push(tokio::spawn(async move {
            let mut e = oncall::engine::Engine::start(settings, vec![]);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::select! {
                    Some(m) = e.recv() => { e.handle(m); }
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        e.handle(oncall::core::Msg::Tick(chrono::Utc::now()));
                    }
                }
            }
            let held = e.state.paging_held_by.clone();
            e.shutdown().await;
            held
        }));
    }
    // Five groups fall due: each is paged once, by whoever holds the lease.
    let alerts: Vec<serde_json::Value> = (0..5)
        .map(|i| {
            json!({"labels": {"alertname": format!("ModelServerDown{i}"),
                              "severity": "critical", "team": "ml-platform"}})
        })
        .collect();
    ams.post_alerts(json!(alerts)).await;
    eventually("five pages", Duration::from_secs(30), || async {
        let n = receiver.requests().len();
        (n >= 5).then_some(()).ok_or(format!("{n}"))
    })
    .await;
    // The first one stops: the second takes the lease over and pages what
    // falls due next, and nothing already paged again.
    let first = children.remove(0);
    unsafe {
        libc::kill(first.id() as i32, libc::SIGTERM);
    }
    eventually(
        "the second holds the lease",
        Duration::from_secs(20),
        || async {
            read(&logs[1])
                .contains("holding the engine lease")
                .then_some(())
                .ok_or(read(&logs[1]))
        },
    )
    .await;
    ams.post_alerts(
        json!([{"labels": {"alertname": "Later", "severity": "critical", "team": "ml-platform"}}]),
    )
    .await;
    eventually("six pages", Duration::from_secs(30), || async {
        let n = receiver.requests().len();
        (n >= 6).then_some(()).ok_or(format!("{n}"))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut names: Vec<String> = receiver
        .requests()
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            v["alertname"].as_str().unwrap_or("?").to_string()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Later",
            "ModelServerDown0",
            "ModelServerDown1",
            "ModelServerDown2",
            "ModelServerDown3",
            "ModelServerDown4"
        ],
        "each level paged once"
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in consoles {
        let held = c.await.unwrap();
        assert!(
            held.as_deref()
                .is_some_and(|h| h.starts_with("oncall serve on")),
            "the consoles left paging to the engine: {held:?}"
        );
    }
    for mut child in children.into_iter().chain([first]) {
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let _ = child.wait();
    }
    for log in &logs {
        let text = read(log);
        assert!(text.contains("store ready"), "{text}");
        assert!(
            !text.contains(PASSWORD),
            "the password is in {}",
            log.display()
        );
    }
}

/// A state dir's journals go into PostgreSQL once, however often the
/// import runs; postmortems and stats then read them from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_copies_a_state_dir_once_and_stats_read_the_store() {
    let server = PgServer::start();
    let url = server.create_db("import").await;
    let home = Home::new();
    let url_file = home.0.join("db-url");
    std::fs::write(&url_file, &url).unwrap();
    let state = home.0.join("state-dir");
    let incidents = state.join("incidents");
    std::fs::create_dir_all(&incidents).unwrap();
    let journal = |id: &str, title: &str, fp: &str| {
        let lines = [
            json!({"id": format!("{id}-1"), "time": "2026-12-06T02:00:00Z", "actor": "alice", "type": "declared",
                   "text": title, "data": {"title": title, "severity": "SEV2", "fingerprint": fp,
                   "labels": {"alertname": title}, "starts_at": "2026-12-06T01:55:00Z"}}),
            json!({"id": format!("{id}-2"), "time": "2026-12-06T02:05:00Z", "actor": "bob", "type": "note",
                   "text": "rolled back"}),
            json!({"id": format!("{id}-3"), "time": "2026-12-06T02:30:00Z", "actor": "bob", "type": "status",
                   "text": "fixed", "data": {"status": "resolved"}}),
        ];
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        std::fs::write(
            incidents.join(format!("{id}.jsonl")),
            text.join("\n") + "\n",
        )
        .unwrap();
    };
    journal("INC-20261206-001", "FraudLatency", "fp1");
    journal("INC-20261206-002", "DiskFull", "fp2");
    let activity = [
        json!({"time": "2026-12-06T01:55:00Z", "kind": "fired", "alertname": "FraudLatency", "fingerprint": "fp1", "key": "fp1@1"}),
        json!({"time": "2026-12-06T01:56:00Z", "kind": "fired", "alertname": "DiskFull", "fingerprint": "fp2", "key": "fp2@1"}),
    ];
    let text: Vec<String> = activity.iter().map(|l| l.to_string()).collect();
    std::fs::write(state.join("activity.jsonl"), text.join("\n") + "\n").unwrap();
    let drafts = home.0.join("drafts");
    let config = home.config(&format!(
        "postmortems: {}\n{}",
        drafts.display(),
        store_config(&url_file)
    ));
    let dir = state.display().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--config", config.as_str(), "--state-dir", dir.as_str()];
        all.extend(args);
        home.command(&all).output().unwrap()
    };
    let out = run(&["store", "import"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("2 of 2 incidents new, 6 of 6 events new, 2 of 2 activity entries new"),
        "{}",
        stdout(&out)
    );
    let out = run(&["store", "import"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("0 of 2 incidents new, 0 of 6 events new, 0 of 2 activity entries new"),
        "{}",
        stdout(&out)
    );
    // The state dir's files go away: what follows reads the store.
    std::fs::remove_dir_all(&state).unwrap();
    std::fs::create_dir_all(&state).unwrap();
    let out = run(&["incident", "list", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = stdout(&out);
    assert!(
        list.contains("INC-20261206-001") && list.contains("INC-20261206-002"),
        "{list}"
    );
    let out = run(&["postmortem", "INC-20261206-001"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let draft = std::fs::read_to_string(stdout(&out).trim()).unwrap();
    assert!(draft.contains("rolled back"), "{draft}");
    let out = run(&["stats", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["incidents"]["total"], 2, "{v}");
    assert_eq!(v["fired_most"].as_array().map(Vec::len), Some(2), "{v}");
}
