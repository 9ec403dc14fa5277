//! Byte order of texts (the order of `str`), decided inline where it can be.
//!
//! Why: the merge and the rows compare fingerprints and label names by the
//! hundred thousand, and each `str` comparison was a call to libc's
//! `memcmp`, a fifth of the merge and rows (perf). Most such texts differ
//! in their first eight bytes (fingerprints are hex hashes; label names
//! mostly differ in their first letter), which two words or two bytes
//! decide without the call.

use std::cmp::Ordering;

/// `a.cmp(b)` for byte strings.
#[inline]
pub fn text_cmp(a: &[u8], b: &[u8]) -> Ordering {
    if let (Some(x), Some(y)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        // Big-endian: the words order as their bytes do.
        let (x, y) = (u64::from_be_bytes(*x), u64::from_be_bytes(*y));
        if x != y {
            return x.cmp(&y);
        }
    } else if let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.cmp(b)
}

/// `a < b` for strs.
#[inline]
pub fn less(a: &str, b: &str) -> bool {
    text_cmp(a.as_bytes(), b.as_bytes()) == Ordering::Less
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn agrees_with_the_order_of_slices_at_the_edges() {
        let texts: [&[u8]; 12] = [
            b"",
            b"a",
            b"a\0",
            b"ab",
            b"b",
            b"abcdefg",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefgi",
            b"abcdefghij",
            b"\xffabcdefgh",
            b"0123456789abcdef",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(text_cmp(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_order_of_slices(
            a in proptest::collection::vec(0u8..4, 0..20),
            b in proptest::collection::vec(0u8..4, 0..20),
        ) {
            prop_assert_eq!(text_cmp(&a, &b), a.cmp(&b));
        }
    }
}
