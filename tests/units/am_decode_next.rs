//! A poller's next answer decoded after its last (`am_decode::decode_next`
//! with a `LastPoll`): alerts whose bytes are unchanged are taken from the
//! last list, the others read anew. On random pairs of answers (alerts
//! changed, resolved, new, in fingerprint order or not; each answer with
//! white space of its own between and inside alerts) the result is what
//! decoding the answer alone gives, each span holds the bytes of its alert,
//! a changed alert is never taken from the last list, and an unchanged one
//! of an answer in fingerprint order is (unless more than four were
//! resolved just before it).

use crate::common;

use std::collections::BTreeMap;

use common::proptest_cases as cases;
use oncall::model::Labels;
use oncall::source::am_decode::{decode_alerts, decode_next};
use oncall::source::last_poll::LastPoll;
use proptest::prelude::*;

/// Alert `fp` in version `v`: versions differ in an annotation, a label
/// and `updatedAt`, as a re-sent alert does. `i` is the white space after
/// each colon and comma inside it. Its labels are never empty, so a shared
/// set (`Labels::ptr_eq`) says the alert was taken from the last list.
fn alert_json(fp: u16, v: u8, i: &str) -> String {
    format!(
        r#"{{"annotations":{i}{{"summary":{i}"v{v} \"disk\" café"}},{i}"endsAt":{i}"2030-01-01T00:04:00.000Z",{i}"fingerprint":{i}"{fp:016x}",{i}"receivers":{i}[{{"name":{i}"team"}}],{i}"startsAt":{i}"2030-01-01T00:00:00.000Z",{i}"status":{i}{{"inhibitedBy":{i}[],{i}"silencedBy":{i}[],{i}"state":{i}"active"}},{i}"updatedAt":{i}"2030-01-01T00:0{v}:00.000Z",{i}"generatorURL":{i}"http://p/graph",{i}"labels":{i}{{"alertname":{i}"A{fp}",{i}"v":{i}"{v}"}}}}"#
    )
}

/// An answer: `w` between the alerts, `i` inside them.
fn body(alerts: &[(u16, u8)], w: &str, i: &str) -> Vec<u8> {
    let items: Vec<String> = alerts.iter().map(|&(fp, v)| alert_json(fp, v, i)).collect();
    format!("{w}[{w}{}{w}]{w}", items.join(&format!("{w},{w}"))).into_bytes()
}

fn last_poll(bytes: Vec<u8>) -> LastPoll {
    LastPoll::decode(bytes, "am1", None).expect("the last answer decodes")
}

fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("\n  ")]
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn the_next_answer_decodes_as_it_would_alone(
        first in proptest::collection::btree_map(0..40u16, 0..3u8, 0..20),
        edits in proptest::collection::vec((0..40u16, proptest::option::of(0..3u8)), 0..12),
        reversed in any::<bool>(),
        (w1, w2, i1, i2) in (space(), space(), space(), space()),
    ) {
        let mut second: BTreeMap<u16, u8> = first.clone();
        for (fp, v) in edits {
            match v {
                Some(v) => second.insert(fp, v),
                None => second.remove(&fp),
            };
        }
        let resolved = first.keys().filter(|fp| !second.contains_key(fp)).count();
        let firsts: Vec<(u16, u8)> = first.into_iter().collect();
        let mut seconds: Vec<(u16, u8)> = second.into_iter().collect();
        if reversed {
            seconds.reverse();
        }
        let last = last_poll(body(&firsts, w1, i1));
        let next = body(&seconds, w2, i2);

        let (got, spans) = decode_next(&next, "am1", Some(&last)).expect("the next answer decodes");
        let want = decode_alerts(&next, "am1").expect("the next answer decodes alone");
        prop_assert_eq!(&got, &want);

        for (alert, span) in got.iter().zip(&spans) {
            let mut one = b"[".to_vec();
            one.extend_from_slice(&next[span.clone()]);
            one.push(b']');
            prop_assert_eq!(decode_alerts(&one, "am1").expect("a span decodes"), vec![alert.clone()]);
        }

        for (alert, &(fp, v)) in got.iter().zip(&seconds) {
            let before = last.alerts().iter().zip(&firsts).find(|(_, &(f, _))| f == fp);
            if let Some((old, &(_, old_v))) = before {
                let shared = Labels::ptr_eq(&alert.labels, &old.labels);
                if v != old_v || i1 != i2 {
                    prop_assert!(!shared, "alert {} changed but was taken from the last list", fp);
                } else if !reversed && resolved <= 4 {
                    prop_assert!(shared, "alert {} unchanged but read anew", fp);
                }
            }
        }
    }
}

#[test]
fn a_changed_alert_of_the_same_length_is_read_anew() {
    let last = last_poll(body(&[(1, 1), (2, 1)], "", ""));
    // Version 2 has the same length as version 1: only its bytes differ.
    let next = body(&[(1, 2), (2, 1)], "", "");
    assert_eq!(next.len(), body(&[(1, 1), (2, 1)], "", "").len());
    let (got, _) = decode_next(&next, "am1", Some(&last)).unwrap();
    assert_eq!(got[0].labels.get("v"), Some("2"));
    assert!(got[0].summary().starts_with("v2 "));
    assert!(Labels::ptr_eq(&got[1].labels, &last.alerts()[1].labels));
}

#[test]
fn another_sources_last_answer_is_not_used() {
    let bytes = body(&[(1, 1)], "", "");
    let last = last_poll(bytes.clone());
    let (got, _) = decode_next(&bytes, "am2", Some(&last)).unwrap();
    assert_eq!(got[0].sources.as_slice(), ["am2"]);
    assert!(!Labels::ptr_eq(&got[0].labels, &last.alerts()[0].labels));
}

#[test]
fn an_answer_that_ends_early_is_an_error_even_after_unchanged_alerts() {
    let whole = body(&[(1, 1), (2, 1)], "", "");
    let last = last_poll(whole.clone());
    let (_, spans) = decode_next(&whole, "am1", None).unwrap();
    // Right after the first alert, inside the second, and before the `]`.
    for cut in [spans[0].end, spans[1].start + 10, whole.len() - 1] {
        let err = decode_next(&whole[..cut], "am1", Some(&last));
        assert!(err.is_err(), "took the answer cut at byte {cut}");
    }
}
