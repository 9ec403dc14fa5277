//! Every pane drawn into ratatui's TestBackend, as insta snapshots at 80x24,
//! a wide and a tiny size.

#[path = "../common/mod.rs"]
mod common;

mod runbook_manual_steps;
mod snapshots;
mod snapshots_runbook;
mod snapshots_slo;
mod triage_snapshots;
mod wall_snapshots;
