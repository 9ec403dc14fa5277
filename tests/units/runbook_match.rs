//! Which runbook an alert gets: runbook_url first, then `alerts:`, then the
//! alertname against file stems.

use crate::common::build;

use std::path::Path;

use chrono::Utc;
use oncall::model::runbook::Runbook;
use oncall::model::Alert;
use oncall::runbook::markdown::parse_markdown;
use oncall::runbook::{find_by_name, find_for, runbook_url_stem};

fn runbook(file: &str, front: &str) -> Runbook {
    let text = format!("---\n{front}\n---\n# {file}\n## Diagnosis\n```sh\ntrue\n```\n");
    parse_markdown(Path::new(&format!("runbooks/{file}")), &text).unwrap()
}

fn set() -> Vec<Runbook> {
    vec![
        runbook("kubepodcrashlooping.md", "weight: 1"),
        runbook(
            "disk-pressure.md",
            "alerts: [NodeFilesystemAlmostOutOfSpace, NodeDiskFull]",
        ),
        runbook("lower-alerts.md", "alerts: [nodeclockskew]"),
        runbook("etcdnoleader.md", "id: etcd-leader"),
        runbook("ModelLatency.md", "alerts: []"),
    ]
}

fn alert(name: &str, url: Option<&str>) -> Alert {
    let a = build::alert(&[("alertname", name)]).started(Utc::now());
    match url {
        Some(u) => a.annotation("runbook_url", u).build(),
        None => a.build(),
    }
}

fn found(name: &str, url: Option<&str>) -> Option<String> {
    let rbs = set();
    find_for(&alert(name, url), &rbs)
        .map(|r| r.path.file_name().unwrap().to_string_lossy().into_owned())
}

const MIXIN: &str = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes";

#[test]
fn url_segment_ignores_case() {
    // The alertname does not match anything: the URL alone finds it.
    let url = format!("{MIXIN}/KubePodCrashLooping");
    assert_eq!(
        found("Unrelated", Some(&url)).as_deref(),
        Some("kubepodcrashlooping.md")
    );
    let url = format!("{MIXIN}/kubepodcrashlooping");
    assert_eq!(
        found("Unrelated", Some(&url)).as_deref(),
        Some("kubepodcrashlooping.md")
    );
}

#[test]
fn url_anchor_query_slash_and_extension() {
    for url in [
        format!("{MIXIN}/kubepodcrashlooping#diagnosis"),
        format!("{MIXIN}/kubepodcrashlooping?from=alertmanager&x=y"),
        format!("{MIXIN}/kubepodcrashlooping/"),
        format!("{MIXIN}/kubepodcrashlooping.md"),
        format!("{MIXIN}/KubePodCrashLooping.html?x=y#top"),
    ] {
        assert_eq!(
            found("Unrelated", Some(&url)).as_deref(),
            Some("kubepodcrashlooping.md"),
            "{url}"
        );
    }
    assert_eq!(
        runbook_url_stem("https://wiki/x/Disk-Pressure.yaml").as_deref(),
        Some("Disk-Pressure")
    );
}

#[test]
fn url_matches_a_yaml_style_id_too() {
    assert_eq!(
        found("Unrelated", Some("https://wiki/etcd-leader")).as_deref(),
        Some("etcdnoleader.md")
    );
}

#[test]
fn alerts_list_then_alertname() {
    // A URL naming no runbook falls back to the alertname.
    let url = Some("https://wiki.example/oncall/node-disk");
    assert_eq!(
        found("NodeDiskFull", url).as_deref(),
        Some("disk-pressure.md")
    );
    assert_eq!(
        found("NodeFilesystemAlmostOutOfSpace", None).as_deref(),
        Some("disk-pressure.md")
    );
    assert_eq!(
        found("NodeClockSkew", None).as_deref(),
        Some("lower-alerts.md")
    );
    assert_eq!(
        found("modellatency", None).as_deref(),
        Some("ModelLatency.md")
    );
    assert_eq!(
        found("ETCDNOLEADER", None).as_deref(),
        Some("etcdnoleader.md")
    );
}

#[test]
fn exact_alerts_entry_beats_a_case_insensitive_one() {
    let mut rbs = set();
    rbs.insert(0, runbook("loose.md", "alerts: [nodediskfull]"));
    let a = alert("NodeDiskFull", None);
    assert_eq!(find_for(&a, &rbs).unwrap().id, "disk-pressure");
}

#[test]
fn no_match_is_none() {
    assert_eq!(
        found("SomethingElse", Some("https://wiki.example/nothing")),
        None
    );
    assert_eq!(found("", None), None);
    let rbs = set();
    assert!(find_by_name("", &rbs).is_none());
    assert_eq!(find_by_name("ETCD-LEADER", &rbs).unwrap().id, "etcd-leader");
    assert_eq!(
        find_by_name("EtcdNoLeader", &rbs).unwrap().id,
        "etcd-leader"
    );
}
