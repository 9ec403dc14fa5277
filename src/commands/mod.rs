//! One-shot commands (`oncall alerts`, `ack`, `unack`, `silence ...`).
pub mod ack;
pub mod alerts;
pub mod silence;
pub mod write;
