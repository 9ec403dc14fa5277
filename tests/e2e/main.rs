//! The real `oncall` console and wall driven in tmux against real servers.

#[path = "../common/mod.rs"]
mod common;

mod e2e_escalation;
mod e2e_faults;
mod e2e_runbook;
mod e2e_slo;
mod e2e_team;
mod e2e_tmux;
mod e2e_triage;
mod e2e_wall;
