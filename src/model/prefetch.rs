//! Asking the CPU for an alert's memory before a walk reaches it.
//!
//! Why: the merge and the rows walk every alert in order, and each alert's
//! label and annotation sets are allocations of their own. Profiled at
//! 10,000 alerts from an HA pair, most of that time was the first read of
//! each set (a cache miss), one after another. Asking a few alerts ahead
//! lets those misses overlap with the work on the current alert.

use super::Alert;

/// How far ahead of the current alert a walk asks for memory.
pub const AHEAD: usize = 4;

/// Hints that `alerts[i]`'s sets will be read soon (no effect past the end).
pub fn alert_sets(alerts: &[Alert], i: usize) {
    if let Some(a) = alerts.get(i) {
        let labels = a.labels.block();
        // The first lines of the labels: the ends a lookup reads, and the
        // names it compares.
        line(labels.as_ptr());
        line(labels.as_ptr().wrapping_add(64));
        line(a.annotations.block().as_ptr());
    }
}

/// Hints that the cache line holding `p` will be read soon. A hint only:
/// it never faults and never changes what a program computes.
#[inline(always)]
fn line(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch does not access memory as far as the program is
    // concerned; any address, even an invalid one, is allowed.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
