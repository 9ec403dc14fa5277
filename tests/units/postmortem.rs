//! Postmortem drafts: golden drafts of a resolved and a freshly declared
//! incident (fixed times, no clock), the metrics against hand-computed
//! values, and the writer's promises: atomic, never over an edited draft.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use oncall::model::{
    short_duration, Event, EventData, EventKind, Incident, Labels, Milestone, PostmortemRecord,
    Sev, Status,
};
use oncall::store::postmortem::{content_hash, template, write_draft, PostmortemError};
use oncall::store::postmortem_md::{render, DEFAULT_TEMPLATE};

fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, s).unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

fn ev(time: DateTime<Utc>, actor: &str, kind: EventKind, text: &str, data: EventData) -> Event {
    Event::new(time, actor, kind, text).with(data)
}

fn step(
    time: DateTime<Utc>,
    text: &str,
    command: &str,
    exit: i32,
    ms: u64,
    branch: Option<&str>,
) -> Event {
    let data = EventData {
        command: Some(command.into()),
        exit_code: Some(exit),
        duration_ms: Some(ms),
        branch: branch.map(String::from),
        ..EventData::default()
    };
    ev(time, "bob", EventKind::RunbookStep, text, data)
}

fn status(time: DateTime<Utc>, actor: &str, s: Status, text: &str) -> Event {
    let data = EventData {
        status: Some(s),
        ..EventData::default()
    };
    ev(time, actor, EventKind::Status, text, data)
}

/// Numbers the events as the journal would (ids `1`, `2`, …).
fn numbered(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            e.id = (i + 1).to_string();
            e
        })
        .collect()
}

/// Alerts, acks, notes (one pinned, one hostile), status changes, runbook
/// steps, a hand-set impact start, resolved.
fn resolved_incident() -> Incident {
    let mut declared = EventData {
        title: Some("Fraud scoring p99 latency over SLO".into()),
        severity: Some(Sev::Sev2),
        fingerprint: Some("a1b2c3d4e5f60718".into()),
        labels: Some(labels(&[
            ("alertname", "ModelLatencySLOBreach"),
            ("namespace", "ml"),
            ("service", "fraud-scoring"),
            ("severity", "critical"),
        ])),
        starts_at: Some(t(2, 0, 0)),
        ..EventData::default()
    };
    declared.extra.insert(
        "annotations".into(),
        json!({"runbook_url": "https://runbooks.example/ml/modellatencyslobreach",
               "summary": "p99 870ms over the 300ms SLO",
               "dashboard": "javascript:alert(1)"}),
    );
    declared.extra.insert(
        "generator_url".into(),
        json!("http://prom.example:9090/graph?g0.expr=histogram_quantile&g0.tab=1"),
    );
    let linked = EventData {
        fingerprint: Some("0f1e2d3c4b5a6978".into()),
        labels: Some(labels(&[
            ("alertname", "ModelServerDown"),
            ("instance", "gpu-node-07"),
            ("severity", "critical"),
        ])),
        starts_at: Some(t(2, 3, 0)),
        ..EventData::default()
    };
    let ack = EventData {
        silence_id: Some("5f0c".into()),
        ..EventData::default()
    };
    let pin = EventData {
        target: Some("6".into()),
        ..EventData::default()
    };
    let impact = EventData {
        milestone: Some(Milestone::ImpactStarted),
        at: Some(t(1, 52, 0)),
        ..EventData::default()
    };
    let resolved_alert = EventData {
        fingerprint: Some("0f1e2d3c4b5a6978".into()),
        ..EventData::default()
    };
    let events = vec![
        ev(
            t(2, 7, 0),
            "alice",
            EventKind::Declared,
            "Fraud scoring p99 latency over SLO",
            declared,
        ),
        ev(
            t(2, 7, 30),
            "alice",
            EventKind::AlertLinked,
            "ModelServerDown gpu-node-07",
            linked,
        ),
        ev(
            t(2, 9, 15),
            "alice",
            EventKind::Ack,
            "ACK! looking",
            ack.clone(),
        ),
        ev(t(2, 9, 20), "bob", EventKind::Ack, "ACK! looking", ack),
        status(t(2, 10, 0), "alice", Status::Investigating, ""),
        ev(
            t(2, 12, 40),
            "bob",
            EventKind::Note,
            "Latency rose right after model rollout v42 (01:52)",
            EventData::default(),
        ),
        ev(t(2, 12, 45), "bob", EventKind::Pin, "", pin),
        step(
            t(2, 14, 0),
            "Check GPU memory on the node",
            "kubectl top pod -n ml -l app=fraud | sort -k3",
            0,
            1840,
            Some("memory high"),
        ),
        step(
            t(2, 18, 30),
            "Roll back to the previous model",
            "kubectl rollout undo deploy/fraud-scoring -n ml",
            0,
            65_200,
            None,
        ),
        ev(
            t(2, 20, 0),
            "bob",
            EventKind::Milestone,
            "impact started with the 01:52 rollout",
            impact,
        ),
        ev(
            t(2, 24, 0),
            "alertmanager",
            EventKind::AlertResolved,
            "ModelServerDown resolved",
            resolved_alert,
        ),
        status(
            t(2, 25, 0),
            "bob",
            Status::Monitoring,
            "rollback done, watching",
        ),
        ev(
            t(2, 30, 0),
            "carol",
            EventKind::Note,
            "p99 back to 120ms | errors 0.1%\nwatching 30m\u{1b}[2J\u{202e}",
            EventData::default(),
        ),
        status(
            t(2, 55, 0),
            "alice",
            Status::Resolved,
            "Rolled model v42 back to v41.\nLatency and errors are normal.",
        ),
    ];
    Incident::replay("INC-20261122-001", numbered(events)).expect("a declaration comes first")
}

fn fresh_incident() -> Incident {
    let data = EventData {
        title: Some("Checkout error rate rising".into()),
        severity: Some(Sev::Sev3),
        ..EventData::default()
    };
    let events = vec![ev(
        t(9, 15, 0),
        "dave",
        EventKind::Declared,
        "Checkout error rate rising",
        data,
    )];
    Incident::replay("INC-20261122-002", numbered(events)).unwrap()
}

#[test]
fn metrics_of_the_resolved_incident() {
    let inc = resolved_incident();
    assert_eq!(inc.milestone(Milestone::ImpactStarted), Some(t(1, 52, 0)));
    // Detected: the first observation, the declaration at 02:07 (the
    // alert fired at 02:00).
    assert_eq!(inc.milestone(Milestone::Detected), Some(t(2, 7, 0)));
    let m = inc.metrics();
    // detected 02:07:00 − impact 01:52:00; acked 02:09:15 − alert 02:00:00;
    // monitoring 02:25:00 − 01:52:00; resolved 02:55:00 − 01:52:00.
    assert_eq!(m.time_to_detect.unwrap().num_seconds(), 15 * 60);
    assert_eq!(m.time_to_acknowledge.unwrap().num_seconds(), 9 * 60 + 15);
    assert_eq!(m.time_to_mitigate.unwrap().num_seconds(), 33 * 60);
    assert_eq!(m.time_to_resolve.unwrap().num_seconds(), 63 * 60);
    assert_eq!(short_duration(m.time_to_acknowledge.unwrap()), "9m15s");
    let text = render(&inc, DEFAULT_TEMPLATE, t(10, 0, 0)).text;
    for line in [
        "  time_to_detect: 15m00s\n  time_to_detect_seconds: 900\n",
        "  time_to_acknowledge: 9m15s\n  time_to_acknowledge_seconds: 555\n",
        "  time_to_mitigate: 33m00s\n  time_to_mitigate_seconds: 1980\n",
        "  time_to_resolve: 1h03m\n  time_to_resolve_seconds: 3780\n",
        "  impact_started: 2026-11-22T01:52:00Z\n",
        "  resolved: 2026-11-22T02:55:00Z\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn golden_resolved_draft() {
    let r = render(&resolved_incident(), DEFAULT_TEMPLATE, t(10, 0, 0));
    assert!(
        r.unknown_placeholders.is_empty(),
        "{:?}",
        r.unknown_placeholders
    );
    assert!(!r.text.chars().any(|c| c.is_control() && c != '\n'));
    assert!(!r.text.contains('\u{202e}') && !r.text.contains("javascript:"));
    assert!(
        r.text.starts_with("---\nid: \"INC-20261122-001\"\n"),
        "{}",
        r.text
    );
    insta::assert_snapshot!("resolved_draft", r.text);
}

#[test]
fn golden_fresh_draft() {
    let r = render(&fresh_incident(), DEFAULT_TEMPLATE, t(9, 20, 0));
    assert!(r.unknown_placeholders.is_empty());
    assert!(r.text.contains("  acknowledged:\n") && r.text.contains("  time_to_resolve:\n"));
    insta::assert_snapshot!("fresh_draft", r.text);
}

#[test]
fn rendering_is_deterministic() {
    let a = render(&resolved_incident(), DEFAULT_TEMPLATE, t(10, 0, 0));
    let b = render(&resolved_incident(), DEFAULT_TEMPLATE, t(10, 0, 0));
    assert_eq!(a, b);
}

#[test]
fn a_user_template_with_an_unknown_placeholder_is_reported() {
    let tpl = "<!-- mine: {{id}} -->\n# {{ id }} {{tittle}}\n{{milestone.resolved}} {{metric.time_to_resolve}} {{milestone.fixed}}\n";
    let r = render(&resolved_incident(), tpl, t(10, 0, 0));
    assert_eq!(
        r.text,
        "# INC-20261122-001 {{tittle}}\n2026-11-22T02:55:00Z 1h03m {{milestone.fixed}}\n"
    );
    assert_eq!(r.unknown_placeholders, ["milestone.fixed", "tittle"]);
}

#[test]
fn template_from_the_settings() {
    let dir = scratch("template");
    let config = dir.join("oncall.yaml");
    let settings_with = |yaml: &str| {
        std::fs::write(&config, yaml).unwrap();
        let args = oncall::cli::GlobalArgs {
            config: Some(config.clone()),
            ..Default::default()
        };
        oncall::config::from_args(&args).unwrap()
    };
    assert_eq!(
        template(&settings_with("refresh: 15s\n")).unwrap(),
        DEFAULT_TEMPLATE
    );
    let mine = dir.join("mine.md");
    std::fs::write(&mine, "# {{id}}\n").unwrap();
    let yaml = format!("incidents: {{postmortem_template: {}}}\n", mine.display());
    assert_eq!(template(&settings_with(&yaml)).unwrap(), "# {{id}}\n");
    std::fs::remove_file(&mine).unwrap();
    let err = template(&settings_with(&yaml)).unwrap_err().to_string();
    assert!(
        err.contains(&mine.display().to_string()) && err.contains("No such file"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oncall-pm-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn record(w: &oncall::store::postmortem::Written) -> PostmortemRecord {
    PostmortemRecord {
        path: w.path.display().to_string(),
        hash: w.hash.clone(),
    }
}

#[test]
fn rewrites_its_own_draft_and_never_an_edited_one() {
    let dir = scratch("clobber").join("postmortems");
    let first = write_draft(&dir, "INC-1", None, "draft one\n").unwrap();
    assert_eq!(first.path, dir.join("INC-1.md"));
    assert_eq!(first.hash, content_hash("draft one\n"));
    assert_eq!(first.beside, None);

    // Unchanged on disk: the same file is replaced.
    let second = write_draft(&dir, "INC-1", Some(&record(&first)), "draft two\n").unwrap();
    assert_eq!(
        (second.path.clone(), second.beside.clone()),
        (dir.join("INC-1.md"), None)
    );
    assert_eq!(
        std::fs::read_to_string(&second.path).unwrap(),
        "draft two\n"
    );

    // Edited by hand: left alone, the new draft goes beside it.
    std::fs::write(&second.path, "draft two\nwith the review's notes\n").unwrap();
    let third = write_draft(&dir, "INC-1", Some(&record(&second)), "draft three\n").unwrap();
    assert_eq!(third.path, dir.join("INC-1-2.md"));
    assert_eq!(third.beside, Some(dir.join("INC-1.md")));
    assert_eq!(
        std::fs::read_to_string(dir.join("INC-1.md")).unwrap(),
        "draft two\nwith the review's notes\n"
    );
    assert_eq!(
        std::fs::read_to_string(&third.path).unwrap(),
        "draft three\n"
    );

    // The journal now names INC-1-2.md: unchanged, so that one is replaced.
    let fourth = write_draft(&dir, "INC-1", Some(&record(&third)), "draft four\n").unwrap();
    assert_eq!((fourth.path, fourth.beside), (dir.join("INC-1-2.md"), None));
    assert_eq!(
        names(&dir),
        ["INC-1-2.md", "INC-1.md"],
        "no temp files are left behind"
    );
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

#[test]
fn a_file_never_recorded_is_someone_elses() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("INC-7.md"), "written by a person\n").unwrap();
    std::fs::write(dir.join("INC-7-2.md"), "and another\n").unwrap();
    let w = write_draft(&dir, "INC-7", None, "ours\n").unwrap();
    assert_eq!(w.path, dir.join("INC-7-3.md"));
    assert_eq!(w.beside, Some(dir.join("INC-7.md")));
    assert_eq!(
        std::fs::read_to_string(dir.join("INC-7.md")).unwrap(),
        "written by a person\n"
    );
    assert_eq!(names(&dir), ["INC-7-2.md", "INC-7-3.md", "INC-7.md"]);
    // A recorded path that is gone: back to <ID>.md, still edited, so beside.
    let gone = PostmortemRecord {
        path: dir.join("moved.md").display().to_string(),
        hash: content_hash("ours\n"),
    };
    let w = write_draft(&dir, "INC-7", Some(&gone), "ours\n").unwrap();
    assert_eq!(w.path, dir.join("INC-7-4.md"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unwritable_directory_is_one_clear_error() {
    // A directory under a regular file cannot be made by anyone: chmod
    // would not stop root, who runs CI.
    let scratch_dir = scratch("unwritable");
    std::fs::write(scratch_dir.join("a-file"), "").unwrap();
    let dir = scratch_dir.join("a-file").join("postmortems");
    let err = write_draft(&dir, "INC-9", None, "text\n").unwrap_err();
    assert!(matches!(err, PostmortemError::Io { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&dir.display().to_string()) && msg.contains("Not a directory"),
        "{msg}"
    );
    assert_eq!(names(&scratch_dir), ["a-file"]);
    let _ = std::fs::remove_dir_all(scratch_dir);
}

/// The Impact section starts from what the latest status update said the
/// impact was; with no update it starts from the impact window.
#[test]
fn impact_starts_from_the_latest_status_update() {
    let mut events: Vec<Event> = resolved_incident().events.clone();
    let update = |time, text: &str| {
        ev(
            time,
            "erin",
            EventKind::StatusUpdate,
            text,
            EventData::default(),
        )
    };
    events.push(update(
        t(2, 15, 0),
        "Status: investigating\nImpact: 10% of scoring requests time out",
    ));
    events.push(update(
        t(2, 30, 0),
        "Status: monitoring\nImpact: 30% of scoring requests time out\nNext update: 02:45 UTC",
    ));
    let inc = Incident::replay("INC-20261122-001", numbered(events)).unwrap();
    let text = render(&inc, DEFAULT_TEMPLATE, t(10, 0, 0)).text;
    let impact = text.split("## Impact").nth(1).unwrap();
    let first = impact.trim_start().lines().next().unwrap();
    assert_eq!(
        first,
        "As last reported (status update 2026-11-22 02:30:00 UTC by erin): 30% of scoring requests time out"
    );
    let plain = render(&fresh_incident(), DEFAULT_TEMPLATE, t(10, 0, 0)).text;
    let impact = plain.split("## Impact").nth(1).unwrap();
    assert!(
        impact.trim_start().starts_with("Impact window:"),
        "{impact}"
    );
}
