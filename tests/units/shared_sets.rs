//! The members of an HA pair report every alert; their pollers hold one
//! copy of its label and annotation sets and URL (`source::shared_sets`),
//! and only while the copies are equal.

use oncall::model::Labels;
use oncall::source::last_poll::LastPoll;

/// One alert whose fingerprint no other test uses (the table is the
/// process's), with annotation `summary`.
fn answer(fp: &str, summary: &str) -> Vec<u8> {
    format!(
        r#"[{{"annotations":{{"summary":"{summary}"}},"endsAt":"2030-01-01T00:04:00.000Z","fingerprint":"{fp}","receivers":[{{"name":"team"}}],"startsAt":"2030-01-01T00:00:00.000Z","status":{{"inhibitedBy":[],"silencedBy":[],"state":"active"}},"updatedAt":"2030-01-01T00:01:00.000Z","generatorURL":"http://prometheus:9090/graph?g0.expr=up","labels":{{"alertname":"DiskFull","instance":"{fp}"}}}}]"#
    )
    .into_bytes()
}

fn poll(source: &str, body: Vec<u8>) -> LastPoll {
    LastPoll::decode(body, source, None).expect("the answer decodes")
}

#[test]
fn both_members_hold_one_copy_of_an_alerts_sets() {
    let fp = "shared-sets-equal";
    let a = poll("am1", answer(fp, "disk full"));
    let b = poll("am2", answer(fp, "disk full"));
    let (x, y) = (&a.alerts()[0], &b.alerts()[0]);
    assert_eq!(y.sources.as_slice(), ["am2"]);
    assert!(Labels::ptr_eq(&x.labels, &y.labels));
    assert!(Labels::ptr_eq(&x.annotations, &y.annotations));
    assert!(std::sync::Arc::ptr_eq(&x.generator_url, &y.generator_url));
}

#[test]
fn a_member_with_other_annotations_keeps_its_own() {
    let fp = "shared-sets-differ";
    let a = poll("am1", answer(fp, "disk full"));
    let b = poll("am2", answer(fp, "disk 99% full"));
    let (x, y) = (&a.alerts()[0], &b.alerts()[0]);
    assert!(Labels::ptr_eq(&x.labels, &y.labels));
    assert!(!Labels::ptr_eq(&x.annotations, &y.annotations));
    assert_eq!(y.summary(), "disk 99% full");
    assert_eq!(x.summary(), "disk full");
}

#[test]
fn an_alert_gone_everywhere_leaves_the_table() {
    // Many alerts come and go: the table forgets them rather than growing.
    for round in 0..3 {
        let lists: Vec<LastPoll> = (0..2000)
            .map(|i| poll("am1", answer(&format!("shared-sets-gone-{round}-{i}"), "x")))
            .collect();
        drop(lists);
    }
    let left = oncall::source::shared_sets::known();
    assert!(left < 4500, "the table holds {left} alerts of 6,000 gone");
}
