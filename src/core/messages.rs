//! The message history (`:messages`): every status message, with its time
//! and level, so nothing said on the one status line is lost when the next
//! message replaces it. Startup warnings go here without taking the line;
//! the header's badge counts them until the history is opened.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::status::StatusLevel;

/// Kept messages; older ones are dropped first.
pub const KEEP: usize = 500;

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub at: DateTime<Utc>,
    pub level: StatusLevel,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Messages {
    /// Oldest first.
    pub list: VecDeque<Message>,
    /// Messages never shown on the status line and not yet read in the
    /// history (the header's badge).
    pub unread: usize,
}

impl Messages {
    pub fn push(&mut self, at: DateTime<Utc>, level: StatusLevel, text: String) {
        if self.list.len() == KEEP {
            self.list.pop_front();
        }
        self.list.push_back(Message { at, level, text });
    }

    /// Newest first, as `:messages` lists them.
    pub fn newest_first(&self) -> impl Iterator<Item = &Message> {
        self.list.iter().rev()
    }
}
