//! One-shot commands (`oncall alerts`, `ack`, `unack`, `silence ...`,
//! `postmortem`, `stats`).
pub mod ack;
pub mod alerts;
mod journal_standin;
pub mod postmortem;
pub mod silence;
mod silence_ids;
pub mod stats;
pub mod write;
