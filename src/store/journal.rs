//! The incident journal, wherever the store keeps it: the state dir's
//! files (`journal_files`, the default) or PostgreSQL (`postgres::journal`,
//! a team's shared store). Both keep the same record: an incident is the
//! replay of its events, in the store's order; `read_new` hands over what
//! anyone added since the last call.

use std::path::Path;

pub use super::journal_files::{valid_id, Declared, FilesJournal, JournalError};
pub use super::journal_io::{Problem, Read};
use super::postgres::journal::PgJournal;
use crate::config::store_spec::StoreSpec;
use crate::config::Settings;
use crate::model::{Activity, Event, Incident};

pub struct Journal(Backend);

enum Backend {
    Files(FilesJournal),
    Postgres(PgJournal),
}

impl Journal {
    /// The journal in the files of `dir`.
    pub fn open(dir: &Path) -> Result<Journal, JournalError> {
        Ok(Journal(Backend::Files(FilesJournal::open(dir)?)))
    }

    /// The journal the settings name: PostgreSQL when `store:` says so
    /// (not for the demo, which keeps its own files), else `dir`.
    pub fn for_settings(settings: &Settings, dir: &Path) -> Result<Journal, JournalError> {
        match &settings.store {
            StoreSpec::Postgres { url, ca_file } if !settings.demo => {
                let url = crate::source::http::read_secret(url, "store")
                    .map_err(|e| JournalError::Store(format!("store: {e}")))?;
                let pg = PgJournal::open(url.trim(), ca_file.as_deref())?;
                Ok(Journal(Backend::Postgres(pg)))
            }
            _ => Journal::open(dir),
        }
    }

    /// Whether the journal is the team store (PostgreSQL), which can be
    /// away while this machine works on (writes then wait in the outbox).
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Backend::Postgres(_))
    }

    pub fn give_ids(&mut self, events: &mut [Event]) {
        match &mut self.0 {
            Backend::Files(j) => j.give_ids(events),
            Backend::Postgres(j) => j.give_ids(events),
        }
    }

    /// The directory of a files journal (None in PostgreSQL).
    pub fn dir(&self) -> Option<&Path> {
        match &self.0 {
            Backend::Files(j) => Some(j.dir()),
            Backend::Postgres(_) => None,
        }
    }

    /// Where the journal is, for messages: a directory, or the database.
    pub fn describe(&self) -> String {
        match &self.0 {
            Backend::Files(j) => format!(
                "{} (each incident is a journal file ID.jsonl there)",
                j.dir().display()
            ),
            Backend::Postgres(j) => format!("postgres {}", j.at()),
        }
    }

    /// Whether to read now: the files every time it is asked (each
    /// second); PostgreSQL when a write was notified, or to catch up.
    pub fn wants_read(&mut self) -> bool {
        match &mut self.0 {
            Backend::Files(_) => true,
            Backend::Postgres(j) => j.has_news(),
        }
    }

    /// How long the journal thread waits for work before asking again.
    pub fn tail_every(&self) -> std::time::Duration {
        match &self.0 {
            Backend::Files(_) => std::time::Duration::from_secs(1),
            // Only a flag is looked at; a read happens on news.
            Backend::Postgres(_) => std::time::Duration::from_millis(100),
        }
    }

    pub fn read_new(&mut self) -> Result<Read, JournalError> {
        match &mut self.0 {
            Backend::Files(j) => j.read_new(),
            Backend::Postgres(j) => j.read_new(),
        }
    }

    pub fn declare(
        &mut self,
        first: Event,
        more: &[Event],
        unless_linked: &[String],
    ) -> Result<Declared, JournalError> {
        match &mut self.0 {
            Backend::Files(j) => j.declare(first, more, unless_linked),
            Backend::Postgres(j) => j.declare(first, more, unless_linked),
        }
    }

    pub fn append(
        &mut self,
        incident: &str,
        events: &[Event],
    ) -> Result<Vec<String>, JournalError> {
        match &mut self.0 {
            Backend::Files(j) => j.append(incident, events),
            Backend::Postgres(j) => j.append(incident, events),
        }
    }

    pub fn load(&self, incident: &str) -> Result<(Vec<Event>, Vec<Problem>), JournalError> {
        match &self.0 {
            Backend::Files(j) => j.load(incident),
            Backend::Postgres(j) => j.load(incident),
        }
    }

    pub fn load_all(&self) -> Result<(Vec<Incident>, Vec<Problem>), JournalError> {
        match &self.0 {
            Backend::Files(j) => j.load_all(),
            Backend::Postgres(j) => j.load_all(),
        }
    }

    pub fn log_activity(&mut self, entries: &[Activity]) -> Result<(), JournalError> {
        match &mut self.0 {
            Backend::Files(j) => j.log_activity(entries),
            Backend::Postgres(j) => j.log_activity(entries),
        }
    }

    pub fn read_activity(&self) -> Result<(Vec<Activity>, Vec<Problem>), JournalError> {
        match &self.0 {
            Backend::Files(j) => j.read_activity(),
            Backend::Postgres(j) => j.read_activity(),
        }
    }
}
