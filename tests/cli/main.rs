//! The real `oncall` binary's one-shot commands against real servers.

#[path = "../common/mod.rs"]
mod common;

mod cli_ack;
mod cli_alerts;
mod cli_check;
mod cli_check_errors;
mod cli_incident;
mod cli_postmortem;
mod cli_runbook;
mod cli_runbook_corpus;
mod cli_schedule;
mod cli_silence;
mod kill_points;
mod page_test;
mod secrets;
mod serve;
mod shell;
mod store_cli;
