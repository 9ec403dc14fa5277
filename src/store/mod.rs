//! The incident journal (append-only JSON lines, fsync per event, replay on
//! start) and the postmortem writer (atomic, never clobbers an edited draft).

pub mod drafts;
pub mod engine_lease;
pub mod journal;
pub mod journal_files;
mod journal_io;
pub mod outbox;
pub mod page_claims;
pub mod paging_store;
pub mod postgres;
pub mod postmortem;
pub mod postmortem_md;
pub mod stats;
pub mod view_prefs;

pub use journal::{Declared, Journal, JournalError, Problem, Read};
