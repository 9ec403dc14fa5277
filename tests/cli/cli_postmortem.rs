//! `oncall postmortem` and `oncall stats`, running the real binary on
//! hand-written journals in a temporary state directory.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use common::cli::{stderr, stdout, Home};
use oncall::store::postmortem::content_hash;

struct Setup {
    home: Home,
    config: String,
    state: PathBuf,
    postmortems: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let home = Home::new();
        let state = home.0.join("state-dir");
        let postmortems = home.0.join("drafts");
        let config = home.config(&format!("postmortems: {}\n", postmortems.display()));
        std::fs::create_dir_all(state.join("incidents")).unwrap();
        Setup {
            home,
            config,
            state,
            postmortems,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--config", &self.config, "--state-dir"];
        let state = self.state.display().to_string();
        all.push(&state);
        all.extend(args);
        self.home.command(&all).output().expect("run oncall")
    }

    fn journal(&self, id: &str) -> PathBuf {
        self.state.join("incidents").join(format!("{id}.jsonl"))
    }

    fn write_journal(&self, id: &str, events: &[Value]) {
        let lines: Vec<String> = events.iter().map(Value::to_string).collect();
        std::fs::write(self.journal(id), lines.join("\n") + "\n").unwrap();
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const ID: &str = "INC-20261122-001";

fn resolved_journal() -> Vec<Value> {
    vec![
        json!({"id": "1", "time": "2026-11-22T02:07:00Z", "actor": "alice", "type": "declared",
               "text": "Fraud scoring latency", "data": {"title": "Fraud scoring latency", "severity": "SEV2",
               "fingerprint": "fp1", "labels": {"alertname": "ModelLatencySLOBreach", "service": "fraud-scoring"},
               "starts_at": "2026-11-22T02:00:00Z"}}),
        json!({"id": "2", "time": "2026-11-22T02:09:15Z", "actor": "alice", "type": "ack",
               "text": "ACK! looking", "data": {"silence_id": "s1"}}),
        json!({"id": "3", "time": "2026-11-22T02:12:00Z", "actor": "bob", "type": "runbook_step",
               "text": "Roll back the model", "data": {"command": "kubectl rollout undo deploy/fraud",
               "exit_code": 0, "duration_ms": 4200}}),
        json!({"id": "4", "time": "2026-11-22T02:40:00Z", "actor": "bob", "type": "status",
               "text": "rolled back to v41", "data": {"status": "resolved"}}),
    ]
}

fn last_event(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

#[test]
fn writes_the_draft_records_it_and_goes_beside_an_edited_one() {
    let s = Setup::new();
    s.write_journal(ID, &resolved_journal());
    let out = s.run(&["postmortem", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let draft = s.postmortems.join(format!("{ID}.md"));
    assert_eq!(stdout(&out).trim(), draft.display().to_string());
    let text = std::fs::read_to_string(&draft).unwrap();
    for part in [
        "---\nid: \"INC-20261122-001\"\n",
        "status: draft\n",
        "  time_to_acknowledge: 9m15s\n",
        "  time_to_resolve: 40m00s\n",
        "## Summary",
        "## Impact",
        "## Detection",
        "## Trigger",
        "## Root cause",
        "## Resolution",
        "> rolled back to v41",
        "## Responders",
        "## Timeline",
        "## Runbook execution",
        "`kubectl rollout undo deploy/fraud`",
        "### Where we got lucky",
        "## Action items",
        "## Supporting information",
        "## Appendix: event log",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    let recorded = last_event(&s.journal(ID));
    assert_eq!(recorded["type"], "postmortem_written");
    assert_eq!(recorded["actor"], "tester");
    assert_eq!(recorded["data"]["path"], draft.display().to_string());
    assert_eq!(recorded["data"]["hash"], content_hash(&text));
    assert_eq!(
        recorded["text"],
        format!("postmortem draft written to {}", draft.display())
    );

    // Unchanged: replaced in place.
    let out = s.run(&["postmortem", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), draft.display().to_string());
    assert!(!stderr(&out).contains("edited"), "{}", stderr(&out));

    // Edited by hand: left alone, the new draft beside it, both named.
    let edited = std::fs::read_to_string(&draft).unwrap() + "\nNotes from the review.\n";
    std::fs::write(&draft, &edited).unwrap();
    let out = s.run(&["postmortem", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let beside = s.postmortems.join(format!("{ID}-2.md"));
    assert_eq!(stdout(&out).trim(), beside.display().to_string());
    let err = stderr(&out);
    assert!(
        err.contains(&draft.display().to_string()) && err.contains(&beside.display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&draft).unwrap(), edited);
    assert!(std::fs::read_to_string(&beside)
        .unwrap()
        .contains("## Timeline"));
    assert_eq!(
        last_event(&s.journal(ID))["data"]["path"],
        beside.display().to_string()
    );
    let mut files: Vec<_> = std::fs::read_dir(&s.postmortems)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, [format!("{ID}-2.md"), format!("{ID}.md")]);
}

#[test]
fn unknown_incidents_and_bad_templates_are_one_clear_error() {
    let s = Setup::new();
    s.write_journal(ID, &resolved_journal());
    let out = s.run(&["postmortem", "INC-20261122-999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no incident \"INC-20261122-999\""),
        "{}",
        stderr(&out)
    );

    let missing = s.home.0.join("nope.md");
    let config = s.home.config(&format!(
        "postmortems: {}\nincidents: {{postmortem_template: {}}}\n",
        s.postmortems.display(),
        missing.display()
    ));
    let state = s.state.display().to_string();
    let out = s
        .home
        .command(&["--config", &config, "--state-dir", &state, "postmortem", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&missing.display().to_string()) && stderr(&out).contains("template"),
        "{}",
        stderr(&out)
    );
    assert!(!s.postmortems.exists());

    let help = s.run(&["postmortem", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("beside"), "{}", stdout(&help));
}

/// Declared `ago` before now; the alert started `lead` minutes before that;
/// acked `ack` and resolved `resolve` minutes after the alert started.
fn journal(
    sev: &str,
    ago: Duration,
    lead: i64,
    ack: i64,
    resolve: Option<i64>,
    fp: &str,
) -> Vec<Value> {
    let at = Utc::now() - ago;
    let start = at - Duration::minutes(lead);
    let mut events = vec![
        json!({"id": "1", "time": ts(at), "actor": "alice", "type": "declared", "text": "x",
               "data": {"severity": sev, "fingerprint": fp, "labels": {"alertname": "A"}, "starts_at": ts(start)}}),
        json!({"id": "2", "time": ts(start + Duration::minutes(ack)), "actor": "alice", "type": "ack", "text": ""}),
    ];
    if let Some(r) = resolve {
        events.push(
            json!({"id": "3", "time": ts(start + Duration::minutes(r)), "actor": "alice",
                           "type": "status", "text": "", "data": {"status": "resolved"}}),
        );
    }
    events
}

fn activity(kind: &str, name: &str, fp: &str, key: &str) -> String {
    json!({"time": "2026-11-22T02:00:00Z", "kind": kind, "alertname": name, "fingerprint": fp, "key": key})
        .to_string()
}

#[test]
fn stats_prints_the_expected_numbers() {
    let s = Setup::new();
    s.write_journal(
        "INC-20261101-001",
        &journal("SEV1", Duration::hours(2), 5, 6, Some(50), "fp-a"),
    );
    s.write_journal(
        "INC-20261101-002",
        &journal("SEV2", Duration::days(3), 1, 2, Some(120), "fp-b"),
    );
    s.write_journal(
        "INC-20261101-003",
        &journal("SEV2", Duration::days(20), 0, 13, None, "fp-c"),
    );
    let lines = [
        activity("fired", "ModelServerDown", "x1", "x1@1"),
        activity("fired", "ModelServerDown", "x1", "x1@1"),
        activity("fired", "ModelServerDown", "x1", "x1@2"),
        activity("fired", "ModelServerDown", "x2", "x2@1"),
        activity("fired", "DiskFull", "d1", "d1@1"),
        activity("acked", "A", "fp-a", "s1"),
        activity("acked", "NoisyCron", "n1", "s2"),
        activity("acked", "NoisyCron", "n1", "s2"),
        activity("acked", "NoisyCron", "n1", "s3"),
        "{not json".to_string(),
    ];
    std::fs::write(s.state.join("activity.jsonl"), lines.join("\n") + "\n").unwrap();

    let out = s.run(&["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "INCIDENTS  3 (1 open)  SEV1 1  SEV2 2  SEV3 0  SEV4 0\n",
        "DECLARED   1 in the last 24h, 2 in the last 7d\n",
        // ack 2m, 6m, 13m → median 6m, mean 7m; resolve 50m, 120m → 85m.
        "time to acknowledge    6m00s   7m00s  3\n",
        "time to resolve        1h25m   1h25m  2\n",
        "ModelServerDown      3\n",
        "DiskFull             1\n",
        "NoisyCron                      2\n",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    assert!(
        stderr(&out).contains("activity.jsonl line 10"),
        "{}",
        stderr(&out)
    );

    let out = s.run(&["stats", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["incidents"],
        json!({"total": 3, "open": 1, "by_severity": {"SEV1": 1, "SEV2": 2, "SEV3": 0, "SEV4": 0}})
    );
    assert_eq!(v["declared"], json!({"last_24h": 1, "last_7d": 2}));
    assert_eq!(v["time_to_acknowledge"]["median_seconds"], 360);
    assert_eq!(v["time_to_acknowledge"]["mean_seconds"], 420);
    assert_eq!(v["time_to_resolve"]["median_seconds"], 85 * 60);
    assert_eq!(v["time_to_resolve"]["count"], 2);
    assert_eq!(
        v["fired_most"],
        json!([{"alertname": "ModelServerDown", "count": 3}, {"alertname": "DiskFull", "count": 1}])
    );
    assert_eq!(
        v["acked_without_incident"],
        json!([{"alertname": "NoisyCron", "count": 2}])
    );
}

#[test]
fn stats_of_an_empty_state_dir() {
    let s = Setup::new();
    let out = s.run(&["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("INCIDENTS  0 (0 open)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("(none)"));
}
