//! oncall: a terminal console for the person holding the pager.
//!
//! Data flows one way: sources send `Msg`s, `core::update` changes `State`
//! and returns `Effect`s, and `ui` draws the `State`.

pub mod allocator;
pub mod base64;
pub mod cli;
pub mod commands;
pub mod config;
pub mod core;
pub mod draw;
pub mod engine;
pub mod logging;
pub mod model;
pub mod notify;
pub mod runbook;
pub mod sanitize;
pub mod serve;
pub mod source;
pub mod store;
pub mod ui;
pub mod work_split;
pub mod yaml;
