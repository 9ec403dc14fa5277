//! Escalation notifiers against real receivers: a hand-written HTTP/1.1
//! server on 127.0.0.1 answering a programmed status sequence, and real
//! processes for the command notifier.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use oncall::notify::{deliver, slack_text, Notification, Notifier, NotifierKind, Secret};
use serde_json::Value;

use crate::common::webhook::{closed_port, Answer, Receiver};

// ---------------------------------------------------------------- fixtures

fn note() -> Notification {
    let mut labels = oncall::model::Labels::new();
    labels.insert("alertname".into(), "ModelServerDown".into());
    labels.insert("severity".into(), "critical".into());
    labels.insert("team".into(), "ml".into());
    Notification {
        policy: "ml-model-serving".into(),
        level: 2,
        targets: vec!["ml-platform-lead".into()],
        alertname: "ModelServerDown".into(),
        group: "{}/{team=\"ml\"}:{alertname=\"ModelServerDown\"}".into(),
        labels,
        summary: "model server down for 5m".into(),
        console: "alice@laptop".into(),
        time: Utc.with_ymd_and_hms(2024, 3, 1, 12, 30, 0).unwrap(),
        incident: Some("INC-42".into()),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oncall-notify-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The URL in a file, as the config would name it.
fn url_in_file(dir: &Path, url: &str) -> Secret {
    let path = dir.join("webhook-url");
    std::fs::write(&path, format!("{url}\n")).unwrap();
    Secret::File(path)
}

fn webhook(name: &str, url: Secret, slack: bool) -> Notifier {
    Notifier {
        name: name.into(),
        kind: NotifierKind::Webhook { url, slack },
        timeout: Duration::from_secs(5),
        retries: 3,
        backoff_base: Duration::from_millis(50),
    }
}

fn command(name: &str, script: &str, files: &[&Path]) -> Notifier {
    let mut args = vec!["-c".to_string(), script.to_string(), "sh".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    Notifier {
        name: name.into(),
        kind: NotifierKind::Command {
            program: "/bin/sh".into(),
            args,
        },
        timeout: Duration::from_secs(10),
        retries: 0,
        backoff_base: Duration::from_millis(50),
    }
}

// ---------------------------------------------------------------- webhook

#[tokio::test]
async fn webhook_posts_the_notification_as_json() {
    let dir = scratch("generic");
    let rx = Receiver::start(vec![Answer::Status(200, "ok")]);
    let n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    assert_eq!(deliver(&n, &note()).await, Ok(1));

    let reqs = rx.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/hook");
    assert!(
        reqs[0].content_type.starts_with("application/json"),
        "{:?}",
        reqs[0]
    );
    let v: Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(v["policy"], "ml-model-serving");
    assert_eq!(v["level"], 2);
    assert_eq!(v["targets"], serde_json::json!(["ml-platform-lead"]));
    assert_eq!(v["alertname"], "ModelServerDown");
    assert_eq!(v["labels"]["severity"], "critical");
    assert_eq!(v["summary"], "model server down for 5m");
    assert_eq!(v["console"], "alice@laptop");
    assert_eq!(v["incident"], "INC-42");
    let time: chrono::DateTime<Utc> = v["time"].as_str().unwrap().parse().unwrap();
    assert_eq!(time, note().time);
}

#[tokio::test]
async fn slack_webhook_posts_one_readable_line() {
    let dir = scratch("slack");
    let rx = Receiver::start(vec![Answer::Status(200, "ok")]);
    let n = webhook("slack", url_in_file(&dir, &rx.url("/services/T/B/x")), true);
    assert_eq!(deliver(&n, &note()).await, Ok(1));

    let reqs = rx.requests();
    assert_eq!(reqs.len(), 1);
    let v: Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "text": "[oncall] ModelServerDown → level 2: ml-platform-lead (policy ml-model-serving)"
        })
    );
}

#[test]
fn slack_text_stays_one_line_and_escapes_slack_markup() {
    let mut n = note();
    n.alertname = "Evil<!channel>\nSecond & line".into();
    n.targets = vec!["a".into(), "b".into()];
    let text = slack_text(&n);
    assert!(!text.contains('\n'), "{text}");
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
    assert!(text.contains("&lt;!channel&gt;"), "{text}");
    assert!(text.contains("&amp;"), "{text}");
    assert!(
        text.ends_with("level 2: a, b (policy ml-model-serving)"),
        "{text}"
    );
}

#[tokio::test]
async fn a_503_is_retried_until_delivered() {
    let dir = scratch("retry503");
    let rx = Receiver::start(vec![
        Answer::Status(503, "upstream down"),
        Answer::Status(200, "ok"),
    ]);
    let n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    let started = Instant::now();
    assert_eq!(deliver(&n, &note()).await, Ok(2));
    assert!(started.elapsed() >= Duration::from_millis(50), "no backoff");
    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
}

#[tokio::test]
async fn a_429_is_retried_too() {
    let dir = scratch("retry429");
    let rx = Receiver::start(vec![
        Answer::Status(429, "slow down"),
        Answer::Status(204, ""),
    ]);
    let n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    assert_eq!(deliver(&n, &note()).await, Ok(2));
    assert_eq!(rx.requests().len(), 2);
}

#[tokio::test]
async fn a_400_fails_at_once_without_retry() {
    let dir = scratch("fail400");
    let rx = Receiver::start(vec![Answer::Status(400, "invalid_payload")]);
    let n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(err, "webhook pager: HTTP 400 (invalid_payload)");
    assert_eq!(rx.requests().len(), 1);
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let dir = scratch("redirect");
    let rx = Receiver::start(vec![Answer::Status(302, "")]);
    let n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    let err = deliver(&n, &note()).await.unwrap_err();
    assert!(err.starts_with("webhook pager: HTTP 302"), "{err}");
    assert_eq!(rx.requests().len(), 1);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_the_retries() {
    let dir = scratch("giveup");
    let rx = Receiver::start(vec![Answer::Status(503, "")]);
    let mut n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    n.retries = 2;
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(err, "webhook pager: HTTP 503 (gave up after 3 attempts)");
    assert_eq!(rx.requests().len(), 3);
}

#[tokio::test]
async fn a_receiver_that_comes_up_late_still_gets_the_page() {
    let dir = scratch("late");
    let port = closed_port();
    let answers = vec![Answer::Status(200, "ok")];
    let started = Arc::new(Mutex::new(None::<Receiver>));
    let slot = started.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        *slot.lock().unwrap() = Some(Receiver::serve(listener, answers));
    });
    let mut n = webhook(
        "pager",
        url_in_file(&dir, &format!("http://127.0.0.1:{port}/hook")),
        false,
    );
    n.retries = 6; // 50 + 100 + 200 ms of backoff pass the 150 ms
    let attempts = deliver(&n, &note()).await.unwrap();
    assert!(
        attempts >= 2,
        "the first attempt cannot have reached it: {attempts}"
    );
    let rx = started.lock().unwrap().clone().expect("receiver started");
    assert_eq!(rx.requests().len(), 1);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_then_reported() {
    let dir = scratch("refused");
    let port = closed_port();
    let mut n = webhook(
        "pager",
        url_in_file(&dir, &format!("http://127.0.0.1:{port}/hook")),
        false,
    );
    n.retries = 1;
    let err = deliver(&n, &note()).await.unwrap_err();
    assert!(err.starts_with("webhook pager: cannot connect"), "{err}");
    assert!(err.ends_with("(gave up after 2 attempts)"), "{err}");
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out() {
    let dir = scratch("hang");
    let rx = Receiver::start(vec![Answer::Hang]);
    let mut n = webhook("pager", url_in_file(&dir, &rx.url("/hook")), false);
    n.timeout = Duration::from_millis(300);
    n.retries = 1;
    let started = Instant::now();
    let err = deliver(&n, &note()).await.unwrap_err();
    assert!(
        err.starts_with("webhook pager: no answer within 0.3s"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(rx.requests().len(), 2);
}

#[tokio::test]
async fn the_secret_url_never_shows_in_errors() {
    let dir = scratch("secret");
    let pieces = ["T0SECRETX", "B0SECRETX", "XyZsEcReTtOkEn", "hunter2hunter2"];
    let path = "/services/T0SECRETX/B0SECRETX/XyZsEcReTtOkEn?token=hunter2hunter2";
    // The receiver echoes the path it did not find, as real ones do.
    let echo: &'static str = Box::leak(format!("no route for {path}").into_boxed_str());
    let rx = Receiver::start(vec![Answer::Status(404, echo)]);
    let mut n = webhook("pager", url_in_file(&dir, &rx.url(path)), true);
    n.retries = 0;
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(err, "webhook pager: HTTP 404 (no route for …?…)");
    let down = closed_port();
    let mut refused = n.clone();
    refused.kind = NotifierKind::Webhook {
        url: url_in_file(
            &dir,
            &format!("http://user:pa55w0rdX@127.0.0.1:{down}{path}"),
        ),
        slack: false,
    };
    let err2 = deliver(&refused, &note()).await.unwrap_err();
    assert_eq!(err2, "webhook pager: cannot connect: connection refused");
    let shown = format!("{err}\n{err2}\n{n:?}\n{refused:?}");
    for secret in pieces.iter().chain(&["pa55w0rdX"]) {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[tokio::test]
async fn a_missing_or_bad_url_is_reported_by_its_origin() {
    let n = webhook(
        "pager",
        Secret::Env("ONCALL_TEST_NOTIFY_SURELY_UNSET".into()),
        false,
    );
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(
        err,
        "webhook pager: webhook URL: environment variable ONCALL_TEST_NOTIFY_SURELY_UNSET is not set"
    );
    let dir = scratch("badurl");
    let n = webhook("pager", url_in_file(&dir, "ftp://secretsecret/x"), false);
    let err = deliver(&n, &note()).await.unwrap_err();
    assert!(err.contains("is not an http:// or https:// URL"), "{err}");
    assert!(!err.contains("secretsecret"), "{err}");
}

#[tokio::test]
async fn the_terminal_notifier_has_nothing_to_deliver() {
    let n = Notifier::new("bell", NotifierKind::Terminal);
    assert_eq!(deliver(&n, &note()).await, Ok(1));
}

// ---------------------------------------------------------------- command

fn env_file(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn a_command_gets_the_notification_in_its_environment_only() {
    let dir = scratch("env");
    let envf = dir.join("env");
    let statf = dir.join("stat");
    let marker = dir.join("MARKER");
    let evil = format!("$(touch {})", marker.display());
    let mut note = note();
    note.labels.insert("instance".into(), evil.as_str().into());
    note.labels
        .insert("k8s.pod-name".into(), "`touch x`; rm -rf /nope".into());
    note.summary = format!("down; {evil}");
    note.targets = vec!["ml-platform-lead".into(), "ml-oncall".into()];
    let n = command(
        "script",
        r#"env > "$1"; cat /proc/$$/stat > "$2"; read -r line; echo "stdin:$line" >> "$1""#,
        &[&envf, &statf],
    );
    assert_eq!(deliver(&n, &note).await, Ok(1));

    let env = env_file(&envf);
    assert_eq!(env["ONCALL_ALERTNAME"], "ModelServerDown");
    assert_eq!(env["ONCALL_LEVEL"], "2");
    assert_eq!(env["ONCALL_TARGETS"], "ml-platform-lead,ml-oncall");
    assert_eq!(env["ONCALL_POLICY"], "ml-model-serving");
    assert_eq!(env["ONCALL_SUMMARY"], format!("down; {evil}"));
    assert_eq!(env["ONCALL_INCIDENT"], "INC-42");
    assert_eq!(env["ONCALL_LABEL_SEVERITY"], "critical");
    assert_eq!(env["ONCALL_LABEL_INSTANCE"], evil);
    assert_eq!(env["ONCALL_LABEL_K8S_POD_NAME"], "`touch x`; rm -rf /nope");
    assert!(
        env.contains_key("PATH"),
        "the console's environment is inherited"
    );
    assert!(!marker.exists(), "a label value was executed");
    // stdin is empty: `read` got nothing.
    assert!(std::fs::read_to_string(&envf).unwrap().contains("stdin:\n"));

    // /proc/PID/stat: pid (comm) state ppid pgrp session: a session and group of its own.
    let stat = std::fs::read_to_string(&statf).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let pid = stat.split_whitespace().next().unwrap();
    assert_eq!(fields[2], pid, "process group: {stat}");
    assert_eq!(fields[3], pid, "session: {stat}");
}

#[tokio::test]
async fn a_failing_command_is_retried_and_its_stderr_reported() {
    let dir = scratch("fail");
    let count = dir.join("count");
    let mut n = command(
        "script",
        r#"echo try >> "$1"; echo 'pager api said no' >&2; exit 3"#,
        &[&count],
    );
    n.retries = 2;
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(
        err,
        "command script: exited with status 3 (stderr: pager api said no) (gave up after 3 attempts)"
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 3);
}

#[tokio::test]
async fn a_command_that_fails_once_is_delivered_on_retry() {
    let dir = scratch("flaky");
    let count = dir.join("count");
    let mut n = command(
        "script",
        r#"echo try >> "$1"; [ "$(wc -l < "$1")" -ge 2 ]"#,
        &[&count],
    );
    n.retries = 3;
    assert_eq!(deliver(&n, &note()).await, Ok(2));
}

fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // A zombie waiting for whoever adopted it is dead too.
        Ok(stat) => stat[stat.rfind(')').unwrap() + 2..].starts_with('Z'),
    }
}

#[tokio::test]
async fn a_command_past_its_timeout_is_killed_with_its_group() {
    let dir = scratch("timeout");
    let pidf = dir.join("pid");
    let late = dir.join("late");
    let mut n = command(
        "slow",
        r#"(sleep 30; touch "$2") & echo $! > "$1"; sleep 30"#,
        &[&pidf, &late],
    );
    n.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(err, "command slow: no exit within 0.3s (killed)");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let pid = std::fs::read_to_string(&pidf).unwrap().trim().to_string();
    let until = Instant::now() + Duration::from_secs(2);
    while !gone(&pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(gone(&pid), "the background child {pid} survived");
    assert!(!late.exists());
}

#[tokio::test]
async fn a_missing_program_is_not_retried() {
    let mut n = Notifier::new(
        "script",
        NotifierKind::Command {
            program: "/nonexistent/oncall-pager".into(),
            args: vec![],
        },
    );
    n.backoff_base = Duration::from_secs(30); // a retry would hang the test
    let err = deliver(&n, &note()).await.unwrap_err();
    assert_eq!(
        err,
        "command script: cannot start /nonexistent/oncall-pager: no such file"
    );
}

#[test]
fn backoff_doubles_from_its_base_and_is_capped() {
    use oncall::notify::{backoff, MAX_BACKOFF};
    let s = Duration::from_secs(1);
    assert_eq!(backoff(s, 1), Duration::from_secs(1));
    assert_eq!(backoff(s, 2), Duration::from_secs(2));
    assert_eq!(backoff(s, 3), Duration::from_secs(4));
    assert_eq!(backoff(s, 40), MAX_BACKOFF);
    assert_eq!(
        backoff(Duration::from_millis(50), 2),
        Duration::from_millis(100)
    );
}
