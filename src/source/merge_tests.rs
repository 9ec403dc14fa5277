//! Tests of `source::merge`.

use super::*;

fn alert(state: AlertState, silenced: &[&str]) -> Alert {
    let labels = Labels::from([("alertname".into(), "X".into())]);
    let mut a = Alert::new(labels, state, chrono::DateTime::UNIX_EPOCH);
    a.silenced_by = silenced.iter().map(|s| s.to_string()).collect();
    a
}

#[test]
fn prometheus_never_unsilences_an_alertmanager_alert() {
    let prom = [alert(AlertState::Firing, &[])];
    let am = [alert(AlertState::Suppressed, &["s1"])];
    for order in [
        [
            ("p", SourceKind::Prometheus, &prom[..]),
            ("a", SourceKind::Alertmanager, &am[..]),
        ],
        [
            ("a", SourceKind::Alertmanager, &am[..]),
            ("p", SourceKind::Prometheus, &prom[..]),
        ],
    ] {
        let merged = merge_sources(order);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].state, AlertState::Suppressed);
        assert_eq!(merged[0].silenced_by, vec!["s1"]);
        assert_eq!(merged[0].sources.len(), 2);
    }
}

#[test]
fn no_sources_merge_to_no_alerts() {
    for split in [false, true] {
        assert!(merge_split(&[], split).is_empty());
    }
    assert!(merge_alerts([("am1", &[][..])]).is_empty());
}

#[test]
fn a_member_that_still_sees_it_firing_wins() {
    let a = [alert(AlertState::Suppressed, &["s1"])];
    let b = [alert(AlertState::Firing, &[])];
    let merged = merge_alerts([("am1", &a[..]), ("am2", &b[..])]);
    assert_eq!(merged[0].state, AlertState::Firing);
    assert!(merged[0].silenced_by.is_empty());
    assert_eq!(merged[0].sources.as_slice(), ["am1", "am2"]);
}

#[test]
fn lacks_some_finds_a_name_missing_from_the_first_set() {
    let set =
        |names: &[&str]| -> Labels { names.iter().map(|n| ((*n).into(), "v".into())).collect() };
    for (mine, other, lacks) in [
        (&["a", "c"][..], &["a", "c"][..], false),
        (&["a", "c"], &["a"], false),
        (&["a", "c"], &[], false),
        (&["a", "c"], &["b"], true),
        (&["a", "c"], &["a", "c", "d"], true),
        (&[], &["a"], true),
        (&["b"], &["a", "b"], true),
    ] {
        assert_eq!(
            lacks_some(&set(mine), &set(other)),
            lacks,
            "{mine:?} vs {other:?}"
        );
    }
}
