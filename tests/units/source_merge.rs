//! The HA merge split over two threads (as from `SPLIT_FROM` alerts) gives
//! the list the one-thread merge gives, on random lists from several
//! Alertmanagers and a Prometheus; and either way each alert is listed
//! once, in the order first seen, with every source that reported it.
//! Lists in fingerprint order (as Alertmanager answers) are merged by
//! walking them side by side: that gives what the indexed merge gives.

use crate::common;

use chrono::{TimeZone, Utc};
use common::proptest_cases as cases;
use oncall::model::{Alert, AlertState, Labels};
use oncall::source::merge::{merge_indexed, merge_split};
use oncall::source::SourceKind;
use proptest::prelude::*;

/// Fingerprints ending in odd and even bytes, as hex hashes do.
const FINGERPRINTS: [&str; 6] = ["0a1", "0a2", "1b3", "1bc", "2cf", "2ce"];
const IDS: [&str; 3] = ["s1", "s2", "s3"];

fn alert_strategy() -> impl Strategy<Value = Alert> {
    let ids = proptest::collection::vec(0..IDS.len(), 0..3);
    (
        0..FINGERPRINTS.len(),
        0..3u8,
        ids.clone(),
        ids,
        0..4i64,
        any::<bool>(),
    )
        .prop_map(|(f, state, silenced, receivers, start, summary)| {
            let labels: Labels = [("alertname".into(), FINGERPRINTS[f].into())]
                .into_iter()
                .collect();
            let state = [
                AlertState::Firing,
                AlertState::Pending,
                AlertState::Suppressed,
            ][state as usize];
            let mut a = Alert::new(labels, state, Utc.timestamp_opt(start * 60, 0).unwrap());
            a.fingerprint = FINGERPRINTS[f].into();
            if state == AlertState::Suppressed {
                a.silenced_by = silenced.iter().map(|&i| IDS[i].to_string()).collect();
            }
            a.receivers = receivers.iter().map(|&i| IDS[i].into()).collect();
            if summary {
                a.annotations.insert("summary".into(), "s".into());
            } else {
                a.annotations.insert("description".into(), "d".into());
            }
            a
        })
}

fn sources_strategy() -> impl Strategy<Value = Vec<(bool, Vec<Alert>)>> {
    let list = proptest::collection::vec(alert_strategy(), 0..12);
    proptest::collection::vec((any::<bool>(), list), 1..4)
}

/// The lists as sources named am1, am2 and prom (`true`: a Prometheus).
fn named(sources: &[(bool, Vec<Alert>)]) -> Vec<(&'static str, SourceKind, &[Alert])> {
    let names = ["am1", "am2", "prom"];
    sources
        .iter()
        .enumerate()
        .map(|(i, (prom, list))| {
            let kind = if *prom {
                SourceKind::Prometheus
            } else {
                SourceKind::Alertmanager
            };
            (names[i], kind, &list[..])
        })
        .collect()
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn lists_in_fingerprint_order_merge_as_the_index_merges_them(
        mut sources in sources_strategy()
    ) {
        for (_, list) in &mut sources {
            list.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
            list.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        }
        let per_source = named(&sources);
        let indexed = merge_indexed(&per_source, false);
        prop_assert_eq!(&merge_split(&per_source, false), &indexed);
        prop_assert_eq!(&merge_split(&per_source, true), &indexed);
    }

    #[test]
    fn split_merge_is_the_one_thread_merge(sources in sources_strategy()) {
        let per_source = named(&sources);
        let one = merge_split(&per_source, false);
        let two = merge_split(&per_source, true);
        prop_assert_eq!(&two, &one);
        prop_assert_eq!(&merge_indexed(&per_source, true), &one);

        // Stated the plain way: first-seen order, every reporting source.
        let mut order: Vec<&str> = Vec::new();
        for (_, _, list) in &per_source {
            for a in *list {
                if !order.contains(&a.fingerprint.as_str()) {
                    order.push(&a.fingerprint);
                }
            }
        }
        let got: Vec<&str> = one.iter().map(|a| a.fingerprint.as_str()).collect();
        prop_assert_eq!(got, order);
        for merged in &one {
            let reported: Vec<&str> = per_source
                .iter()
                .filter(|(_, _, list)| list.iter().any(|a| a.fingerprint == merged.fingerprint))
                .map(|(name, _, _)| *name)
                .collect();
            let mut sources: Vec<&str> = merged.sources.iter().map(|s| s.as_str()).collect();
            sources.sort_unstable();
            prop_assert_eq!(sources, reported);
        }
    }
}
