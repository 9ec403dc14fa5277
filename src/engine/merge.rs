//! Runs a big merge (`core::merge_view`) on a thread of its own, at a lower
//! priority than the UI thread, so that one goes on drawing and answering
//! keys meanwhile.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tokio::sync::mpsc::UnboundedSender;

use crate::core::merge_view::{compute, MergeJob};
use crate::core::Msg;

pub fn spawn(job: MergeJob, tx: UnboundedSender<Msg>) {
    let failed = tx.clone();
    let run = move || {
        super::priority::background();
        // An answer always comes back: without one no merge would run again.
        let result = catch_unwind(AssertUnwindSafe(|| compute(job)))
            .map(Box::new)
            .map_err(|_| "the merge panicked (details in the log)".to_string());
        let _ = tx.send(Msg::Merged(result));
    };
    let thread = std::thread::Builder::new().name("oncall-merge".into());
    if let Err(e) = thread.spawn(run) {
        let _ = failed.send(Msg::Merged(Err(format!("cannot start a thread: {e}"))));
    }
}
