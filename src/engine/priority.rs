//! Threads that decode, merge and fetch yield the CPU to the one that reads
//! keys and draws: on a two-core bastion a 50,000-alert poll keeps both
//! cores busy, and a key press should not queue behind it.

/// How much nicer than the UI thread the background threads are.
const NICER: libc::c_int = 5;

/// Lowers the calling thread's priority (Linux keeps a nice value per
/// thread). Best effort: where it cannot, the thread runs as before.
pub fn background() {
    // SAFETY: setpriority only reads its arguments; `who` 0 is this thread.
    unsafe {
        let now = libc::getpriority(libc::PRIO_PROCESS, 0);
        libc::setpriority(libc::PRIO_PROCESS, 0, now.saturating_add(NICER));
    }
}
