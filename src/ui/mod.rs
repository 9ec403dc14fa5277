//! The terminal: set-up and restore, the console's loop (terminal events,
//! `update` through the engine, draw), keymap, themes and views.

pub mod event_loop;
pub mod input;
pub mod turn_log;
pub mod views;
