//! `State`, `Action`, `Msg`, `Effect` and `update()`: the only place state
//! changes. Pure: no I/O, and the clock arrives in messages.

pub mod ack_actions;
pub mod act;
pub mod action;
pub mod activity;
pub mod context;
pub mod context_types;
pub mod declare;
mod drop_later;
pub mod escalation_groups;
pub mod escalations;
pub mod filter;
pub mod incident_input;
mod incident_queries;
pub mod incidents;
pub mod input;
pub mod journal_ops;
pub mod journal_replies;
pub mod keymap;
pub mod line_edit;
pub mod merge_view;
pub mod messages;
pub mod modal_keys;
pub mod msg;
pub mod news;
pub mod observe;
pub mod ownership;
pub mod page;
pub mod page_outcome;
pub mod panes;
mod poll_landing;
pub mod related;
pub mod row_widths;
pub mod rows;
pub mod runbook;
mod runbook_record;
mod runbook_run;
pub mod silence_actions;
pub mod silences;
pub mod slo;
pub mod source_state;
pub mod state;
mod state_init;
pub mod status;
pub mod step_msg;
pub mod targets;
pub mod triage;
pub mod update;

pub use action::Action;
pub use filter::Filter;
pub use rows::Row;
pub use state::{
    AckState, Confirm, Health, InputKind, InputLine, Pane, SourceState, State, StatusLevel,
};
pub use update::{update, Effect, Msg};
