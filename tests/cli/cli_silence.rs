//! `oncall silence add | list | expire | extend` against real Alertmanagers,
//! checking what both members of the HA pair hold afterwards.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::cli::{
    am_flags, args, cluster_config, fire, held, lines, oncall, silences, silences_sharing_a_prefix,
    stderr, stdout, time, wait_gossip, Home,
};
use common::{eventually, Alertmanagers};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_list_extend_expire_round_trip_on_an_ha_pair() {
    let ams = Alertmanagers::start(2);
    let flags = am_flags(&ams);
    let out = oncall(&args(
        &[
            "silence",
            "add",
            "alertname=DiskFull",
            "instance=~\"db[12]\"",
            "--duration",
            "1h",
            "--comment",
            "disk swap, JIRA-7",
            "--author",
            "alice",
        ],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert_eq!(id.len(), 36, "{id:?}");
    let s = held(&ams, &id, "active").await;
    assert_eq!(s["createdBy"], "alice");
    assert_eq!(s["comment"], "disk swap, JIRA-7");
    assert_eq!(
        s["matchers"],
        json!([{"name": "alertname", "value": "DiskFull", "isRegex": false, "isEqual": true},
               {"name": "instance", "value": "db[12]", "isRegex": true, "isEqual": true}])
    );
    let end = time(&s["endsAt"]);
    assert!(
        (end - Utc::now() - chrono::Duration::hours(1))
            .num_seconds()
            .abs()
            < 30
    );

    // JSON: one object for the pair (one cluster), stable keys.
    let out = oncall(&args(&["silence", "list", "--output", "json"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = [
        "id",
        "cluster",
        "state",
        "matchers",
        "startsAt",
        "endsAt",
        "createdBy",
        "comment",
        "ack",
    ];
    want.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, want);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["state"], "active");
    assert_eq!(list[0]["ack"], false);
    assert_eq!(
        list[0]["matchers"],
        json!(["alertname=\"DiskFull\"", "instance=~\"db[12]\""])
    );
    assert_eq!(time(&list[0]["endsAt"]), end);

    // The table, and --filter with amtool's meaning.
    let out = oncall(&args(
        &["silence", "list", "--filter", "alertname=DiskFull"],
        &flags,
    ));
    let table = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let header = table.lines().next().unwrap();
    for col in ["ID", "STATE", "MATCHERS", "ENDS", "CREATED BY", "COMMENT"] {
        assert!(header.contains(col), "{header}");
    }
    let row = table.lines().find(|l| l.starts_with(&id)).expect(&table);
    assert!(
        row.contains("active") && row.contains("alice") && row.contains("disk swap"),
        "{row}"
    );
    assert!(row.contains("in 59m") || row.contains("in 1h"), "{row}");
    let out = oncall(&args(
        &["silence", "list", "--filter", "alertname=Other"],
        &flags,
    ));
    assert!(!stdout(&out).contains(&id), "{}", stdout(&out));

    // Extend: same id, end moved by exactly the duration, on both members.
    let out = oncall(&args(
        &["silence", "extend", &id, "--duration", "30m"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let (new_id, new_end) = printed.trim().split_once(' ').expect(&printed);
    assert_eq!(new_id, id, "an active silence keeps its id");
    let want_end = end + chrono::Duration::minutes(30);
    assert_eq!((time(&json!(new_end)) - want_end).num_seconds(), 0);
    for url in &ams.urls {
        let id = id.as_str();
        eventually(
            "the new end on every member",
            Duration::from_secs(20),
            || async move {
                let all = silences(url).await?;
                let s = all.iter().find(|s| s["id"] == id).ok_or("gone")?;
                if time(&s["endsAt"]) == want_end {
                    Ok(())
                } else {
                    Err(format!("{url}: {s}"))
                }
            },
        )
        .await;
    }
    assert_eq!(
        silences(&ams.urls[0]).await.unwrap().len(),
        1,
        "nothing new was made"
    );

    // Expire; then it is listed only with --expired.
    let out = oncall(&args(&["silence", "expire", &id], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    held(&ams, &id, "expired").await;
    let out = oncall(&args(&["silence", "list", "--output", "json"], &flags));
    assert_eq!(stdout(&out).trim(), "[]");
    let out = oncall(&args(&["silence", "list", "--expired"], &flags));
    let row = stdout(&out)
        .lines()
        .find(|l| l.starts_with(&id))
        .map(str::to_string);
    assert!(
        row.as_deref()
            .is_some_and(|r| r.contains("expired") && r.contains("ago")),
        "{row:?}"
    );

    // An ended silence extends from now, as a new silence.
    let out = oncall(&args(
        &["silence", "extend", &id, "--duration", "10m"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let revived = stdout(&out).split_whitespace().next().unwrap().to_string();
    assert_ne!(revived, id);
    let s = held(&ams, &revived, "active").await;
    assert!(
        (time(&s["endsAt"]) - Utc::now() - chrono::Duration::minutes(10))
            .num_seconds()
            .abs()
            < 30
    );

    // Expire a known and an unknown id: partial, the unknown one named.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let out = oncall(&args(&["silence", "expire", &revived, unknown], &flags));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), revived);
    assert!(stderr(&out).contains(unknown), "{}", stderr(&out));
    held(&ams, &revived, "expired").await;
    let out = oncall(&args(
        &["silence", "extend", unknown, "--duration", "1h"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("no Alertmanager knows silence {unknown}")),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_before_sending_nothing_is_created() {
    let ams = Alertmanagers::start(1);
    let flags = am_flags(&ams);
    let refused = [
        (
            vec!["silence", "add", "alertname=X", "--duration", "1h"],
            "--comment",
        ),
        (
            vec!["silence", "add", "job=~\".*\"", "--comment", "all"],
            "match the empty string",
        ),
        (vec!["ack", "instance!=\"x\""], "match the empty string"),
        (
            vec!["silence", "add", "job=~\"(\"", "--comment", "c"],
            "invalid regex",
        ),
        (
            vec![
                "silence",
                "add",
                "X",
                "--comment",
                "c",
                "--end",
                "2001-01-01 00:00",
            ],
            "in the past",
        ),
        (
            vec![
                "silence",
                "add",
                "X",
                "--comment",
                "c",
                "--duration",
                "soon",
            ],
            "invalid duration",
        ),
    ];
    for (argv, why) in refused {
        let out = oncall(&args(&argv, &flags));
        assert_eq!(out.status.code(), Some(1), "{argv:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{argv:?}: {}", stderr(&out));
    }
    assert!(silences(&ams.urls[0]).await.unwrap().is_empty());

    // The config may lift the comment rule; --end takes UTC wall-clock time.
    let home = Home::new();
    let config = home.config(&format!(
        "alertmanagers: [{{url: \"{}\"}}]\nsilences: {{require_comment: false}}\n",
        ams.urls[0]
    ));
    let end = (Utc::now() + chrono::Duration::hours(3))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let out = home
        .command(&["--config", &config, "silence", "add", "X", "--end", &end])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = silences(&ams.urls[0]).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        time(&all[0]["endsAt"]).format("%Y-%m-%d %H:%M").to_string(),
        end
    );
    assert_eq!(all[0]["createdBy"], "tester");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_with_one_member_down_goes_through_the_other() {
    let mut ams = Alertmanagers::start(2);
    let home = Home::new();
    let config = home.config(&cluster_config(&ams, ""));
    ams.kill(0);
    let run = |argv: &[&str]| {
        let mut full = vec!["--config", config.as_str()];
        full.extend_from_slice(argv);
        home.command(&full).output().unwrap()
    };
    let out = run(&[
        "silence",
        "add",
        "alertname=DiskFull",
        "--comment",
        "during the outage",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let on_am1 = silences(&ams.urls[1]).await.unwrap();
    assert!(on_am1.iter().any(|s| s["id"] == id.as_str()), "{on_am1:?}");
    let out = run(&["ack", "DiskFull"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["silence", "list", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list.iter().all(|s| s["cluster"] == "test"));
    assert_eq!(list.iter().filter(|s| s["ack"] == true).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_member_down_writes_by_url_stay_in_the_remembered_cluster() {
    let mut ams = Alertmanagers::start(2);
    wait_gossip(&ams).await;
    fire(&ams, json!({"alertname": "DiskFull", "instance": "db1"})).await;
    let flags = am_flags(&ams);
    let home = Home::new();
    let run = |argv: &[&str]| home.command(&args(argv, &flags)).output().unwrap();

    // Both up: grouped by their gossip peers, and remembered.
    let out = run(&["silence", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cache_file = home.state_dir().join("clusters.json");
    let cache: Value = serde_json::from_slice(&std::fs::read(&cache_file).unwrap()).unwrap();
    for url in &ams.urls {
        assert!(cache[url]["name"].is_string(), "{url} in {cache}");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cache_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // Member 0 goes down: it stays in the pair, the writes go through member 1.
    ams.kill(0);
    let out = run(&["ack", "DiskFull"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing about a failure");
    let ack = lines(&out);
    assert!(ack.len() == 1 && ack[0].len() == 36, "one id: {ack:?}");
    let out = run(&[
        "silence",
        "add",
        "alertname=Backup",
        "--comment",
        "during the outage",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let silence = lines(&out);
    assert!(silence.len() == 1 && silence[0].len() == 36, "{silence:?}");
    let held: Vec<Value> = silences(&ams.urls[1]).await.unwrap();
    for id in [&ack[0], &silence[0]] {
        assert!(
            held.iter().any(|s| s["id"] == id.as_str()),
            "{id}: {held:?}"
        );
    }

    // A corrupt cache is no worse than none; without one, the dead member
    // is a cluster of its own, as before, and the error says how to fix it.
    std::fs::write(&cache_file, "{\"truncated").unwrap();
    let out = run(&["ack", "alertname=Third"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    let dead = ams.urls[0].trim_start_matches("http://");
    let live = ams.urls[1].trim_start_matches("http://");
    assert!(
        err.contains(&format!("cluster {dead}: cannot ack"))
            && err.contains(&format!(
                "(if it is an HA peer of {live}, give both the same `cluster:` name in the config)"
            )),
        "{err}"
    );
    assert_eq!(
        lines(&out).len(),
        1,
        "the live member's ack: {}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_short_ids_the_console_shows_work_when_unique() {
    let ams = Alertmanagers::start(2);
    let flags = am_flags(&ams);
    let out = oncall(&args(
        &[
            "silence",
            "add",
            "alertname=DiskFull",
            "--duration",
            "1h",
            "--comment",
            "c",
        ],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let end = time(&held(&ams, &id, "active").await["endsAt"]);

    // The first 8 characters, as the console shows them (any case).
    let short = id[..8].to_ascii_uppercase();
    let out = oncall(&args(
        &["silence", "extend", &short, "--duration", "1h"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let (printed_id, new_end) = printed.trim().split_once(' ').expect(&printed);
    assert_eq!(printed_id, id, "the whole id is printed");
    let want_end = end + chrono::Duration::hours(1);
    assert_eq!((time(&json!(new_end)) - want_end).num_seconds(), 0);

    // Two silences sharing their first 4 characters: that prefix is ambiguous.
    let (a, b) = silences_sharing_a_prefix(&ams.urls[0], 4).await;
    let prefix = &a[..4];
    let out = oncall(&args(&["silence", "expire", prefix], &flags));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("ambiguous") && err.contains(&a) && err.contains(&b),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&out), "");
    let out = oncall(&args(
        &["silence", "extend", prefix, "--duration", "1h"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("ambiguous"), "{}", stderr(&out));
    for s in silences(&ams.urls[0]).await.unwrap() {
        assert_eq!(s["status"]["state"], "active", "nothing expired: {s}");
    }

    // A longer prefix picks one; an unknown one and a non-id are refused.
    let all: Vec<String> = silences(&ams.urls[0])
        .await
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let unique = (5..=36)
        .map(|n| &a[..n])
        .find(|p| all.iter().filter(|id| id.starts_with(p)).count() == 1)
        .unwrap();
    let unknown = (0..0x10000)
        .map(|n| format!("{n:04x}"))
        .find(|p| !all.iter().any(|id| id.starts_with(p.as_str())))
        .unwrap();
    let out = oncall(&args(
        &["silence", "expire", unique, &unknown, "ff2"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), a);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("no Alertmanager knows silence {unknown}"))
            && err.contains("\"ff2\" is not a silence id"),
        "{err}"
    );
    held(&ams, &a, "expired").await;
    held(&ams, &b, "active").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cluster_column_is_as_wide_as_the_names() {
    let (one, two) = (Alertmanagers::start(1), Alertmanagers::start(1));
    let flags: Vec<String> = am_flags(&one).into_iter().chain(am_flags(&two)).collect();
    let out = oncall(&args(
        &["silence", "add", "alertname=DiskFull", "--comment", "c"],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out).len(), 2, "one silence per cluster");
    let out = oncall(&args(&["silence", "list"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = lines(&out);
    assert_eq!(table.len(), 3, "{table:?}");
    assert!(table[0].starts_with("CLUSTER"), "{}", table[0]);
    let id_col = table[0].find("ID").unwrap();
    for url in [&one.urls[0], &two.urls[0]] {
        let name = url.trim_start_matches("http://");
        let row = table[1..]
            .iter()
            .find(|r| r.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} cut: {table:?}"));
        assert!(!row.contains('…'), "{row}");
        assert_eq!(row[id_col..].split(' ').next().unwrap().len(), 36, "{row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_from_alertmanager_names_the_member() {
    let ams = Alertmanagers::start(2);
    let home = Home::new();
    let config = home.config(&cluster_config(&ams, ""));
    // Rust's regex accepts `(?x)`; Go's RE2 (Alertmanager) does not: the
    // refusal comes from the server, and is not retried on the other member.
    let out = home
        .command(&[
            "--config",
            &config,
            "silence",
            "add",
            "job=~\"(?x)api\"",
            "--comment",
            "c",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("400 from am0: silence invalid")
            && err.contains("(?x)api")
            && !err.contains("am1"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    for url in &ams.urls {
        assert!(silences(url).await.unwrap().is_empty());
    }
}

#[test]
fn help_for_every_command_and_clear_refusals_without_a_server() {
    for argv in [
        vec!["ack", "--help"],
        vec!["unack", "--help"],
        vec!["silence", "--help"],
        vec!["silence", "add", "--help"],
        vec!["silence", "list", "--help"],
        vec!["silence", "expire", "--help"],
        vec!["silence", "extend", "--help"],
    ] {
        let out = oncall(&argv);
        assert_eq!(out.status.code(), Some(0), "{argv:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage: oncall"), "{argv:?}");
    }
    let out = oncall(&["silence", "add", "--help"]);
    assert!(stdout(&out).contains("Examples:"));

    let out = oncall(&["ack", "X"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no Alertmanager is configured"),
        "{}",
        stderr(&out)
    );
    let out = oncall(&["--demo", "silence", "add", "X", "--comment", "c"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("demo has no Alertmanager"),
        "{}",
        stderr(&out)
    );
    let out = oncall(&[
        "--read-only",
        "--alertmanager",
        "http://127.0.0.1:1",
        "unack",
        "X",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--read-only"), "{}", stderr(&out));
    let out = oncall(&["ack"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "missing matchers is a usage error"
    );
}

/// `--dry-run` shows each matcher as Alertmanager will store it, and the
/// silence made from the same arguments holds exactly that: regex escapes
/// (`\d`, `\.`) and quoted label names reach the server unchanged. (The
/// Debian package is Alertmanager 0.25, which refuses label names that are
/// not classic ones, so the quoted name here is a classic one.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_dry_run_shows_is_what_alertmanager_stores() {
    let ams = Alertmanagers::start(1);
    let flags = am_flags(&ams);
    let given = [
        r#"instance=~"fraud-0\.*""#,
        r#"{"service"="fraud api"}"#,
        r#"pod=~"fraud-\d+""#,
        "job!=batch",
    ];
    let mut base: Vec<&str> = vec!["silence", "add"];
    base.extend(given);
    base.extend([
        "--duration",
        "1h",
        "--comment",
        "escapes",
        "--author",
        "alice",
    ]);

    let mut dry = base.clone();
    dry.push("--dry-run");
    let out = oncall(&args(&dry, &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("nothing was sent"), "{text}");
    // The table's rows: name, operator, value, in the header's columns.
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("name"))
        .unwrap();
    let (op_at, value_at) = (
        header.find(" op ").unwrap() + 1,
        header.find("value").unwrap(),
    );
    let shown: Vec<(String, String, String)> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("name"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            (
                l[..op_at].trim().to_string(),
                l[op_at..value_at].trim().to_string(),
                l[value_at..].to_string(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("instance".into(), "=~".into(), r"fraud-0\.*".into()),
            ("service".into(), "=".into(), "fraud api".into()),
            ("pod".into(), "=~".into(), r"fraud-\d+".into()),
            ("job".into(), "!=".into(), "batch".into()),
        ],
        "{text}"
    );
    assert!(
        text.contains(
            r#"{instance=~"fraud-0\\.*", service="fraud api", pod=~"fraud-\\d+", job!="batch"}"#
        ),
        "{text}"
    );
    assert!(
        silences(&ams.urls[0]).await.unwrap().is_empty(),
        "a dry run sends nothing"
    );

    let out = oncall(&args(&base, &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let s = held(&ams, &id, "active").await;
    let stored: Vec<(String, String, String)> = s["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let op = match (m["isEqual"].as_bool(), m["isRegex"].as_bool()) {
                (Some(true), Some(false)) => "=",
                (Some(false), Some(false)) => "!=",
                (Some(true), Some(true)) => "=~",
                _ => "!~",
            };
            (
                m["name"].as_str().unwrap().to_string(),
                op.to_string(),
                m["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(stored, shown);
}
