//! Terminal setup and restore, the event loop, keymap, theme and views.

pub mod context_task;
pub mod event_loop;
pub mod input;
pub mod journal_task;
pub mod keymap;
pub mod merge_task;
pub mod page_task;
pub mod priority;
pub mod slo_task;
pub mod step_task;
pub mod theme;
pub mod turn_log;
pub mod views;
