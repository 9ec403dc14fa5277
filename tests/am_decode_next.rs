//! A poller's next answer decoded after its last (`am_decode::decode_next`
//! with a `LastPoll`): alerts whose bytes are unchanged are taken from the
//! last list, the others read anew. On random pairs of answers (alerts
//! changed, gone, new, in fingerprint order or not, any white space) the
//! result is what decoding the answer alone gives, each span holds the
//! bytes of its alert, a changed alert is never taken from the last list,
//! and an unchanged one of an answer in fingerprint order is (unless more
//! than four were resolved just before it).

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::proptest_cases as cases;
use oncall::model::Labels;
use oncall::source::am_decode::{decode_alerts, decode_next};
use oncall::source::last_poll::LastPoll;
use proptest::prelude::*;

/// Alert `fp` in version `v`: versions differ in an annotation, a label
/// and `updatedAt`, as a re-sent alert does.
fn alert_json(fp: u16, v: u8) -> String {
    format!(
        r#"{{"annotations":{{"summary":"v{v} \"disk\" café"}},"endsAt":"2030-01-01T00:04:00.000Z","fingerprint":"{fp:016x}","receivers":[{{"name":"team"}}],"startsAt":"2030-01-01T00:00:00.000Z","status":{{"inhibitedBy":[],"silencedBy":[],"state":"active"}},"updatedAt":"2030-01-01T00:0{v}:00.000Z","generatorURL":"http://p/graph","labels":{{"alertname":"A{fp}","v":"{v}"}}}}"#
    )
}

fn body(alerts: &[(u16, u8)], w: &str) -> Vec<u8> {
    let items: Vec<String> = alerts.iter().map(|&(fp, v)| alert_json(fp, v)).collect();
    format!("{w}[{w}{}{w}]{w}", items.join(&format!("{w},{w}"))).into_bytes()
}

fn last_poll(bytes: Vec<u8>) -> LastPoll {
    let (alerts, spans) = decode_next(&bytes, "am1", None).expect("the last answer decodes");
    LastPoll::new(bytes, spans, Arc::new(alerts))
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn the_next_answer_decodes_as_it_would_alone(
        first in proptest::collection::btree_map(0..40u16, 0..3u8, 0..20),
        edits in proptest::collection::vec((0..40u16, proptest::option::of(0..3u8)), 0..12),
        reversed in any::<bool>(),
        w in prop_oneof![Just(""), Just(" "), Just("\n  ")],
    ) {
        let mut second: BTreeMap<u16, u8> = first.clone();
        let mut resolved = 0;
        for (fp, v) in edits {
            match v {
                Some(v) => second.insert(fp, v),
                None => {
                    resolved += usize::from(second.contains_key(&fp));
                    second.remove(&fp)
                }
            };
        }
        let firsts: Vec<(u16, u8)> = first.into_iter().collect();
        let mut seconds: Vec<(u16, u8)> = second.into_iter().collect();
        if reversed {
            seconds.reverse();
        }
        let last = last_poll(body(&firsts, w));
        let next = body(&seconds, w);

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
                if v != old_v {
                    prop_assert!(!shared, "alert {} changed but was taken from the last list", fp);
                } else if !reversed && resolved <= 4 {
                    prop_assert!(shared, "alert {} unchanged but read anew", fp);
                }
            }
        }
    }
}

#[test]
fn a_changed_body_of_the_same_length_is_read_anew() {
    let last = last_poll(body(&[(1, 1), (2, 1)], ""));
    // Version 2 has the same length as version 1: only its bytes differ.
    let next = body(&[(1, 2), (2, 1)], "");
    assert_eq!(next.len(), body(&[(1, 1), (2, 1)], "").len());
    let (got, _) = decode_next(&next, "am1", Some(&last)).unwrap();
    assert_eq!(got[0].labels.get("v"), Some("2"));
    assert!(got[0].summary().starts_with("v2 "));
    assert!(Labels::ptr_eq(&got[1].labels, &last.alerts()[1].labels));
}

#[test]
fn an_answer_cut_inside_a_known_alert_is_an_error() {
    let whole = body(&[(1, 1), (2, 1)], "");
    let last = last_poll(whole.clone());
    for cut in [whole.len() - 1, whole.len() - 5, whole.len() / 2] {
        assert!(
            decode_next(&whole[..cut], "am1", Some(&last)).is_err(),
            "cut at {cut}"
        );
    }
}
