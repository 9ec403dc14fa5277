//! Work on big alert lists split over both cores.
//!
//! Why: past the decodes (one per source, side by side), a poll's merge and
//! rows run on one worker thread while the other core idles; at 10,000
//! alerts from an HA pair those walks were half of the time budget (docs/performance.md) (docs/performance-log.md)
//! .

/// `first()` here and `second()` on a thread of its own, side by side.
/// Where no thread can be started, both run here, one after the other; a
/// panic in `second` is raised here.
pub fn both<A, B: Send>(first: impl FnOnce() -> A, second: &(impl Fn() -> B + Sync)) -> (A, B) {
    std::thread::scope(|s| {
        let other = std::thread::Builder::new().spawn_scoped(s, second);
        let a = first();
        let b = match other {
            Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => second(),
        };
        (a, b)
    })
}
