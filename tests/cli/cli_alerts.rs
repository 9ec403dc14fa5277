//! `oncall alerts` against real Alertmanagers and Prometheus, and against
//! sources that fail: output, dedup, sanitizing and exit codes.

use crate::common;

use std::process::{Command, Output};
use std::time::Duration;

use common::{eventually, Alertmanagers, Prometheus};
use serde_json::{json, Value};

/// Runs the real binary with a clean environment (no user config).
fn oncall(args: &[&str]) -> Output {
    let home = common::temp_dir("cli-home");
    let out = Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args(args)
        .env_remove("ALERTMANAGER_URL")
        .env_remove("ONCALL_CONFIG")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .expect("run oncall");
    let _ = std::fs::remove_dir_all(home);
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn hostile_alerts() -> Value {
    json!([
        {"labels": {"alertname": "ModelLatencySLOBreach", "severity": "critical", "service": "fraud-scoring"},
         "annotations": {"summary": "p99 870ms\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} over SLO\u{202e}", "runbook_url": "https://rb/x"}},
        {"labels": {"alertname": "FeatureDataDrift", "severity": "warning", "model": "churn-v3"},
         "annotations": {"summary": "PSI 0.31"}}
    ])
}

#[test]
fn no_source_explains_how_and_offers_the_demo() {
    let out = oncall(&["alerts"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("--alertmanager http://") && err.contains("--demo"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_1_and_an_empty_env_url_counts_as_unset() {
    let out = oncall(&["alerts", "--demo", "--output", "yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args(["alerts"])
        .env("ALERTMANAGER_URL", "")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no Alertmanager is configured"),
        "{}",
        stderr(&out)
    );
    let out = oncall(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn invalid_filter_is_one_clear_error() {
    let out = oncall(&["alerts", "--demo", "--filter", "severity=~\"(crit\""]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("invalid --filter") && stderr(&out).contains("invalid regex"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_from_an_ha_pair_and_prometheus_is_deduplicated() {
    let ams = Alertmanagers::start(2);
    let prom = Prometheus::start(&ams.urls);
    ams.post_alerts(hostile_alerts()).await;
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["alerts".into()];
        for u in &ams.urls {
            v.extend(["--alertmanager".into(), u.clone()]);
        }
        v.extend(["--prometheus".into(), prom.url.clone()]);
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let json_args = args(&["--output", "json"]);
    let alerts: Vec<Value> = eventually(
        "Prometheus's alerts in both Alertmanagers and its pending alert",
        Duration::from_secs(40),
        || {
            let json_args = json_args.clone();
            async move {
                let out = oncall(&json_args.iter().map(String::as_str).collect::<Vec<_>>());
                if out.status.code() != Some(0) {
                    return Err(format!("exit {:?}: {}", out.status.code(), stderr(&out)));
                }
                let alerts: Vec<Value> =
                    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
                let fired = alerts
                    .iter()
                    .find(|a| a["labels"]["alertname"] == "PromFiring");
                match fired {
                    Some(a) if a["sources"].as_array().map(|s| s.len()) == Some(3) => Ok(alerts),
                    _ => Err(format!(
                        "PromFiring not yet seen by all three sources: {alerts:?}"
                    )),
                }
            }
        },
    )
    .await;
    let by_name = |n: &str| {
        alerts
            .iter()
            .filter(|a| a["labels"]["alertname"] == n)
            .collect::<Vec<_>>()
    };
    // The same alert posted to both members is one object, with both sources.
    let latency = by_name("ModelLatencySLOBreach");
    assert_eq!(latency.len(), 1, "{alerts:?}");
    let mut sources: Vec<&str> = latency[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    sources.sort();
    assert_eq!(sources.len(), 2);
    assert_eq!(latency[0]["state"], "firing");
    for key in [
        "fingerprint",
        "labels",
        "annotations",
        "state",
        "startsAt",
        "endsAt",
        "updatedAt",
        "silencedBy",
        "inhibitedBy",
        "generatorURL",
        "receivers",
        "sources",
    ] {
        assert!(
            latency[0].get(key).is_some(),
            "missing {key}: {}",
            latency[0]
        );
    }
    // JSON keeps the source's exact text (escaped by JSON itself).
    assert!(latency[0]["annotations"]["summary"]
        .as_str()
        .unwrap()
        .contains('\u{1b}'));
    // Pending comes from Prometheus only.
    let pending = by_name("PromPending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["state"], "pending");
    assert_eq!(pending[0]["sources"].as_array().unwrap().len(), 1);
    assert!(
        pending[0]["endsAt"].is_null() && pending[0].get("endsAt").is_some(),
        "{}",
        pending[0]
    );
    // Most urgent first.
    assert_eq!(alerts[0]["labels"]["severity"], "critical");

    // The table sanitizes what the JSON keeps.
    let table = oncall(
        &args(&["--filter", "severity=\"critical\""])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("ModelLatencySLOBreach") && !text.contains("FeatureDataDrift"),
        "{text}"
    );
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("p99 870ms over SLO"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_gives_partial_output_and_exit_3() {
    let ams = Alertmanagers::start(1);
    ams.post_alerts(hostile_alerts()).await;
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let out = oncall(&[
        "alerts",
        "--alertmanager",
        &ams.urls[0],
        "--alertmanager",
        &dead,
        "--output",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(dead.trim_start_matches("http://")) && err.contains("cannot connect"),
        "{err}"
    );
    let alerts: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(alerts.len(), 2);

    let out = oncall(&["alerts", "--alertmanager", &dead]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "every source failed: nothing useful done"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_source_urls_are_refused_in_one_clear_sentence() {
    let cases = [
        ("http://", "\"http://\" has no host"),
        (
            "http://127.0.0.1:9/api/v2",
            "ends in /api/v2: give the server's base URL (http://127.0.0.1:9)",
        ),
        (
            "http://bob:hunter2@127.0.0.1:9",
            "\"http://127.0.0.1:9\" (shown without them) holds credentials",
        ),
    ];
    for (url, want) in cases {
        let out = oncall(&["alerts", "--alertmanager", url]);
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = stderr(&out);
        assert!(err.contains(want), "{url}: {err}");
        assert!(
            !err.contains("hunter2") && err.lines().count() == 1,
            "{err}"
        );
    }
}

/// A 20,000-character summary: the table cuts its cell at the column's
/// width (one line, not 170), `--wide` prints it whole, JSON is unchanged.
#[tokio::test]
async fn a_huge_summary_is_cut_in_the_table_and_whole_with_wide_and_in_json() {
    let ams = Alertmanagers::start(1);
    let huge = "x".repeat(19_990) + " THE END";
    ams.post_alerts(json!([
        {"labels": {"alertname": "Chatty", "severity": "warning", "team": "t".repeat(300)},
         "annotations": {"summary": huge}}
    ]))
    .await;
    let url = ams.urls[0].as_str();
    let out = oncall(&["alerts", "--alertmanager", url]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = text.lines().find(|l| l.contains("Chatty")).expect(&text);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(row.chars().count() < 200, "{} columns", row.chars().count());
    assert!(row.ends_with('…') && !row.contains("THE END"), "{row}");
    let wide = oncall(&["alerts", "--wide", "--alertmanager", url]);
    let text = String::from_utf8_lossy(&wide.stdout).into_owned();
    let row = text.lines().find(|l| l.contains("Chatty")).expect(&text);
    assert!(
        row.ends_with("THE END") && row.contains(&"t".repeat(300)),
        "the whole text"
    );
    let json = oncall(&["alerts", "--output", "json", "--alertmanager", url]);
    let v: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v[0]["annotations"]["summary"].as_str(), Some(huge.as_str()));
}
