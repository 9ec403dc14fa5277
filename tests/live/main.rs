//! The library against real servers started here on loopback: Alertmanager
//! pairs, Prometheus, and fault-injecting HTTP servers; the engine headless.

#[path = "../common/mod.rs"]
mod common;

mod context_prometheus;
mod engine_headless;
mod fault_matrix;
mod fault_writes;
mod faults;
mod journal_contract;
mod live_sources;
mod live_writes;
mod restart_truth;
mod runbook_query;
mod slo_live;
mod store_contract;
mod team_store;
mod tls;
