//! A label (or annotation) set: name/value pairs sorted by name, the whole
//! set in one allocation.
//!
//! Why not a `BTreeMap`: an alert has about ten labels, and the pane walks
//! every alert's set several times per merge. A B-tree (in an `Arc`) made
//! each set two dependent allocations, a node sized for eleven pairs, and a
//! tree walk per lookup. A shared list of pairs was better, but each long
//! value (a description, a URL) was still an allocation of its own: at
//! 10,000 alerts from an HA pair, making those texts was a fifth of the
//! decode, and reading them spread the rows' walks over the heap (docs/performance-log.md).
//! Here a set is one shared block (`Arc<[u8]>`: cloning a
//! set, as every merge does, is a count): where each name and value ends,
//! then all their text. It is built in one pass from the texts as the
//! decoder reads them (Alertmanager sends names sorted) and looked up by a
//! short scan. Editing a set copies it; only builders and tests do.

use std::fmt;
use std::sync::{Arc, LazyLock};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text_order::text_cmp;

/// A short name or value held on its own (fingerprints, receivers, the
/// pairs a set is built from). Up to 24 bytes are stored inline.
pub type LabelText = compact_str::CompactString;

type Pair = (LabelText, LabelText);

/// Name/value pairs, sorted by name, names unique.
///
/// The block: the pair count `n` (a `u32`), the `2n` ends of the names and
/// values in the text (`u32`s, each text starting where the one before
/// ends), then the text. The same pairs always make the same bytes, so
/// sets are equal and hash as their blocks do.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Labels(Arc<[u8]>);

/// A set held weakly (`Labels::downgrade`).
#[derive(Clone, Default)]
pub struct WeakLabels(Option<std::sync::Weak<[u8]>>);

impl WeakLabels {
    /// The set, if anything still holds it.
    pub fn upgrade(&self) -> Option<Labels> {
        self.0.as_ref()?.upgrade().map(Labels)
    }

    /// Whether nothing holds the set any more.
    pub fn is_gone(&self) -> bool {
        self.0.as_ref().is_none_or(|w| w.strong_count() == 0)
    }
}

/// Empty sets share one block, so an alert without annotations allocates none.
static EMPTY: LazyLock<Arc<[u8]>> = LazyLock::new(|| Arc::from([0u8; 4]));

impl Default for Labels {
    fn default() -> Labels {
        Labels(EMPTY.clone())
    }
}

/// Over this many pairs a lookup bisects instead of scanning.
const SCAN_UP_TO: usize = 16;

/// Bytes of one count or end.
const WORD: usize = 4;

impl Labels {
    pub fn new() -> Labels {
        Labels::default()
    }

    /// A set of pairs already sorted by name, names unique (as the decoder
    /// has them). Texts past 4 GiB in all (never in a bounded body) are
    /// left out, whole pairs at a time.
    pub fn from_sorted<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Labels {
        debug_assert!(pairs.windows(2).all(|w| w[0].0.as_ref() < w[1].0.as_ref()));
        // The text of the pairs that fit (all of them, in practice).
        let mut text = 0usize;
        let fit = pairs
            .iter()
            .take_while(|(k, v)| {
                let more = text + k.as_ref().len() + v.as_ref().len();
                let fits = u32::try_from(more).is_ok();
                if fits {
                    text = more;
                }
                fits
            })
            .count();
        let pairs = &pairs[..fit];
        if pairs.is_empty() {
            return Labels::default();
        }
        let base = WORD * (1 + 2 * pairs.len());
        // Sized and zeroed in one allocation (`repeat_n` has an exact
        // length), then written in place: the count is 1, nothing else sees it.
        let mut set: Arc<[u8]> = std::iter::repeat_n(0u8, base + text).collect();
        let block = Arc::get_mut(&mut set).expect("a new block has one owner");
        let word = |block: &mut [u8], at: usize, n: usize| {
            let n = u32::try_from(n).expect("checked to fit above");
            block[at * WORD..(at + 1) * WORD].copy_from_slice(&n.to_le_bytes());
        };
        word(block, 0, pairs.len());
        let mut end = 0;
        let texts = pairs.iter().flat_map(|(k, v)| [k.as_ref(), v.as_ref()]);
        for (i, t) in texts.enumerate() {
            block[base + end..base + end + t.len()].copy_from_slice(t.as_bytes());
            end += t.len();
            word(block, 1 + i, end);
        }
        Labels(set)
    }

    /// A set from its texts laid out one after another, names and values
    /// alternating, `ends[i]` where text `i` ends (the decoder reads a map
    /// so, with no list of pairs). Names in order (as Go writes them) make
    /// the block as laid out; any other order is sorted, a repeated name
    /// keeping its last value, as a map would.
    ///
    /// # Safety
    /// `ends` must rise to `text.len()`, each on a character boundary (as
    /// when each end is taken right after appending a whole `&str`): the
    /// block is read back as `str` unchecked. Checked in debug builds only;
    /// checking every set's ends cost the decode 3 % (callgrind).
    pub unsafe fn from_laid_out(text: &str, ends: &[usize]) -> Labels {
        debug_assert!(
            ends.iter().all(|&e| text.is_char_boundary(e))
                && ends.windows(2).all(|w| w[0] <= w[1])
                && ends.last().copied().unwrap_or(0) == text.len(),
            "from_laid_out: the ends must rise to the text's end on character boundaries"
        );
        let start = |i: usize| if i == 0 { 0 } else { ends[i - 1] };
        let bytes = |i: usize| &text.as_bytes()[start(i)..ends[i]];
        let n = ends.len() / 2;
        let in_order = (1..n).all(|p| text_cmp(bytes(2 * p - 2), bytes(2 * p)).is_lt());
        if !in_order || ends.len() % 2 == 1 || u32::try_from(text.len()).is_err() {
            let piece = |i: usize| &text[start(i)..ends[i]];
            return (0..n)
                .map(|p| (piece(2 * p).into(), piece(2 * p + 1).into()))
                .collect();
        }
        if n == 0 {
            return Labels::default();
        }
        let base = WORD * (1 + 2 * n);
        let mut set: Arc<[u8]> = std::iter::repeat_n(0u8, base + text.len()).collect();
        let block = Arc::get_mut(&mut set).expect("a new block has one owner");
        // Every count and end fits a u32: the whole text does.
        let words = std::iter::once(n).chain(ends.iter().copied());
        for (w, at) in words.zip(block.chunks_exact_mut(WORD)) {
            at.copy_from_slice(&(w as u32).to_le_bytes());
        }
        block[base..].copy_from_slice(text.as_bytes());
        Labels(set)
    }

    /// Whether both are the same shared set (a cheap first test before
    /// comparing contents).
    pub fn ptr_eq(a: &Labels, b: &Labels) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The set held weakly, so a table of sets in use (`source::shared_sets`)
    /// keeps none of them alive.
    pub fn downgrade(&self) -> WeakLabels {
        WeakLabels(Some(Arc::downgrade(&self.0)))
    }

    /// The block, for hints to the cache (`prefetch`).
    pub fn block(&self) -> &[u8] {
        &self.0
    }

    /// The ends (two words a pair) and the text after them.
    fn parts(&self) -> (&[u8], &[u8]) {
        let n = self.len();
        self.0[WORD..].split_at(2 * WORD * n)
    }

    fn pair(&self, i: usize) -> (&str, &str) {
        let (ends, text) = self.parts();
        let start = name_start(ends, i);
        let (name, value) = (end(ends, 2 * i), end(ends, 2 * i + 1));
        (piece(text, start, name), piece(text, name, value))
    }

    /// Where `name` is, or where it would go. Names are compared as bytes
    /// (the order of `str`), each read once from the block.
    fn find(&self, name: &str) -> Result<usize, usize> {
        let n = self.len();
        let (ends, text) = self.parts();
        let name = name.as_bytes();
        let key = |i: usize| &text[name_start(ends, i)..end(ends, 2 * i)];
        if n <= SCAN_UP_TO {
            // A short set is scanned: no bisection's unpredictable branches.
            for i in 0..n {
                match text_cmp(key(i), name) {
                    std::cmp::Ordering::Less => continue,
                    std::cmp::Ordering::Equal => return Ok(i),
                    std::cmp::Ordering::Greater => return Err(i),
                }
            }
            Err(n)
        } else {
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                match text_cmp(key(mid), name) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Equal => return Ok(mid),
                    std::cmp::Ordering::Greater => hi = mid,
                }
            }
            Err(lo)
        }
    }

    /// The set as owned pairs, to edit.
    fn pairs(&self) -> Vec<Pair> {
        self.iter().map(|(k, v)| (k.into(), v.into())).collect()
    }

    fn edit<R>(&mut self, edit: impl FnOnce(&mut Vec<Pair>) -> R) -> R {
        let mut pairs = self.pairs();
        let out = edit(&mut pairs);
        *self = Labels::from_sorted(&pairs);
        out
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.find(name).ok().map(|i| self.pair(i).1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets `name` to `value`, giving the value it replaced.
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
        end(&self.0, 0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> Iter<'_> {
        let (ends, text) = self.parts();
        Iter { ends, text, at: 0 }
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.iter().map(|(_, v)| v)
    }
}

/// Where pair `i`'s name starts: where the pair before it ends.
fn name_start(ends: &[u8], i: usize) -> usize {
    if i == 0 {
        0
    } else {
        end(ends, 2 * i - 1)
    }
}

/// Word `i` of `ends` (an end, or the block's count at its start).
fn end(ends: &[u8], i: usize) -> usize {
    let mut w = [0u8; WORD];
    w.copy_from_slice(&ends[i * WORD..(i + 1) * WORD]);
    u32::from_le_bytes(w) as usize
}

/// The text from `start` to `end` of a block.
fn piece(text: &[u8], start: usize, end: usize) -> &str {
    // SAFETY: a block's text holds only the names and values `from_sorted`
    // copied in whole from `&str`s, one after another, or a `&str` that
    // `from_laid_out`'s callers cut only at character boundaries; `start`
    // and `end` are among the ends they wrote, and nothing changes a block
    // once made. So the bytes between two ends are valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(&text[start..end]) }
}

/// Pairs in name order, read front to back from the block.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    /// The ends of the pairs not yet taken.
    ends: &'a [u8],
    text: &'a [u8],
    /// Where the first pair not taken starts in the text.
    at: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let (ends, rest) = self.ends.split_first_chunk::<{ 2 * WORD }>()?;
        let [n0, n1, n2, n3, v0, v1, v2, v3] = *ends;
        let name = u32::from_le_bytes([n0, n1, n2, n3]) as usize;
        let value = u32::from_le_bytes([v0, v1, v2, v3]) as usize;
        let pair = (
            piece(self.text, self.at, name),
            piece(self.text, name, value),
        );
        self.at = value;
        self.ends = rest;
        Some(pair)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.ends.len() / (2 * WORD);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let n = self.ends.len() / WORD;
        if n == 0 {
            return None;
        }
        let start = if n > 2 {
            end(self.ends, n - 3)
        } else {
            self.at
        };
        let (name, value) = (end(self.ends, n - 2), end(self.ends, n - 1));
        self.ends = &self.ends[..(n - 2) * WORD];
        Some((piece(self.text, start, name), piece(self.text, name, value)))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Pair by pair, as a sorted list of pairs orders (the rows' tie-break).
impl Ord for Labels {
    fn cmp(&self, other: &Labels) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        let (mut a, mut b) = (self.iter(), other.iter());
        loop {
            let ((ka, va), (kb, vb)) = match (a.next(), b.next()) {
                (None, None) => return Equal,
                (None, Some(_)) => return Less,
                (Some(_), None) => return Greater,
                (Some(x), Some(y)) => (x, y),
            };
            let order = text_cmp(ka.as_bytes(), kb.as_bytes())
                .then_with(|| text_cmp(va.as_bytes(), vb.as_bytes()));
            if order != Equal {
                return order;
            }
        }
    }
}

impl PartialOrd for Labels {
    fn partial_cmp(&self, other: &Labels) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Pairs in any order; a repeated name keeps its last value, as a map would.
impl FromIterator<Pair> for Labels {
    fn from_iter<I: IntoIterator<Item = Pair>>(iter: I) -> Labels {
        let mut pairs: Vec<Pair> = iter.into_iter().collect();
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            // Reversed first so the stable sort puts the last duplicate first.
            pairs.reverse();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            pairs.dedup_by(|a, b| a.0 == b.0);
        }
        Labels::from_sorted(&pairs)
    }
}

impl<const N: usize> From<[Pair; N]> for Labels {
    fn from(pairs: [Pair; N]) -> Labels {
        pairs.into_iter().collect()
    }
}

impl Extend<Pair> for Labels {
    fn extend<I: IntoIterator<Item = Pair>>(&mut self, iter: I) {
        let all: Labels = self.pairs().into_iter().chain(iter).collect();
        *self = all;
    }
}

impl std::ops::Index<&str> for Labels {
    type Output = str;
    fn index(&self, name: &str) -> &str {
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
#[path = "labels_tests.rs"]
mod tests;
