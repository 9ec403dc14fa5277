//! `oncall ack` / `oncall unack` against a real Alertmanager HA pair,
//! checking what both members hold afterwards.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use common::cli::{
    active_acks, alert_status, am_flags, args, fire, get, held, lines, oncall, silences, stderr,
    stdout, wait_gossip, Home,
};
use common::{eventually, Alertmanagers};
use serde_json::{json, Value};

/// The matchers of a silence as `name=value` strings, sorted.
fn matcher_pairs(s: &Value) -> Vec<String> {
    let mut v: Vec<String> = s["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}={}",
                m["name"].as_str().unwrap(),
                m["value"].as_str().unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ack_is_one_silence_on_both_members_idempotent_and_unack_restores_the_alert() {
    let ams = Alertmanagers::start(2);
    let flags = am_flags(&ams);
    fire(
        &ams,
        json!({"alertname": "DiskFull", "instance": "db1", "severity": "critical"}),
    )
    .await;

    let out = oncall(&args(&["ack", "DiskFull", "--comment", "on it"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert_eq!(id.len(), 36, "one id, as amtool prints: {id:?}");

    for url in &ams.urls {
        let (acks, state) = eventually(
            "one ack on both members, the alert suppressed",
            Duration::from_secs(20),
            || {
                let id = id.clone();
                async move {
                    let acks = active_acks(url).await?;
                    let (state, by) = alert_status(url, "DiskFull").await?;
                    if acks.len() == 1 && state == "suppressed" && by.contains(&json!(id)) {
                        Ok((acks, state))
                    } else {
                        Err(format!("{url}: acks {acks:?}, alert {state} by {by:?}"))
                    }
                }
            },
        )
        .await;
        assert_eq!(acks[0]["id"], id.as_str());
        assert_eq!(acks[0]["comment"], "ACK! on it");
        assert_eq!(acks[0]["createdBy"], "tester");
        assert_eq!(matcher_pairs(&acks[0]), ["alertname=DiskFull"]);
        assert_eq!(state, "suppressed");
        // About 15 minutes (the default ack duration).
        let ends: chrono::DateTime<chrono::Utc> =
            acks[0]["endsAt"].as_str().unwrap().parse().unwrap();
        let left = (ends - chrono::Utc::now()).num_seconds();
        assert!((13 * 60..=15 * 60).contains(&left), "{left}s left");
    }

    // Again: the same id, nothing new on either member.
    let again = oncall(&args(&["ack", "alertname=DiskFull"], &flags));
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again).trim(), id);
    assert!(
        stderr(&again).contains("already acknowledged by tester"),
        "{}",
        stderr(&again)
    );
    for url in &ams.urls {
        assert_eq!(
            silences(url).await.unwrap().len(),
            1,
            "{url} holds one silence"
        );
    }

    let out = oncall(&args(&["unack", "DiskFull"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), id);
    for url in &ams.urls {
        eventually(
            "the ack expired and the alert active again",
            Duration::from_secs(20),
            || async move {
                let acks = active_acks(url).await?;
                let (state, _) = alert_status(url, "DiskFull").await?;
                if acks.is_empty() && state == "active" {
                    Ok(())
                } else {
                    Err(format!("{url}: acks {acks:?}, alert {state}"))
                }
            },
        )
        .await;
    }

    let out = oncall(&args(&["unack", "DiskFull"], &flags));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing to unack"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unack_finds_the_ack_covering_an_alert_and_leaves_other_silences() {
    let ams = Alertmanagers::start(1);
    let flags = am_flags(&ams);
    fire(
        &ams,
        json!({"alertname": "ModelServerDown", "instance": "gpu-node-07"}),
    )
    .await;
    // Acked by its labels (karma acks this way); unacked by instance alone.
    let out = oncall(&args(
        &[
            "ack",
            "alertname=ModelServerDown",
            "instance=gpu-node-07",
            "--duration",
            "5m",
        ],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ack = stdout(&out).trim().to_string();
    let plain = ams
        .create_silence(0, json!([{"name": "instance", "value": "gpu-node-07", "isRegex": false, "isEqual": true}]), "bob", "maintenance")
        .await;
    let out = oncall(&args(&["unack", "instance=\"gpu-node-07\""], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), ack);
    let held = silences(&ams.urls[0]).await.unwrap();
    let state = |id: &str| held.iter().find(|s| s["id"] == id).unwrap()["status"]["state"].clone();
    assert_eq!(state(&ack), "expired");
    assert_eq!(
        state(&plain),
        "active",
        "a silence that is not an ack stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_acks_through_both_members_leave_exactly_one() {
    let ams = Alertmanagers::start(2);
    wait_gossip(&ams).await;
    let homes = [Home::new(), Home::new()];
    for name in ["RaceA", "RaceB", "RaceC"] {
        let matchers = format!("alertname=\"{name}\",team=\"ml\"");
        // Started together, each knowing one member only, as two engineers'
        // consoles on either side of a load balancer might.
        let procs: Vec<_> = (0..2)
            .map(|i| {
                homes[i]
                    .command(&[
                        "ack",
                        &matchers,
                        "--alertmanager",
                        &ams.urls[i],
                        "--author",
                        &format!("eng{i}"),
                    ])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let printed: Vec<String> = procs
            .into_iter()
            .map(|p| {
                let o = p.wait_with_output().unwrap();
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
                stdout(&o).trim().to_string()
            })
            .collect();
        let wanted = format!("alertname={name}");
        for url in &ams.urls {
            let survivor = eventually(
                "exactly one active ack on each member",
                Duration::from_secs(20),
                || {
                    let wanted = wanted.clone();
                    async move {
                        let acks: Vec<Value> = active_acks(url)
                            .await?
                            .into_iter()
                            .filter(|s| matcher_pairs(s).contains(&wanted))
                            .collect();
                        match acks.as_slice() {
                            [one] => Ok(one["id"].as_str().unwrap().to_string()),
                            _ => Err(format!("{url}: {acks:?}")),
                        }
                    }
                },
            )
            .await;
            assert_eq!(
                printed,
                [survivor.clone(), survivor],
                "both consoles report the ack that stands"
            );
        }
    }
}

/// Waits until every member holds `n` alerts named `alertname`.
async fn alerts_held(ams: &Alertmanagers, alertname: &str, n: usize) {
    for url in &ams.urls {
        eventually(
            "the alerts on every member",
            Duration::from_secs(20),
            || async move {
                let all = get(&format!("{url}/api/v2/alerts")).await?;
                let count = all.as_array().map_or(0, |a| {
                    a.iter()
                        .filter(|a| a["labels"]["alertname"] == alertname)
                        .count()
                });
                if count == n {
                    Ok(())
                } else {
                    Err(format!("{url} holds {count} {alertname}"))
                }
            },
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ack_of_alerts_each_acked_already_creates_nothing_as_the_console() {
    let ams = Alertmanagers::start(2);
    let flags = am_flags(&ams);
    let alert =
        |instance: &str| json!({"labels": {"alertname": "ModelServerDown", "instance": instance}});
    ams.post_alerts(json!([alert("gpu-1"), alert("gpu-2")]))
        .await;
    alerts_held(&ams, "ModelServerDown", 2).await;
    // Bob acked each alert by its own labels (as the console and karma do).
    let mut bobs = Vec::new();
    for instance in ["gpu-1", "gpu-2"] {
        let id = ams
            .create_silence(
                0,
                json!([{"name": "alertname", "value": "ModelServerDown", "isRegex": false, "isEqual": true},
                       {"name": "instance", "value": instance, "isRegex": false, "isEqual": true}]),
                "bob",
                "ACK! restarting the pods",
            )
            .await;
        held(&ams, &id, "active").await;
        bobs.push(id);
    }

    let out = oncall(&args(&["ack", "ModelServerDown"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut printed = lines(&out);
    printed.sort();
    let mut want = bobs.clone();
    want.sort();
    assert_eq!(printed, want, "the acks that cover them");
    let err = stderr(&out);
    assert!(
        err.contains("already acknowledged by bob, ") && err.contains(" left"),
        "{err}"
    );
    for url in &ams.urls {
        assert_eq!(
            silences(url).await.unwrap().len(),
            2,
            "nothing new on {url}"
        );
    }

    // A third alert that nobody acked: now the ack is made.
    ams.post_alerts(json!([alert("gpu-3")])).await;
    alerts_held(&ams, "ModelServerDown", 3).await;
    let out = oncall(&args(&["ack", "ModelServerDown"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let made = lines(&out);
    assert!(made.len() == 1 && !bobs.contains(&made[0]), "{made:?}");
    assert_eq!(stderr(&out), "");
    held(&ams, &made[0], "active").await;
    assert_eq!(active_acks(&ams.urls[0]).await.unwrap().len(), 3);

    // No alert selected: the same matchers acked twice are still one ack.
    let first = oncall(&args(&["ack", "NotFiringYet"], &flags));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("no alert matches"),
        "{}",
        stderr(&first)
    );
    let again = oncall(&args(&["ack", "alertname=\"NotFiringYet\""], &flags));
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(lines(&again), lines(&first));
    assert!(
        stderr(&again).contains("already acknowledged by tester, 15m left"),
        "{}",
        stderr(&again)
    );
}

/// A critical DiskFull and a warning CertExpiry, on every member.
async fn fire_disk_and_cert(ams: &Alertmanagers) {
    for labels in [
        json!({"alertname": "DiskFull", "instance": "db1", "severity": "critical"}),
        json!({"alertname": "CertExpiry", "instance": "web1", "severity": "warning"}),
    ] {
        fire(ams, labels).await;
    }
}

/// Waits until member 0 reports both suppressed (acked or silenced).
async fn both_suppressed(ams: &Alertmanagers) {
    let check = || async {
        let (a, _) = alert_status(&ams.urls[0], "DiskFull").await?;
        let (b, _) = alert_status(&ams.urls[0], "CertExpiry").await?;
        (a == "suppressed" && b == "suppressed")
            .then_some(())
            .ok_or(format!("{a} {b}"))
    };
    eventually("both suppressed", Duration::from_secs(20), check).await;
}

/// `oncall alerts` tells an ack (with who) apart from a silence, in the
/// table and in the JSON's `ack` key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_say_acked_by_whom_apart_from_silenced() {
    let ams = Alertmanagers::start(1);
    let flags = am_flags(&ams);
    fire_disk_and_cert(&ams).await;
    let out = oncall(&args(&["ack", "DiskFull", "--author", "bob"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ack_id = stdout(&out).trim().to_string();
    let out = oncall(&args(
        &[
            "silence",
            "add",
            "CertExpiry",
            "-d",
            "1h",
            "-c",
            "renewing",
            "-a",
            "carol",
        ],
        &flags,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    both_suppressed(&ams).await;

    let out = oncall(&args(&["alerts", "--output", "json"], &flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let by_name = |n: &str| list.iter().find(|a| a["labels"]["alertname"] == n).unwrap();
    let ack = &by_name("DiskFull")["ack"];
    assert_eq!(ack["by"], "bob", "{ack}");
    assert_eq!(ack["silenceId"], ack_id.as_str());
    assert!(ack["until"]
        .as_str()
        .is_some_and(|t| t.parse::<chrono::DateTime<chrono::Utc>>().is_ok()));
    assert_eq!(
        by_name("CertExpiry")["ack"],
        Value::Null,
        "a silence is not an ack"
    );

    let out = oncall(&args(&["alerts"], &flags));
    let table = stdout(&out);
    let row = |n: &str| table.lines().find(|l| l.contains(n)).unwrap().to_string();
    assert!(row("DiskFull").contains("acked by bob"), "{table}");
    assert!(row("CertExpiry").contains("silenced"), "{table}");
    assert!(!row("CertExpiry").contains("acked"), "{table}");
}

/// `ack: {prefix: ...}`: acks are made and recognised by the team's prefix;
/// a silence with the default `ACK!` is then an ordinary silence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_ack_prefix_makes_and_tells_acks() {
    let ams = Alertmanagers::start(1);
    let home = Home::new();
    let config = home.config(&common::cli::cluster_config(
        &ams,
        "ack: {prefix: \"[ack]\"}\n",
    ));
    fire_disk_and_cert(&ams).await;
    let run = |args: &[&str]| {
        let mut all = vec!["--config", config.as_str()];
        all.extend(args);
        home.command(&all).output().unwrap()
    };
    let out = run(&["ack", "DiskFull", "--comment", "on it"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let acks = silences(&ams.urls[0]).await.unwrap();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0]["comment"], "[ack] on it");
    // An `ACK!` silence made elsewhere is no ack for this team.
    let out = run(&[
        "silence",
        "add",
        "CertExpiry",
        "-d",
        "1h",
        "-c",
        "ACK! not ours",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    both_suppressed(&ams).await;
    let out = run(&["alerts", "--output", "json"]);
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let by_name = |n: &str| list.iter().find(|a| a["labels"]["alertname"] == n).unwrap();
    assert_eq!(by_name("DiskFull")["ack"]["by"], "tester");
    assert_eq!(by_name("CertExpiry")["ack"], Value::Null);
    let out = run(&["silence", "list"]);
    let table = stdout(&out);
    let row = |c: &str| table.lines().find(|l| l.contains(c)).unwrap().to_string();
    assert!(row("on it").contains("(ack)"), "{table}");
    assert!(!row("not ours").contains("(ack)"), "{table}");

    // A prefix of two words is refused, with its line.
    let bad = home.config(&common::cli::cluster_config(
        &ams,
        "ack:\n  prefix: \"ACK ME\"\n",
    ));
    let out = home
        .command(&["--config", bad.as_str(), "alerts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("ack.prefix") && err.contains("one word") && err.contains("line"),
        "{err}"
    );
}
