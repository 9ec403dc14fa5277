//! The file level of the journal: appends of whole lines under an
//! exclusive lock, and reads from a remembered offset to the last complete
//! line under a shared lock, turning bad lines into `Problem`s.

use std::fs::File;
use std::io::{self, Read as _, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::journal_files::{io_err, JournalError};
use crate::model::Event;

/// A torn or malformed line found while reading: reported, skipped, never fatal.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The incident id (`activity` for the activity log).
    pub incident: String,
    pub path: PathBuf,
    /// 1-based; 0 when the whole file is concerned (it could not be read).
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "journal {}", self.path.display())?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        write!(f, ": {}, skipped", self.what)
    }
}

/// What `read_new` found: new events per incident (incidents sorted by id,
/// events in file order) and the problems met on the way.
#[derive(Clone, Debug, Default)]
pub struct Read {
    pub batches: Vec<(String, Vec<Event>)>,
    pub problems: Vec<Problem>,
}

/// How far one file has been read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tail {
    /// Byte offset just past the last complete line consumed.
    offset: u64,
    /// Complete lines consumed, for 1-based line numbers.
    lines: usize,
    /// Where a torn last line was reported: when a later append ends it
    /// (with the newline it writes first), it is the same problem and is
    /// not reported a second time.
    torn_at: Option<u64>,
    /// The read error last reported for this file (so a poll does not repeat it).
    pub(crate) failed: Option<String>,
}

const TORN: &str = "torn last line (no newline; the write was cut off)";

/// Reads what was appended to `path` since `tail`, advancing it past the
/// last complete line. A torn last line is reported once and left in place:
/// it is either completed by its writer or ended by the next append.
pub(crate) fn read_tail<T: DeserializeOwned>(
    path: &Path,
    incident: &str,
    tail: &mut Tail,
) -> io::Result<(Vec<T>, Vec<Problem>)> {
    let problem = |line: usize, what: String| Problem {
        incident: incident.to_string(),
        path: path.to_path_buf(),
        line,
        what,
    };
    let mut problems = Vec::new();
    let (mut buf, len) = read_from(path, tail.offset)?;
    let mut keep = true;
    if len < tail.offset {
        // Append-only files do not shrink: it was rewritten by hand. Its
        // lines cannot be matched with what was delivered, so skip past them
        // rather than deliver events twice.
        problems.push(problem(
            0,
            "the file shrank (edited or replaced?); only lines appended from now on are read"
                .into(),
        ));
        *tail = Tail::default();
        buf = read_from(path, 0)?.0;
        keep = false;
    }
    tail.failed = None;
    let end = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut items = Vec::new();
    let mut at = tail.offset;
    for raw in buf[..end].split_inclusive(|&b| b == b'\n') {
        tail.lines += 1;
        let start = at;
        at += raw.len() as u64;
        let text = raw.strip_suffix(b"\n").unwrap_or(raw);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if !keep || text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(text) {
            Ok(item) => items.push(item),
            Err(_) if tail.torn_at == Some(start) => {}
            Err(e) => problems.push(problem(tail.lines, describe(&e))),
        }
    }
    tail.offset = at;
    if !buf[end..].iter().all(u8::is_ascii_whitespace) && tail.torn_at != Some(at) {
        tail.torn_at = Some(at);
        if keep {
            problems.push(problem(tail.lines + 1, TORN.into()));
        }
    }
    Ok((items, problems))
}

/// Why a complete line was not an event, in words.
fn describe(e: &serde_json::Error) -> String {
    if e.is_eof() {
        // Typically an old torn line that a later append ended with its newline.
        format!("incomplete line, an earlier write was cut off ({e})")
    } else {
        format!("malformed line ({e})")
    }
}

/// Everything from `offset` to the end, under a shared lock so no live
/// writer's append is seen half-done; and the file's length.
fn read_from(path: &Path, offset: u64) -> io::Result<(Vec<u8>, u64)> {
    let mut file = File::open(path)?;
    file.lock_shared()?;
    let read = (|| {
        let len = file.metadata()?.len();
        let mut buf = Vec::new();
        if len > offset {
            file.seek(SeekFrom::Start(offset))?;
            (&mut file).take(len - offset).read_to_end(&mut buf)?;
        }
        Ok((buf, len))
    })();
    let _ = file.unlock();
    read
}

/// Under an exclusive lock: a newline first if an earlier writer was killed
/// mid-line (so its fragment stays a line of its own and ours parse), then
/// every line in one write, then fsync.
pub(crate) fn append_locked(file: &File, path: &Path, bytes: &[u8]) -> Result<(), JournalError> {
    file.lock().map_err(io_err("lock", path))?;
    let written = (|| {
        let len = file.metadata()?.len();
        let mut last = [b'\n'];
        if len > 0 {
            file.read_at(&mut last, len - 1)?;
        }
        let mut out = file;
        if last[0] == b'\n' {
            io::Write::write_all(&mut out, bytes)?;
        } else {
            let mut fixed = Vec::with_capacity(bytes.len() + 1);
            fixed.push(b'\n');
            fixed.extend_from_slice(bytes);
            io::Write::write_all(&mut out, &fixed)?;
        }
        file.sync_data()
    })();
    let _ = file.unlock();
    written.map_err(io_err("append to", path))
}
