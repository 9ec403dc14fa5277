//! A label (or annotation) set: name/value pairs sorted by name, in one
//! contiguous list.
//!
//! Why not a `BTreeMap`: an alert has about ten labels, and the pane walks
//! every alert's set several times per merge. A B-tree (in an `Arc`) made
//! each set two dependent allocations, a node sized for eleven pairs, and a
//! tree walk per lookup; at 10,000 alerts from an HA pair building, walking
//! and dropping those nodes was most of the decode and of the rows (README
//! "Performance"). Here a set is one exactly sized shared list (`Arc<[_]>`:
//! cloning a set, as every merge does, is a count), built in one pass from
//! the sorted pairs Alertmanager sends, looked up by a short scan. Editing
//! a set copies it; only builders and tests do.

use std::fmt;
use std::sync::{Arc, LazyLock};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A label name or value. Up to 24 bytes are stored inline, so most need
/// no allocation and comparisons read bytes next to the pair.
pub type LabelText = compact_str::CompactString;

type Pair = (LabelText, LabelText);

/// Name/value pairs, sorted by name, names unique.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Labels(Arc<[Pair]>);

/// Empty sets share one list, so an alert without annotations allocates none.
static EMPTY: LazyLock<Arc<[Pair]>> = LazyLock::new(|| Arc::from([]));

impl Default for Labels {
    fn default() -> Labels {
        Labels(EMPTY.clone())
    }
}

/// Over this many pairs a lookup bisects instead of scanning.
const SCAN_UP_TO: usize = 16;

impl Labels {
    pub fn new() -> Labels {
        Labels::default()
    }

    /// From pairs already sorted by name with no name twice (checked in
    /// debug builds): one allocation of the exact size, no sort.
    pub fn from_sorted(pairs: impl ExactSizeIterator<Item = Pair>) -> Labels {
        if pairs.len() == 0 {
            return Labels::default();
        }
        let set: Arc<[Pair]> = pairs.collect();
        debug_assert!(set.windows(2).all(|w| w[0].0 < w[1].0));
        Labels(set)
    }

    /// Whether both are one shared list (then they are equal without a look).
    pub fn ptr_eq(a: &Labels, b: &Labels) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Runs `edit` on a copy of the pairs and keeps the copy.
    fn edit<R>(&mut self, edit: impl FnOnce(&mut Vec<Pair>) -> R) -> R {
        let mut pairs = self.0.to_vec();
        let out = edit(&mut pairs);
        self.0 = pairs.into();
        out
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        if self.0.len() <= SCAN_UP_TO {
            for (i, (k, _)) in self.0.iter().enumerate() {
                match k.as_str().cmp(name) {
                    std::cmp::Ordering::Less => continue,
                    std::cmp::Ordering::Equal => return Ok(i),
                    std::cmp::Ordering::Greater => return Err(i),
                }
            }
            Err(self.0.len())
        } else {
            self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
        }
    }

    pub fn get(&self, name: &str) -> Option<&LabelText> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets `name` to `value`, returning the value it replaced.
    pub fn insert(&mut self, name: LabelText, value: LabelText) -> Option<LabelText> {
        let at = self.find(&name);
        self.edit(|pairs| match at {
            Ok(i) => Some(std::mem::replace(&mut pairs[i].1, value)),
            Err(i) => {
                pairs.insert(i, (name, value));
                None
            }
        })
    }

    pub fn remove(&mut self, name: &str) -> Option<LabelText> {
        let at = self.find(name).ok()?;
        Some(self.edit(|pairs| pairs.remove(at).1))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &LabelText> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &LabelText> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// The pairs, sorted by name.
    pub fn as_slice(&self) -> &[Pair] {
        &self.0
    }
}

/// The pairs of a set, as `(&name, &value)`, in name order.
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, Pair>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a LabelText, &'a LabelText);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a LabelText, &'a LabelText);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl FromIterator<Pair> for Labels {
    /// Any order; when a name comes twice the last value wins, as in a map.
    fn from_iter<I: IntoIterator<Item = Pair>>(iter: I) -> Labels {
        let mut pairs: Vec<Pair> = iter.into_iter().collect();
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            // Reversed and stably sorted, the last of equal names comes first
            // and dedup keeps it.
            pairs.reverse();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            pairs.dedup_by(|a, b| a.0 == b.0);
        }
        Labels(pairs.into())
    }
}

impl<const N: usize> From<[Pair; N]> for Labels {
    fn from(pairs: [Pair; N]) -> Labels {
        pairs.into_iter().collect()
    }
}

impl Extend<Pair> for Labels {
    fn extend<I: IntoIterator<Item = Pair>>(&mut self, iter: I) {
        // One copy for all the pairs; a later pair for a name wins.
        let all: Labels = self.0.iter().cloned().chain(iter).collect();
        *self = all;
    }
}

impl std::ops::Index<&str> for Labels {
    type Output = LabelText;
    fn index(&self, name: &str) -> &LabelText {
        self.get(name)
            .unwrap_or_else(|| panic!("no label {name:?} in the set"))
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Labels, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Labels;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Labels, M::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
    }

    #[test]
    fn unsorted_input_is_sorted_and_the_last_duplicate_wins() {
        let l = set(&[("b", "1"), ("a", "2"), ("b", "3")]);
        let pairs: Vec<(&str, &str)> = l.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
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
                    l.get(&probe).map(LabelText::as_str),
                    b.get(probe.as_str()).copied(),
                    "{probe} in {n}"
                );
            }
        }
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
}
