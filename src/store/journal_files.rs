//! The incident journal in the state dir (the files store): one
//! append-only JSON-lines file per incident,
//! `<dir>/INC-YYYYMMDD-NNN.jsonl`, plus the activity log
//! `<dir>/../activity.jsonl`. The files are the only record: an incident is
//! the replay of its lines (`Incident::replay`).
//!
//! Several consoles and CLI runs share one directory, so every write holds
//! an exclusive `flock` on the file and is one `write_all` of whole lines
//! followed by `fsync`; every read holds a shared lock, so a reader never
//! sees half of a live writer's append. What a reader can still meet is a
//! line cut off by a crash: it is reported (`Problem`) and skipped, never
//! fatal, and the lines before and after it still load.

use std::collections::HashMap;
use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::journal_io::{append_locked, read_tail, Tail};
pub use super::journal_io::{Problem, Read};
use crate::model::{Activity, Event, EventKind, Incident};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// One sentence: what failed, on which path, and the OS's reason.
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("no incident {} in {}", .0, .1.display())]
    NoSuchIncident(String, PathBuf),
    /// Refused before touching the disk: ids become file names.
    #[error("{0:?} is not an incident id (they look like INC-20261122-001)")]
    BadId(String),
    #[error("{0}")]
    Invalid(String),
    /// The team store (PostgreSQL) did not answer or refused.
    #[error("{0}")]
    Store(String),
    #[error("cannot encode a journal line: {0}")]
    Encode(#[from] serde_json::Error),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Declared {
    New(String),
    /// An open incident already links one of the fingerprints; nothing written.
    Exists(String),
}

pub struct FilesJournal {
    dir: PathBuf,
    /// How far each journal has been read (by `read_new`).
    tails: HashMap<String, Tail>,
    /// Event ids: unix nanos + pid tell processes apart, `salt` tells apart
    /// journals opened in one process, `counter` the events of one journal.
    salt: u32,
    counter: u64,
}

/// `INC-` + 8 digits + `-` + at least 3 digits. Checked before any path is
/// built from an id, so `../x` can never name a file.
pub fn valid_id(id: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let Some((date, n)) = id.strip_prefix("INC-").and_then(|r| r.split_once('-')) else {
        return false;
    };
    date.len() == 8 && digits(date) && n.len() >= 3 && digits(n)
}

/// A salt for event ids: RandomState is seeded randomly per thread and
/// differs per call, a salt without a global counter of our own.
pub(crate) fn id_salt() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish() as u32
}

/// An event id: unix nanos, the process id, the journal's salt and its
/// counter, so no two writers anywhere make the same one.
pub(crate) fn event_id(salt: u32, counter: u64) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}-{salt:08x}-{counter}", std::process::id())
}

pub(crate) fn io_err<'a>(
    what: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> JournalError + 'a {
    move |source| JournalError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

impl FilesJournal {
    /// Opens (creating, private to the user) the journal directory.
    pub fn open(dir: &Path) -> Result<FilesJournal, JournalError> {
        // 0700: journals name hosts, alerts and what people wrote during an incident.
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_err("create the journal directory", dir))?;
        let salt = id_salt();
        Ok(FilesJournal {
            dir: dir.to_path_buf(),
            tails: HashMap::new(),
            salt,
            counter: 0,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    fn activity_path(&self) -> PathBuf {
        match self.dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.join("activity.jsonl"),
            _ => PathBuf::from("activity.jsonl"),
        }
    }

    /// The path of an existing incident's journal.
    fn existing(&self, incident: &str) -> Result<PathBuf, JournalError> {
        if !valid_id(incident) {
            return Err(JournalError::BadId(incident.to_string()));
        }
        let path = self.path(incident);
        if !path.is_file() {
            return Err(JournalError::NoSuchIncident(
                incident.to_string(),
                self.dir.clone(),
            ));
        }
        Ok(path)
    }

    /// Ids of every journal in the directory, sorted. Other files are not ours.
    fn ids(&self) -> Result<Vec<String>, JournalError> {
        let entries = std::fs::read_dir(&self.dir).map_err(io_err("list", &self.dir))?;
        let mut ids: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let id = name.strip_suffix(".jsonl")?;
                valid_id(id).then(|| id.to_string())
            })
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// First call: every complete line of every journal. Later calls: only
    /// lines appended since, by anyone (this journal's own appends too, so
    /// a console applies everything through one path).
    pub fn read_new(&mut self) -> Result<Read, JournalError> {
        let ids = self.ids()?;
        self.tails.retain(|id, _| ids.binary_search(id).is_ok());
        let mut read = Read::default();
        for id in ids {
            let path = self.path(&id);
            let tail = self.tails.entry(id.clone()).or_default();
            match read_tail::<Event>(&path, &id, tail) {
                Ok((events, problems)) => {
                    read.problems.extend(problems);
                    if !events.is_empty() {
                        read.batches.push((id, events));
                    }
                }
                // Removed between listing and opening: nothing to read.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    // Said once, not on every poll, until the error changes.
                    let what = format!("cannot read it ({e})");
                    if tail.failed.as_deref() != Some(what.as_str()) {
                        tail.failed = Some(what.clone());
                        read.problems.push(Problem {
                            incident: id,
                            path,
                            line: 0,
                            what,
                        });
                    }
                }
            }
        }
        Ok(read)
    }

    /// Creates a new incident journal: `first` (a `declared` event), then
    /// `more`. Under an exclusive lock on `<dir>/.lock`, so that when
    /// `unless_linked` names fingerprints an open incident already links,
    /// two consoles auto-declaring the same alert get one incident.
    pub fn declare(
        &mut self,
        first: Event,
        more: &[Event],
        unless_linked: &[String],
    ) -> Result<Declared, JournalError> {
        if first.kind != EventKind::Declared {
            return Err(JournalError::Invalid(format!(
                "an incident journal must start with a `declared` event, not `{}`",
                first.kind.word()
            )));
        }
        let lock_path = self.dir.join(".lock");
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(io_err("open", &lock_path))?;
        lock.lock().map_err(io_err("lock", &lock_path))?;
        let result = self.declare_locked(first, more, unless_linked);
        let _ = lock.unlock();
        result
    }

    fn declare_locked(
        &mut self,
        first: Event,
        more: &[Event],
        unless_linked: &[String],
    ) -> Result<Declared, JournalError> {
        if !unless_linked.is_empty() {
            let (incidents, _) = self.load_all()?;
            let linked = incidents
                .iter()
                .find(|i| i.is_open() && unless_linked.iter().any(|fp| i.links(fp)));
            if let Some(i) = linked {
                return Ok(Declared::Exists(i.id.clone()));
            }
        }
        // Encoded before the file exists, so a failure leaves no empty journal.
        let mut bytes = Vec::new();
        self.encode_events(std::iter::once(&first).chain(more), &mut bytes)?;
        let prefix = format!("INC-{}-", first.time.format("%Y%m%d"));
        let mut n = self
            .ids()?
            .iter()
            .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        // create_new takes the number atomically even against a writer that
        // ignores `.lock` (an older binary): on a clash, try the next one.
        let (id, path, file) = loop {
            let id = format!("{prefix}{n:03}");
            let path = self.path(&id);
            match OpenOptions::new()
                .read(true)
                .append(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
            {
                Ok(file) => break (id, path, file),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(io_err("create", &path)(e)),
            }
        };
        append_locked(&file, &path, &bytes)?;
        // The new name must survive a crash too, not only its contents.
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("sync", &self.dir))?;
        Ok(Declared::New(id))
    }

    /// Serializes events as lines, giving each event without an id a fresh one.
    fn encode_events<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
        out: &mut Vec<u8>,
    ) -> Result<Vec<String>, JournalError> {
        let mut ids = Vec::new();
        for e in events {
            let mut e = e.clone();
            if e.id.is_empty() {
                e.id = self.fresh_id();
            }
            serde_json::to_writer(&mut *out, &e)?;
            out.push(b'\n');
            ids.push(e.id);
        }
        Ok(ids)
    }

    /// Gives each event without an id a fresh one (before a write that
    /// may be sent again: the store then knows it).
    pub fn give_ids(&mut self, events: &mut [Event]) {
        for e in events.iter_mut().filter(|e| e.id.is_empty()) {
            e.id = self.fresh_id();
        }
    }

    fn fresh_id(&mut self) -> String {
        self.counter += 1;
        event_id(self.salt, self.counter)
    }

    /// Appends whole lines (see the module comment). Returns the event ids.
    pub fn append(
        &mut self,
        incident: &str,
        events: &[Event],
    ) -> Result<Vec<String>, JournalError> {
        let path = self.existing(incident)?;
        let mut bytes = Vec::new();
        let ids = self.encode_events(events, &mut bytes)?;
        if bytes.is_empty() {
            return Ok(ids);
        }
        let file = match OpenOptions::new().read(true).append(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(JournalError::NoSuchIncident(
                    incident.to_string(),
                    self.dir.clone(),
                ))
            }
            Err(e) => return Err(io_err("open", &path)(e)),
        };
        append_locked(&file, &path, &bytes)?;
        Ok(ids)
    }

    /// Reads one incident from scratch: its events and the problems found.
    pub fn load(&self, incident: &str) -> Result<(Vec<Event>, Vec<Problem>), JournalError> {
        let path = self.existing(incident)?;
        read_tail::<Event>(&path, incident, &mut Tail::default()).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                JournalError::NoSuchIncident(incident.to_string(), self.dir.clone())
            } else {
                io_err("read", &path)(e)
            }
        })
    }

    /// Every incident, replayed, sorted by id, and the problems found.
    pub fn load_all(&self) -> Result<(Vec<Incident>, Vec<Problem>), JournalError> {
        let mut incidents = Vec::new();
        let mut problems = Vec::new();
        for id in self.ids()? {
            let path = self.path(&id);
            let (events, found) = match read_tail::<Event>(&path, &id, &mut Tail::default()) {
                Ok(x) => x,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err("read", &path)(e)),
            };
            problems.extend(found);
            if events.is_empty() {
                // Being created right now, or only a torn line (reported above).
                continue;
            }
            match Incident::replay(&id, events) {
                Some(i) => incidents.push(i),
                None => problems.push(Problem {
                    incident: id.clone(),
                    path,
                    line: 1,
                    what: "the first event is not `declared`, so this is not an incident".into(),
                }),
            }
        }
        Ok((incidents, problems))
    }

    /// Appends to `<state dir>/activity.jsonl`, same rules as `append`.
    pub fn log_activity(&mut self, entries: &[Activity]) -> Result<(), JournalError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut bytes = Vec::new();
        for a in entries {
            serde_json::to_writer(&mut bytes, a)?;
            bytes.push(b'\n');
        }
        let path = self.activity_path();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(io_err("open", &path))?;
        append_locked(&file, &path, &bytes)
    }

    pub fn read_activity(&self) -> Result<(Vec<Activity>, Vec<Problem>), JournalError> {
        let path = self.activity_path();
        match read_tail::<Activity>(&path, "activity", &mut Tail::default()) {
            Ok(x) => Ok(x),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(io_err("read", &path)(e)),
        }
    }
}
