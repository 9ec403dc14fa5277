//! Incident writes made while the team store (PostgreSQL) does not answer:
//! kept in order in `<state dir>/outbox.jsonl`, fsync'd, and sent when the
//! store is back. Each event has its id before it is queued and the store
//! ignores an id it has already, so a write sent twice (the first try went
//! through but its answer was lost) is recorded once.

use std::collections::VecDeque;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Activity, Event};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pending {
    Declare {
        first: Box<Event>,
        more: Vec<Event>,
        unless_linked: Vec<String>,
    },
    Append {
        incident: String,
        events: Vec<Event>,
    },
    Activity(Vec<Activity>),
}

pub struct Outbox {
    path: PathBuf,
    items: VecDeque<Pending>,
}

impl Outbox {
    /// The outbox of `dir`, with what a previous run left in it.
    pub fn open(dir: &Path) -> std::io::Result<Outbox> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("outbox.jsonl");
        let items = match std::fs::read_to_string(&path) {
            Ok(text) => text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => VecDeque::new(),
            Err(e) => return Err(e),
        };
        Ok(Outbox { path, items })
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn front(&self) -> Option<&Pending> {
        self.items.front()
    }

    /// Queues `p` after the others, on disk before it returns.
    pub fn push(&mut self, p: Pending) -> std::io::Result<()> {
        let mut line = serde_json::to_string(&p).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)?;
        f.write_all(line.as_bytes())?;
        f.sync_data()?;
        self.items.push_back(p);
        Ok(())
    }

    /// The first one was sent: gone from the file too.
    pub fn pop(&mut self) -> std::io::Result<()> {
        self.items.pop_front();
        let mut text = String::new();
        for p in &self.items {
            text.push_str(&serde_json::to_string(p).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        let tmp = self.path.with_extension("jsonl.tmp");
        let mut f = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_data()?;
        std::fs::rename(&tmp, &self.path)
    }
}
