//! `core::update` with a fake clock: every pane's state and the effects it asks for.

#[path = "../common/mod.rs"]
mod common;

mod core_activity;
mod core_chart_source;
mod core_context;
mod core_escalations;
mod core_incidents;
mod core_journal_failing;
mod core_merge_background;
mod core_resolve_firing;
mod core_restart;
mod core_rows;
mod core_runbook;
mod core_runbook_failures;
mod core_runbook_postmortem;
mod core_runbook_resume;
mod core_runbook_safety;
mod core_slo;
mod core_status_line;
mod core_triage;
mod core_update;
mod core_wall;
mod core_writes;
