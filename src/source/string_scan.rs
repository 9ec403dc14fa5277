//! Finding the end of a JSON string's plain run: the first `"` or `\\`.
//! It runs for every string of every alert, so it looks at many bytes a
//! step instead of one.

/// Where the first `"` or `\\` is. Most strings here are short, so the
/// bytes are looked at in blocks from the first (memchr's setup costs more
/// than a short string does): 16 at a time with SSE2, which every x86_64
/// has (a third of the instructions of words, callgrind), to the last
/// whole block, then the rest in words. Long values (descriptions, URLs)
/// go through in blocks to their end too; the decode as a whole took
/// fewer instructions so than with memchr after 64 bytes (callgrind).
#[inline]
pub fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    #[allow(unused_mut)]
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of every x86_64 target, and each load reads
        // the 16 bytes of `block`, which are in bounds.
        unsafe {
            let (quote, backslash) = (_mm_set1_epi8(b'"' as i8), _mm_set1_epi8(b'\\' as i8));
            while let Some(block) = b.get(i..i + 16) {
                let v = _mm_loadu_si128(block.as_ptr().cast());
                let hits = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
                let hits = _mm_movemask_epi8(hits);
                if hits != 0 {
                    return Some(i + hits.trailing_zeros() as usize);
                }
                i += 16;
            }
        }
    }
    in_words(b, i)
}

/// `quote_or_backslash` from `b[from]`: 64 bytes eight at a time, then
/// memchr. On x86_64 it sees only the last 15 bytes or fewer; elsewhere
/// it is the whole scan.
fn in_words(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `v` that is zero; the lowest one set is
    // exact (a borrow only ever flags bytes above a true zero).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = from;
    while i < from + 64 {
        let Some(word) = b.get(i..i + 8) else {
            let tail = b.get(i..)?;
            return tail
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map(|p| p + i);
        };
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let v = u64::from_le_bytes(bytes);
        let hits = zero(v ^ (ONES * u64::from(b'"'))) | zero(v ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr::memchr2(b'"', b'\\', &b[i..]).map(|p| p + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_and_word_scans_find_the_first_quote_or_backslash() {
        for len in 0..150 {
            for at in 0..len {
                for c in [b'"', b'\\'] {
                    // The other one later on.
                    // Before it, bytes one off the two looked for, and
                    // bytes with the high bit set (UTF-8 continuations).
                    let fill = [b'a', 0xA2, 0xDC, 0x23, 0x5D, 0x01, 0x21];
                    let mut b: Vec<u8> = (0..len).map(|i| fill[i % fill.len()]).collect();
                    b[at] = c;
                    if at + 3 < len {
                        b[at + 3] = if c == b'"' { b'\\' } else { b'"' };
                    }
                    assert_eq!(quote_or_backslash(&b), Some(at), "{len} {at}");
                    assert_eq!(in_words(&b, 0), Some(at), "{len} {at}");
                }
            }
            assert_eq!(quote_or_backslash(&vec![0x21; len]), None, "{len}");
            assert_eq!(in_words(&vec![0x21; len], 0), None, "{len}");
        }
    }
}
