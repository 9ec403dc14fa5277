//! Incident writes made while the team store (PostgreSQL) does not answer:
//! kept in order in `<state dir>/outbox.jsonl`, fsync'd, and sent when the
//! store is back. Each event has its id before it is queued and the store
//! ignores an id it has already, so a write sent twice (the first try went
//! through but its answer was lost, or two processes sharing the state dir
//! both sent it) is recorded once. Every read and change of the file is
//! made under a lock on `outbox.lock`, from the file as it is then, so
//! processes sharing a state dir never drop each other's writes.

use std::fs::{File, OpenOptions};
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
    lock: PathBuf,
}

impl Outbox {
    /// The outbox of `dir` (what a previous run left in it stays).
    pub fn open(dir: &Path) -> std::io::Result<Outbox> {
        std::fs::create_dir_all(dir)?;
        Ok(Outbox {
            path: dir.join("outbox.jsonl"),
            lock: dir.join("outbox.lock"),
        })
    }

    fn locked<T>(&self, f: impl FnOnce(Vec<Pending>) -> std::io::Result<T>) -> std::io::Result<T> {
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&self.lock)?;
        lock.lock()?;
        let items = match std::fs::read_to_string(&self.path) {
            Ok(text) => text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let result = f(items);
        let _ = lock.unlock();
        result
    }

    pub fn len(&self) -> usize {
        self.locked(|items| Ok(items.len())).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The oldest write waiting.
    pub fn front(&self) -> Option<Pending> {
        self.locked(|items| Ok(items.into_iter().next()))
            .ok()
            .flatten()
    }

    /// Queues `p` after the others, on disk before it returns.
    pub fn push(&mut self, p: Pending) -> std::io::Result<()> {
        let mut line = serde_json::to_string(&p).map_err(std::io::Error::other)?;
        line.push('\n');
        self.locked(|_| {
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(&self.path)?;
            f.write_all(line.as_bytes())?;
            f.sync_data()
        })
    }

    /// `sent` went through: gone from the file (if another process has not
    /// taken it out already).
    pub fn remove(&mut self, sent: &Pending) -> std::io::Result<()> {
        self.locked(|mut items| {
            let Some(at) = items.iter().position(|p| p == sent) else {
                return Ok(());
            };
            items.remove(at);
            let mut text = String::new();
            for p in &items {
                text.push_str(&serde_json::to_string(p).map_err(std::io::Error::other)?);
                text.push('\n');
            }
            let tmp = self
                .path
                .with_extension(format!("jsonl.{}", std::process::id()));
            let mut f: File = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_data()?;
            std::fs::rename(&tmp, &self.path)
        })
    }
}
