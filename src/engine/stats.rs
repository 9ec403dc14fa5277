//! What the engine counts for `/metrics`: each source's polls, failures and
//! the last poll's duration, deliveries by notifier and result, levels
//! paged and failed, journal write failures. Counted as messages pass
//! through the engine; nothing else writes them.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::core::journal_ops::JournalReply;
use crate::core::Msg;
use crate::source::SourceEvent;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceStats {
    pub polls: u64,
    pub errors: u64,
    pub last_took: Option<Duration>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineStats {
    pub sources: Vec<SourceStats>,
    /// (notifier, "ok" | "failed") → deliveries.
    pub deliveries: BTreeMap<(String, &'static str), u64>,
    pub levels_paged: u64,
    /// Levels whose every notifier failed at least once (each counted once,
    /// however often it is tried again).
    pub levels_failed: u64,
    failed_keys: std::collections::HashSet<String>,
    pub store_errors: u64,
}

impl EngineStats {
    pub fn new(sources: usize) -> EngineStats {
        EngineStats {
            sources: vec![SourceStats::default(); sources],
            ..EngineStats::default()
        }
    }

    pub fn source_event(&mut self, ev: &SourceEvent) {
        if let SourceEvent::Polled {
            source,
            result,
            took,
            ..
        } = ev
        {
            if let Some(s) = self.sources.get_mut(*source) {
                s.polls += 1;
                s.errors += result.is_err() as u64;
                s.last_took = Some(*took);
            }
        }
    }

    pub fn message(&mut self, msg: &Msg) {
        match msg {
            Msg::Paged {
                page,
                claimed: true,
                results,
            } => {
                for (notifier, r) in results {
                    let result = if r.is_ok() { "ok" } else { "failed" };
                    *self
                        .deliveries
                        .entry((notifier.clone(), result))
                        .or_default() += 1;
                }
                let key = page.keys.first().cloned().unwrap_or_default();
                if results.iter().any(|(_, r)| r.is_ok()) {
                    self.levels_paged += 1;
                } else if !results.is_empty() && self.failed_keys.insert(key) {
                    self.levels_failed += 1;
                }
            }
            Msg::Journal(JournalReply::Failed(_)) => self.store_errors += 1,
            _ => {}
        }
    }
}
