//! One-shot commands (`oncall alerts`, `ack`, `unack`, `silence ...`).
pub mod ack;
pub mod alerts;
pub mod silence;
mod silence_ids;
pub mod write;
