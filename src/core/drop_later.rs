//! Freeing a replaced 50,000-alert list costs the UI task tens of
//! milliseconds (every alert owns several strings); a key press should not
//! wait for that, so big lists are freed on a short-lived thread.

/// Below this many items freeing in place is cheaper than a thread.
const BIG: usize = 5_000;

pub fn drop_later<T: Send + 'static>(old: Vec<T>) {
    if old.len() < BIG {
        return; // freed here, on return
    }
    // If no thread can be started the list is freed here, as before.
    let _ = std::thread::Builder::new()
        .name("oncall-free".into())
        .spawn(move || drop(old));
}
