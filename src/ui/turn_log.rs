//! The event loop's log of slow turns: a turn (messages, effects, frame)
//! over 30 ms can keep a key waiting past its 50 ms budget, and the log
//! says which message began it.

use std::time::Duration;

use crate::core::Msg;

/// Logs a loop turn (messages, effects, frame) that took over 30 ms.
pub fn slow_turn(all: Duration, updating: Duration, drawing: Duration, first: &str) {
    if all > Duration::from_millis(30) {
        tracing::info!(
            "slow turn: {} ms (update {} ms, frame {} ms; first message {first})",
            all.as_millis(),
            updating.as_millis(),
            drawing.as_millis()
        );
    }
}

/// A message's name for the log (its Debug form can hold 50,000 alerts).
pub fn kind(msg: &Msg) -> &'static str {
    match msg {
        Msg::Polled { result: Ok(_), .. } => "a poll",
        Msg::Polled { .. } => "a failed poll",
        Msg::MergeNow => "merge now",
        Msg::Merged(_) => "a merge",
        Msg::Tick(_) => "the tick",
        Msg::Action(_) | Msg::Input(_) | Msg::Form(_) => "a key",
        _ => "another",
    }
}
