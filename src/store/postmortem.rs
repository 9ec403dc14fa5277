//! Writes postmortem drafts to disk: atomically (a temporary file in the
//! same directory, fsync, rename), and never over a draft someone edited.
//!
//! The journal remembers the path and the hash of the last draft written
//! (`PostmortemWritten`). A file whose content no longer has that hash was
//! edited by hand (or was never ours), so the new draft goes beside it as
//! `<ID>-2.md`, `<ID>-3.md`, … (the first free name).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::PostmortemRecord;

/// What a write left on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// [`content_hash`] of what was written.
    pub hash: String,
    /// Some(edited file) when the edited draft was left alone and the new
    /// one written beside it.
    pub beside: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum PostmortemError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the postmortem template {}: {source}", path.display())]
    Template {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0:?} cannot name a postmortem file (letters, digits, '.', '_' and '-' only)")]
    BadId(String),
    #[error("no free file name for another draft beside {}", path.display())]
    NoFreeName { path: PathBuf },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> PostmortemError {
    let path = path.to_path_buf();
    move |source| PostmortemError::Io {
        action,
        path,
        source,
    }
}

/// FNV-1a, 64 bits, as 16 lowercase hex digits: notices edits, nothing more.
pub fn content_hash(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// The most drafts kept beside one another before giving up.
const MAX_BESIDE: u32 = 999;

/// Writes atomically (temp file in the same dir + fsync + rename), creating
/// `dir` if need be. Target: `last.path` if a previous write is recorded and
/// that file exists, else `<dir>/<ID>.md`. Never clobbers an edited draft:
/// if the target exists and its hash differs from `last.hash` (or nothing
/// was recorded, i.e. someone else's file), writes `<ID>-2.md`, `-3`… (first
/// free) instead and sets `beside`.
pub fn write_draft(
    dir: &Path,
    incident_id: &str,
    last: Option<&PostmortemRecord>,
    text: &str,
) -> Result<Written, PostmortemError> {
    check_id(incident_id)?;
    std::fs::create_dir_all(dir).map_err(io("create the directory", dir))?;
    let hash = content_hash(text);
    let recorded = last.map(|r| PathBuf::from(&r.path)).filter(|p| p.is_file());
    let target = recorded.unwrap_or_else(|| dir.join(format!("{incident_id}.md")));
    let ours = match std::fs::read(&target) {
        Ok(bytes) => last.is_some_and(|r| format!("{:016x}", fnv1a(&bytes)) == r.hash),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(io("read", &target)(e)),
    };
    if ours {
        let tmp_dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        replace(tmp_dir, &target, text)?;
        return Ok(Written {
            path: target,
            hash,
            beside: None,
        });
    }
    let path = reserve_beside(dir, incident_id)?;
    replace(dir, &path, text).inspect_err(|_| {
        let _ = std::fs::remove_file(&path);
    })?;
    Ok(Written {
        path,
        hash,
        beside: Some(target),
    })
}

/// Ids come from journal file names, but a path must never climb out of
/// the postmortems directory.
fn check_id(id: &str) -> Result<(), PostmortemError> {
    let ok = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(PostmortemError::BadId(id.to_string()))
    }
}

/// Claims the first free `<ID>-N.md` by creating it empty, so a concurrent
/// writer cannot pick the same name; the draft then replaces it.
fn reserve_beside(dir: &Path, id: &str) -> Result<PathBuf, PostmortemError> {
    for n in 2..=MAX_BESIDE {
        let path = dir.join(format!("{id}-{n}.md"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io("create", &path)(e)),
        }
    }
    Err(PostmortemError::NoFreeName {
        path: dir.join(format!("{id}.md")),
    })
}

/// Writes `text` to a temporary file in `dir`, syncs it, renames it over
/// `target` and syncs the directory. The temporary file never survives.
fn replace(dir: &Path, target: &Path, text: &str) -> Result<(), PostmortemError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // One writer per thread at a time: process and thread name the temp file.
    let thread: String = format!("{:?}", std::thread::current().id())
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let tmp = dir.join(format!(".{name}.{}.{thread}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io("write the postmortem draft", target))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io("write", &tmp))?;
        std::fs::rename(&tmp, target).map_err(io("write the postmortem draft", target))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // The rename is durable once the directory is on disk too.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The template from the settings (a user file) or the default; a missing
/// or unreadable user template is an error naming the file.
pub fn template(settings: &crate::config::Settings) -> Result<String, PostmortemError> {
    match &settings.incidents.postmortem_template {
        Some(path) => std::fs::read_to_string(path).map_err(|source| PostmortemError::Template {
            path: path.clone(),
            source,
        }),
        None => Ok(super::postmortem_md::DEFAULT_TEMPLATE.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(content_hash(""), "cbf29ce484222325");
        assert_eq!(content_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(content_hash("foobar"), "85944171f73967e8");
    }

    #[test]
    fn ids_cannot_climb_out() {
        for bad in ["", "../x", "a/b", ".hidden", "x\n"] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_id("INC-20261122-001").is_ok());
    }
}
