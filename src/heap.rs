//! The allocator's setting for a process that decodes big answers and
//! frees the last ones, poll after poll.
//!
//! Why: glibc hands the free memory at the top of a heap back to the
//! kernel once there is more of it than a threshold (128 kB, raised to
//! twice the largest block it mapped on its own and freed: a few MB here).
//! Each poll frees the last answer's alerts, so that memory went back and
//! the next decode took it again a page at a time: 2,142 page faults per
//! decode of 10,000 alerts, and an HA pair's two decodes side by side (each
//! thread in its own heap) took nearly twice as long as one (README
//! "Performance").

/// Freed memory kept for the next poll, at most: two polls of an HA pair
/// at 10,000 alerts; after a bigger storm the rest goes back.
pub const KEEP: usize = 64 << 20;

/// Sets glibc to keep up to `KEEP` bytes free at the top of a heap. Call
/// it first in `main`, before any thread starts.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets an allocator parameter; nothing else runs yet.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP as libc::c_int);
    }
}
