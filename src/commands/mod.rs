//! One-shot commands (`oncall alerts`, `ack`, `unack`, `silence ...`,
//! `incident ...`, `postmortem`, `stats`).
pub mod ack;
pub mod alerts;
pub mod check;
pub mod cluster_writes;
pub mod incident;
mod incident_view;
pub mod page;
pub mod postmortem;
pub mod runbook;
mod runbook_dry_run;
mod runbook_prompt;
mod runbook_show;
pub mod schedule;
pub mod shell;
pub mod silence;
mod silence_ids;
pub mod stats;
pub mod store;
