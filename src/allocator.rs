//! The allocator's settings for a process that decodes big answers and
//! frees the last ones, poll after poll.
//!
//! Why: glibc hands the free memory at the top of a heap back to the
//! kernel once there is more of it than a threshold (128 kB, raised to
//! twice the largest block it mapped on its own and freed: a few MB here).
//! Each poll frees the last answer's alerts, so that memory went back and
//! the next decode took it again a page at a time: 2,142 page faults per
//! decode of 10,000 alerts (docs/performance-log.md).
//!
//! Setting that threshold also fixes glibc's threshold for blocks mapped
//! on their own (128 kB unless set), and each of those is unmapped when
//! freed: a poll's alert lists and the merge's are megabytes, and mapped
//! anew they took 367 page faults a run of the HA pair's decode + merge.
//! So that threshold is set too, to the largest glibc allows.

/// Freed memory kept at the top of a heap for the next poll: two polls of
/// an HA pair at 10,000 alerts. Past it (after a bigger storm) glibc gives
/// back nearly all of the free top.
pub const KEEP: usize = 64 << 20;

/// Blocks from this size on are mapped on their own (glibc's largest
/// allowed on 64-bit: 32 MiB); smaller ones come from the heap and are reused.
pub const MAP_FROM: usize = 32 << 20;

/// Sets glibc to keep freed memory (`KEEP`, `MAP_FROM`). Call it before any
/// thread starts, and only in a process that polls: with the big blocks in
/// the heap, the buffers an answer is read into grow by copying and leave
/// their old sizes behind, so a one-shot `oncall alerts` of an HA pair at
/// 10,000 alerts peaked at 63.6 MB, and at 40.6 MB with glibc's defaults
/// (docs/performance-log.md).
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets allocator parameters; nothing else runs yet.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP as libc::c_int);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAP_FROM as libc::c_int);
    }
}

/// The allocator for `oncall serve`: two heaps, freed memory given back.
///
/// Why: glibc gives threads heaps of their own (up to eight a core), and
/// each keeps up to `KEEP` free at its top. The engine's decodes and merges
/// run on whichever worker, blocking or merge thread is free, so each heap
/// grew to a poll's peak: seven of them held 575 MB resident where the live
/// data was a third of that (heaptrack, docs/performance.md). So threads
/// share two heaps; blocks from 1 MB on (an answer's buffer, an alert
/// list) are mapped on their own and unmapped when freed; and more than
/// 8 MB free at a heap's top goes back at once. What `KEEP` saves the
/// console (page faults on its next poll) is a few milliseconds a refresh
/// here, where nothing waits for a poll.
pub fn for_serve() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets allocator parameters; no thread runs yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 8 << 20);
    }
}

/// Returns the free memory of every heap to the system (`malloc_trim`),
/// where `KEEP` would hold it for the next poll.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
