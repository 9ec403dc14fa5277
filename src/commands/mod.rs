//! One-shot commands (`oncall alerts`, `ack`, `unack`, `silence ...`, `incident ...`).
pub mod ack;
pub mod alerts;
pub mod incident;
mod incident_view;
pub mod silence;
mod silence_ids;
pub mod write;
