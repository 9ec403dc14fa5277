//! `oncall incident ...` run as the real binary on a temporary state dir,
//! and `declare --alert` against a real Alertmanager.

use crate::common;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use chrono::Utc;
use common::cli::{args, cluster_config, get, stderr, stdout, Home};
use common::{eventually, Alertmanagers};
use serde_json::{json, Value};

/// A HOME and a `--state-dir` inside it, both removed with the HOME.
struct Env {
    home: Home,
    state: PathBuf,
}

impl Env {
    fn new() -> Env {
        let home = Home::new();
        let state = home.0.join("incident-state");
        Env { home, state }
    }

    /// `oncall --state-dir STATE ARGS`.
    fn run(&self, a: &[&str]) -> Output {
        let mut all = vec!["--state-dir", self.state.to_str().unwrap()];
        all.extend_from_slice(a);
        self.home.command(&all).output().expect("run oncall")
    }

    /// Runs and insists on exit 0; returns stdout.
    fn ok(&self, a: &[&str]) -> String {
        let out = self.run(a);
        assert_eq!(out.status.code(), Some(0), "{a:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn show_json(&self, id: &str) -> Value {
        serde_json::from_str(&self.ok(&["incident", "show", id, "--output", "json"])).unwrap()
    }

    fn journal(&self, id: &str) -> PathBuf {
        self.state.join("incidents").join(format!("{id}.jsonl"))
    }
}

fn today_id(n: u32) -> String {
    format!("INC-{}-{n:03}", Utc::now().format("%Y%m%d"))
}

fn types(shown: &Value) -> Vec<String> {
    shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn declare_list_note_status_show_and_resolve() {
    let env = Env::new();
    let id = env
        .ok(&[
            "incident",
            "declare",
            "--title",
            "Model server down",
            "--severity",
            "sev2",
        ])
        .trim()
        .to_string();
    assert_eq!(id, today_id(1));
    let second = env.ok(&["incident", "declare", "--title", "Other"]);
    assert_eq!(second.trim(), today_id(2));

    let list = env.ok(&["incident", "list"]);
    let row = list.lines().find(|l| l.starts_with(&id)).expect(&list);
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(words[1..3], ["SEV2", "open"]);
    assert!(row.ends_with("Model server down"), "{row}");
    assert!(list.contains("2 open incidents"), "{list}");

    let noted = env.ok(&[
        "incident",
        "note",
        &id.to_lowercase(),
        "restarted",
        "the",
        "pods",
    ]);
    assert_eq!(noted.lines().count(), 1, "the event id: {noted}");
    env.ok(&[
        "incident",
        "status",
        &id,
        "inv",
        "--note",
        "looking at GPU memory",
    ]);
    env.ok(&["incident", "severity", &id, "1"]);

    let show = env.ok(&["incident", "show", &id]);
    let header = show.lines().next().unwrap();
    assert_eq!(
        header,
        format!("{id}  SEV1  investigating  Model server down")
    );
    assert!(show.contains("responders: tester"), "{show}");
    let at = |needle: &str| {
        show.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {show}"))
    };
    assert!(at("Milestones (UTC)") < at("Linked alerts"));
    assert!(at("Linked alerts") < at("Timeline (UTC)"));
    let (declared, note, status, sev) = (
        at("declared    Model server down"),
        at("note        restarted the pods"),
        at("status      investigating: looking at GPU memory"),
        at("severity    SEV2 → SEV1"),
    );
    assert!(at("Timeline") < declared && declared < note && note < status && status < sev);
    assert!(show.contains("  tester  note"), "actor shown: {show}");

    let shown = env.show_json(&id);
    assert_eq!(types(&shown), ["declared", "note", "status", "severity"]);
    assert_eq!(shown["status"], "investigating");
    assert_eq!(shown["timeline"][1]["actor"], "tester");
    assert_eq!(shown["timeline"][1]["id"].as_str().unwrap(), noted.trim());
    assert!(shown["milestones"]["acknowledged"].is_string());
    assert!(shown["milestones"]["resolved"].is_null());

    // `resolved` is not a status change: it needs a resolution.
    let refused = env.run(&["incident", "status", &id, "resolved"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("oncall incident resolve"),
        "{}",
        stderr(&refused)
    );

    env.ok(&[
        "incident",
        "resolve",
        &id,
        "--resolution",
        "rolled back deploy 4711",
    ]);
    let shown = env.show_json(&id);
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["resolution"], "rolled back deploy 4711");
    assert!(shown["milestones"]["resolved"].is_string());
    let again = env.run(&["incident", "resolve", &id, "--resolution", "twice"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("resolved already"),
        "{}",
        stderr(&again)
    );

    let open = env.ok(&["incident", "list"]);
    assert!(
        !open.contains(&id) && open.contains("1 open incident"),
        "{open}"
    );
    let all = env.ok(&["incident", "list", "--all", "--output", "json"]);
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all[0]["id"], id.as_str());
    assert_eq!(all[0]["status"], "resolved");
    assert_eq!(all[1]["status"], "open");
}

#[test]
fn unknown_or_malformed_ids_and_bad_values_are_one_sentence_errors() {
    let env = Env::new();
    let out = env.run(&["incident", "note", "INC-20990101-001", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "oncall: no incident INC-20990101-001 in {}\n",
            env.state.join("incidents").display()
        )
    );
    assert!(stdout(&out).is_empty());
    let out = env.run(&["incident", "show", "../../etc/passwd"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not an incident id"),
        "{}",
        stderr(&out)
    );

    let out = env.run(&["incident", "declare"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("needs a title"), "{}", stderr(&out));
    let out = env.run(&["incident", "declare", "--title", "x", "--severity", "SEV9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a severity"), "{}", stderr(&out));

    let id = env
        .ok(&["incident", "declare", "--title", "x"])
        .trim()
        .to_string();
    let out = env.run(&["incident", "status", &id, "bogus"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a status"), "{}", stderr(&out));

    let out = env.run(&["--read-only", "incident", "note", &id, "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--read-only"), "{}", stderr(&out));
    // Reading is fine in read-only mode.
    let list = env.run(&["--read-only", "incident", "list"]);
    assert_eq!(list.status.code(), Some(0));
}

#[test]
fn hostile_text_is_sanitized_and_torn_lines_are_warnings() {
    let env = Env::new();
    let id = env
        .ok(&["incident", "declare", "--title", "x"])
        .trim()
        .to_string();
    env.ok(&[
        "incident",
        "note",
        &id,
        "evil\u{1b}]52;c;AAAA\u{7}\u{202e}txt\nnext",
    ]);
    // A writer killed mid-line.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(env.journal(&id))
        .unwrap();
    std::io::Write::write_all(&mut f, br#"{"id":"cut","time":"#).unwrap();

    let out = env.run(&["incident", "show", &id]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        !text
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("eviltxt⏎next"),
        "escape sequences go whole: {text}"
    );
    let warning = stderr(&out);
    assert!(
        warning.starts_with("oncall: warning: journal ")
            && warning.contains("line 3: torn last line"),
        "{warning}"
    );

    // A later write ends the torn line and lands on a line of its own.
    env.ok(&["incident", "note", &id, "after the crash"]);
    let shown = env.show_json(&id);
    assert_eq!(shown["timeline"][2]["text"], "after the crash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declare_with_alert_links_the_current_matching_alerts() {
    let ams = Alertmanagers::start(1);
    let started = Utc::now() - chrono::Duration::minutes(10);
    let alert = |instance: &str, severity: &str, summary: &str| {
        json!({
            "labels": {"alertname": "DiskFull", "instance": instance, "severity": severity},
            "annotations": {"summary": summary},
            "startsAt": started.to_rfc3339(),
        })
    };
    ams.post_alerts(json!([
        alert("db2", "warning", "disk filling"),
        alert("db1", "critical", "disk almost full"),
        {"labels": {"alertname": "Unrelated", "severity": "critical"}},
    ]))
    .await;
    let url = ams.urls[0].clone();
    eventually("three alerts held", Duration::from_secs(20), || {
        let url = url.clone();
        async move {
            let v = get(&format!("{url}/api/v2/alerts")).await?;
            match v.as_array().map(Vec::len) {
                Some(3) => Ok(()),
                n => Err(format!("{n:?} alerts")),
            }
        }
    })
    .await;

    let env = Env::new();
    let config = env.home.config(&cluster_config(
        &ams,
        "author: alice\nincidents: {severity_map: {critical: SEV1}}\n",
    ));
    let with = |a: &[&str]| {
        args(
            &["--config", &config],
            &a.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    let run = |a: &[&str]| {
        let a = with(a);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        env.run(&a)
    };

    let out = run(&["incident", "declare", "--alert", "alertname=\"DiskFull\""]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let shown = env.show_json(&id);
    // The most urgent alert names the incident and sets its severity.
    assert_eq!(shown["title"], "DiskFull: disk almost full");
    assert_eq!(shown["severity"], "SEV1");
    assert_eq!(types(&shown), ["declared", "alert_linked"]);
    assert_eq!(shown["timeline"][0]["actor"], "alice");
    let alerts = shown["alerts"].as_array().unwrap();
    let instances: Vec<&str> = alerts
        .iter()
        .map(|a| a["labels"]["instance"].as_str().unwrap())
        .collect();
    assert_eq!(instances, ["db1", "db2"]);
    assert!(alerts
        .iter()
        .all(|a| a["fingerprint"].as_str().unwrap().len() == 16));
    assert_eq!(shown["timeline"][1]["text"], "DiskFull instance=db2");
    // Impact started when the alert did, not when the incident was declared.
    let impact: chrono::DateTime<Utc> = shown["milestones"]["impact_started"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (impact - started).num_seconds().abs() <= 1,
        "{impact} vs {started}"
    );
    let show = env.ok(&["incident", "show", &id]);
    assert!(
        show.contains("DiskFull  instance=db1,severity=critical"),
        "{show}"
    );

    // Title and severity given win; a second incident for the same alerts is
    // allowed by hand but called out.
    let out = run(&[
        "incident",
        "declare",
        "--alert",
        "instance=db2",
        "--title",
        "db2 only",
        "--severity",
        "SEV4",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("open incident {id}")),
        "{}",
        stderr(&out)
    );
    let shown = env.show_json(stdout(&out).trim());
    assert_eq!(
        (shown["title"].as_str(), shown["severity"].as_str()),
        (Some("db2 only"), Some("SEV4"))
    );
    assert_eq!(shown["alerts"].as_array().unwrap().len(), 1);

    let out = run(&["incident", "declare", "--alert", "alertname=Nothing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no current alert matches"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        env.ok(&["incident", "list", "--output", "json"])
            .matches("\"id\"")
            .count(),
        2
    );
}
