//! Tests of `model::labels`: the set against plain lists of pairs.

use super::*;

fn set(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

/// `from_laid_out` of the pairs, their texts one after another.
fn laid_out(pairs: &[(&str, &str)]) -> Labels {
    let (mut text, mut ends) = (String::new(), Vec::new());
    for t in pairs.iter().flat_map(|&(k, v)| [k, v]) {
        text.push_str(t);
        ends.push(text.len());
    }
    // SAFETY: each end is taken right after a whole str is appended.
    unsafe { Labels::from_laid_out(&text, &ends) }
}

#[test]
#[cfg(debug_assertions)]
fn debug_builds_refuse_ends_that_cut_a_character_or_leave_text_over() {
    // "é" is two bytes: an end between them would make a name that is
    // not UTF-8, and text past the last end would make the block differ
    // from the same pairs built otherwise. The check panics before the
    // block is made.
    for ends in [&[1, 2][..], &[2, 1], &[1], &[]] {
        let made = std::panic::catch_unwind(|| unsafe { Labels::from_laid_out("éa", ends) });
        assert!(made.is_err(), "{ends:?}");
    }
    assert_eq!(laid_out(&[("é", "a")]), set(&[("é", "a")]));
}

#[test]
fn a_laid_out_set_is_the_set_of_its_pairs_in_any_order() {
    for pairs in [
        &[][..],
        &[("alertname", "DiskFull"), ("job", "node"), ("zone", "")],
        &[("", "empty name"), ("a", "é ünï"), ("ab", "x")],
        &[("job", "node"), ("alertname", "DiskFull")],
        &[("b", "1"), ("a", "2"), ("b", "3")],
        &[("a", "1"), ("a", "2")],
    ] {
        let got = laid_out(pairs);
        assert_eq!(got, set(pairs), "{pairs:?}");
        assert_eq!(got.iter().count(), set(pairs).len(), "{pairs:?}");
    }
}

#[test]
fn unsorted_input_is_sorted_and_the_last_duplicate_wins() {
    let l = set(&[("b", "1"), ("a", "2"), ("b", "3")]);
    let pairs: Vec<(&str, &str)> = l.iter().collect();
    assert_eq!(pairs, [("a", "2"), ("b", "3")]);
}

#[test]
fn lookups_agree_with_a_btreemap_below_and_above_the_scan_limit() {
    for n in [0, 1, 5, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
        let names: Vec<String> = (0..n).map(|i| format!("l{:02}", i * 2)).collect();
        let l: Labels = names.iter().map(|k| (k.into(), k.into())).collect();
        let b: std::collections::BTreeMap<&str, &str> =
            names.iter().map(|k| (k.as_str(), k.as_str())).collect();
        for probe in (0..n * 2 + 2).map(|i| format!("l{i:02}")) {
            assert_eq!(
                l.get(&probe),
                b.get(probe.as_str()).copied(),
                "{probe} in {n}"
            );
        }
    }
}

#[test]
fn sets_order_and_equal_as_their_pairs_do() {
    let sets: [&[(&str, &str)]; 8] = [
        &[],
        &[("a", "1")],
        &[("a", "1"), ("b", "2")],
        &[("a", "10")],
        &[("a", "2")],
        &[("ab", "")],
        &[("a", ""), ("b", "1")],
        &[("b", "")],
    ];
    for x in sets {
        for y in sets {
            assert_eq!(set(x).cmp(&set(y)), x.cmp(y), "{x:?} vs {y:?}");
            assert_eq!(set(x) == set(y), x == y, "{x:?} vs {y:?}");
        }
    }
}

#[test]
fn walking_from_both_ends_meets_in_the_middle() {
    let l = set(&[("a", "1"), ("bb", ""), ("c", "333"), ("d", "4")]);
    let forward: Vec<_> = l.iter().collect();
    let mut back: Vec<_> = l.iter().rev().collect();
    back.reverse();
    assert_eq!(back, forward);
    let mut it = l.iter();
    assert_eq!(it.next(), Some(("a", "1")));
    assert_eq!(it.next_back(), Some(("d", "4")));
    assert_eq!(it.len(), 2);
    assert_eq!(it.next_back(), Some(("c", "333")));
    assert_eq!(it.next(), Some(("bb", "")));
    assert_eq!((it.next(), it.next_back()), (None, None));
}

#[test]
fn insert_keeps_order_and_replaces() {
    let mut l = set(&[("a", "1"), ("c", "3")]);
    assert_eq!(l.insert("b".into(), "2".into()), None);
    assert_eq!(l.insert("c".into(), "4".into()).as_deref(), Some("3"));
    assert_eq!(l.remove("a").as_deref(), Some("1"));
    assert_eq!(format!("{l:?}"), r#"{"b": "2", "c": "4"}"#);
}

#[test]
fn json_is_an_object_both_ways() {
    let l = set(&[("z", "1"), ("a", "2")]);
    let json = serde_json::to_string(&l).unwrap();
    assert_eq!(json, r#"{"a":"2","z":"1"}"#);
    assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), l);
}
