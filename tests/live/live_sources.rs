//! The clients against real Alertmanager (two HA peers) and Prometheus.
//! One environment, checked step by step: starting the servers is the slow part.

use crate::common;

use std::time::{Duration, Instant};

use common::{eventually, Alertmanagers, Prometheus};
use oncall::model::{fingerprint, Alert, AlertState, Labels};
use oncall::source::am_decode::{decode_alerts, decode_next};
use oncall::source::http::{get_ok, join, HttpClient};
use oncall::source::last_poll::LastPoll;
use oncall::source::poll::fetch_with;
use oncall::source::{fetch_once, merge_alerts, Snapshot, SourceSpec};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(5);
const WITHIN: Duration = Duration::from_secs(30);
/// Every alert, as the console asks for them.
const ALERTS: &str = "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true";

async fn snap(spec: &SourceSpec) -> Result<Snapshot, String> {
    fetch_once(spec, TIMEOUT)
        .await
        .map_err(|e| format!("{}: {e}", spec.name))
}

/// Polls every spec and merges, as the console does.
async fn merged(specs: &[SourceSpec]) -> Result<(Vec<Snapshot>, Vec<Alert>), String> {
    let mut snaps = Vec::new();
    for s in specs {
        snaps.push(snap(s).await?);
    }
    let alerts = merge_alerts(
        specs
            .iter()
            .zip(&snaps)
            .map(|(s, n)| (s.name.as_str(), n.alerts.as_slice())),
    );
    Ok((snaps, alerts))
}

fn named<'a>(alerts: &'a [Alert], name: &str) -> Vec<&'a Alert> {
    alerts.iter().filter(|a| a.alertname() == name).collect()
}

#[tokio::test]
async fn live_alertmanager_cluster_and_prometheus() {
    let t = Instant::now();
    let ams = Alertmanagers::start(2);
    // Prometheus starts now; it needs a few seconds to discover the
    // Alertmanagers, so the Alertmanager-only checks run meanwhile.
    let prom = Prometheus::start(&ams.urls);
    eprintln!("servers ready in {:?}", t.elapsed());
    let members = [ams.spec(0), ams.spec(1)];

    ha_duplicates_show_once(&ams, &members).await;
    eprintln!("(a) dedup ok at {:?}", t.elapsed());
    silence_suppresses(&ams, &members).await;
    eprintln!("(c) silence ok at {:?}", t.elapsed());
    inhibition_is_reported(&ams, &members).await;
    eprintln!("(d) inhibition ok at {:?}", t.elapsed());
    peers_see_each_other(&members).await;
    eprintln!("(e) peers ok at {:?}", t.elapsed());
    prometheus_pending_and_dedup(&members, &prom.spec()).await;
    eprintln!("(b) prometheus ok at {:?}", t.elapsed());
    next_poll_reads_what_changed(&ams, &members[0]).await;
    eprintln!("(f) next poll ok at {:?}", t.elapsed());
}

/// (a) The same alert posted to both members is shown once, from both.
async fn ha_duplicates_show_once(ams: &Alertmanagers, members: &[SourceSpec]) {
    ams.post_alerts(json!([{
        "labels": {"alertname": "HaDup", "severity": "info", "instance": "db-1:9100"},
        "annotations": {"summary": "seen by both members"},
        "generatorURL": "http://prometheus.example/graph?g0.expr=up"
    }]))
    .await;
    let alert = eventually("HaDup from both members", WITHIN, || async move {
        let (_, alerts) = merged(members).await?;
        match named(&alerts, "HaDup").as_slice() {
            [a] if a.sources.len() == 2 => Ok((*a).clone()),
            other => Err(format!(
                "{} copies, sources {:?}",
                other.len(),
                other.iter().map(|a| &a.sources).collect::<Vec<_>>()
            )),
        }
    })
    .await;
    assert_eq!(alert.sources.as_slice(), ["am0", "am1"]);
    assert_eq!(alert.state, AlertState::Firing);
    assert_eq!(alert.summary(), "seen by both members");
    assert_eq!(alert.receivers.as_slice(), ["team"]);
    assert_eq!(
        &*alert.generator_url,
        "http://prometheus.example/graph?g0.expr=up"
    );
    assert_eq!(
        alert.fingerprint,
        fingerprint(&alert.labels),
        "our fingerprint is Alertmanager's"
    );
}

/// (c) A silence made on one member suppresses the alert on both, and both
/// report the silence with its author and comment.
async fn silence_suppresses(ams: &Alertmanagers, members: &[SourceSpec]) {
    ams.post_alerts(json!([{"labels": {"alertname": "SilenceMe", "severity": "info"}}]))
        .await;
    let id = ams
        .create_silence(
            0,
            json!([{"name": "alertname", "value": "SilenceMe", "isRegex": false, "isEqual": true}]),
            "oncall-test",
            "ACK! looking into it",
        )
        .await;
    let id = &id;
    eventually(
        "SilenceMe suppressed on both members",
        WITHIN,
        || async move {
            let (snaps, alerts) = merged(members).await?;
            for (spec, snap) in members.iter().zip(&snaps) {
                let a = named(&snap.alerts, "SilenceMe");
                let a = a
                    .first()
                    .ok_or(format!("{} has no SilenceMe yet", spec.name))?;
                if a.state != AlertState::Suppressed || a.silenced_by != vec![id.clone()] {
                    return Err(format!(
                        "{}: state {:?}, silenced_by {:?}",
                        spec.name, a.state, a.silenced_by
                    ));
                }
                let s = snap
                    .silences
                    .iter()
                    .find(|s| &s.id == id)
                    .ok_or(format!("{} lacks the silence", spec.name))?;
                assert_eq!(s.created_by, "oncall-test");
                assert_eq!(s.comment, "ACK! looking into it");
                assert!(s.is_ack("ACK!"));
                assert_eq!(s.source, spec.name);
                assert_eq!(s.matchers[0].to_string(), r#"alertname="SilenceMe""#);
            }
            let m = named(&alerts, "SilenceMe");
            assert_eq!(m.len(), 1);
            assert_eq!(m[0].state_word(), "silenced");
            Ok(())
        },
    )
    .await;
}

/// (d) A warning is inhibited by a critical alert of the same service.
async fn inhibition_is_reported(ams: &Alertmanagers, members: &[SourceSpec]) {
    let root = Labels::from([
        ("alertname".into(), "DbDown".into()),
        ("severity".into(), "critical".into()),
        ("service".into(), "db".into()),
    ]);
    ams.post_alerts(json!([
        {"labels": root},
        {"labels": {"alertname": "DbSlow", "severity": "warning", "service": "db"}},
    ]))
    .await;
    let root_fp = &fingerprint(&root);
    eventually("DbSlow inhibited by DbDown", WITHIN, || async move {
        let (_, alerts) = merged(members).await?;
        let slow = named(&alerts, "DbSlow");
        let slow = slow.first().ok_or("no DbSlow yet")?;
        if slow.inhibited_by != vec![root_fp.clone()] || slow.state != AlertState::Suppressed {
            return Err(format!(
                "DbSlow {:?} inhibited_by {:?}",
                slow.state, slow.inhibited_by
            ));
        }
        assert_eq!(slow.state_word(), "inhibited");
        let down = named(&alerts, "DbDown");
        assert_eq!(down[0].state, AlertState::Firing);
        Ok(())
    })
    .await;
}

/// (e) Each member's status names the other as its peer.
async fn peers_see_each_other(members: &[SourceSpec]) {
    eventually("cluster peers", WITHIN, || async move {
        let a = snap(&members[0])
            .await?
            .peer
            .ok_or("am0 has no peer info")?;
        let b = snap(&members[1])
            .await?
            .peer
            .ok_or("am1 has no peer info")?;
        if a.peers == vec![b.name.clone()] && b.peers == vec![a.name.clone()] && a.name != b.name {
            Ok(())
        } else {
            Err(format!("am0 {a:?}, am1 {b:?}"))
        }
    })
    .await;
}

/// (b) Prometheus's pending alert shows as pending; its firing alert has the
/// fingerprint of the copy it sent to Alertmanager, so they merge into one.
async fn prometheus_pending_and_dedup(members: &[SourceSpec], prom: &SourceSpec) {
    let (pending, firing) = eventually("Prometheus alerts", WITHIN, || async move {
        let s = snap(prom).await?;
        let p = named(&s.alerts, "PromPending")
            .first()
            .map(|a| (*a).clone());
        let f = named(&s.alerts, "PromFiring").first().map(|a| (*a).clone());
        p.zip(f).ok_or(format!("{} alerts so far", s.alerts.len()))
    })
    .await;
    assert_eq!(pending.state, AlertState::Pending);
    assert_eq!(pending.sources.as_slice(), ["prom"]);
    assert!(pending.silenced_by.is_empty() && pending.receivers.is_empty());
    assert_eq!(firing.state, AlertState::Firing);
    assert_eq!(firing.summary(), "fires at once");
    // The rules behind them, from /api/v1/rules: expression and `for:`.
    let s = snap(prom).await.unwrap();
    let rule = s
        .rules
        .iter()
        .find(|r| r.matches(&pending))
        .expect("the rule of PromPending");
    assert_eq!(
        (rule.expr.as_str(), rule.for_secs, rule.group.as_str()),
        ("vector(1)", 3600, "oncall-test")
    );
    assert!(rule.file.ends_with("rules.yml"), "{}", rule.file);
    assert!(!s
        .rules
        .iter()
        .find(|r| r.name == "PromFiring")
        .unwrap()
        .matches(&pending));

    let all: &[SourceSpec] = &members
        .iter()
        .cloned()
        .chain([prom.clone()])
        .collect::<Vec<_>>();
    let firing = &firing;
    eventually(
        "PromFiring merged from Prometheus and both Alertmanagers",
        WITHIN,
        || async move {
            let (snaps, alerts) = merged(all).await?;
            let in_am = named(&snaps[0].alerts, "PromFiring");
            let in_am = in_am
                .first()
                .ok_or("Alertmanager has not received PromFiring yet")?;
            assert_eq!(
                in_am.fingerprint, firing.fingerprint,
                "Alertmanager's fingerprint equals ours"
            );
            let m = named(&alerts, "PromFiring");
            assert_eq!(m.len(), 1, "deduplicated");
            if m[0].sources.len() != 3 {
                return Err(format!("sources so far {:?}", m[0].sources));
            }
            assert!(
                m[0].generator_url.contains("/graph?"),
                "generatorURL from Alertmanager: {}",
                m[0].generator_url
            );
            assert_eq!(named(&alerts, "PromPending")[0].state, AlertState::Pending);
            Ok(())
        },
    )
    .await;
}

/// (f) A poller's polls, each after its last (`last_poll`): an alert posted
/// again with a new summary shows it on the next poll, and an alert nobody
/// touched is the last poll's, shared rather than read again. And real
/// Alertmanager bytes (Go's encoder) decoded after the answer before read
/// as they do alone.
async fn next_poll_reads_what_changed(ams: &Alertmanagers, member: &SourceSpec) {
    let client = HttpClient::new(member, TIMEOUT).expect("a client");
    let url = join(&member.url, ALERTS);
    let raw_before = get_ok(&client, &url).await.unwrap();
    let mut last = None;
    let mut before = fetch_with(&client, member, Some(&mut last)).await.unwrap();
    ams.post_alerts(json!([{
        "labels": {"alertname": "HaDup", "severity": "info", "instance": "db-1:9100"},
        "annotations": {"summary": "posted again"},
        "generatorURL": "http://prometheus.example/graph?g0.expr=up"
    }]))
    .await;
    let deadline = Instant::now() + WITHIN;
    loop {
        let next = fetch_with(&client, member, Some(&mut last)).await.unwrap();
        let first = |s: &Snapshot, name: &str| {
            named(&s.alerts, name)
                .first()
                .map(|a| (*a).clone())
                .unwrap_or_else(|| panic!("{name} missing"))
        };
        if first(&next, "HaDup").summary() == "posted again" {
            let [was, now] = [&before, &next].map(|s| first(s, "SilenceMe"));
            assert_eq!(now, was);
            // (Only a run of more than four alerts resolved just before
            // it could make it read anew; none resolve here.)
            assert!(
                Labels::ptr_eq(&now.labels, &was.labels),
                "an unchanged alert was read again"
            );
            break;
        }
        assert!(Instant::now() < deadline, "HaDup's new summary never came");
        before = next;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let raw_next = get_ok(&client, &url).await.unwrap();
    assert_ne!(raw_next, raw_before, "the answer changed");
    let last = LastPoll::decode(raw_before, &member.name, None).unwrap();
    let (got, _) = decode_next(&raw_next, &member.name, Some(&last)).unwrap();
    assert_eq!(got, decode_alerts(&raw_next, &member.name).unwrap());
}
