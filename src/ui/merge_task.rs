//! Runs a big merge (`core::merge_view`) on the runtime's blocking pool,
//! so the UI task goes on drawing and answering keys meanwhile.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tokio::sync::mpsc::UnboundedSender;

use crate::core::merge_view::{compute, MergeJob};
use crate::core::Msg;

pub fn spawn(job: MergeJob, tx: UnboundedSender<Msg>) {
    tokio::task::spawn_blocking(move || {
        // An answer always comes back: without one no merge would run again.
        let result = catch_unwind(AssertUnwindSafe(|| compute(job)))
            .map(Box::new)
            .map_err(|_| "the merge panicked (details in the log)".to_string());
        let _ = tx.send(Msg::Merged(result));
    });
}
