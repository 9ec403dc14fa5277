//! replaced by store::journal on merge
//!
//! A minimal stand-in for `store::journal` (built on another branch), so
//! `oncall postmortem` and `oncall stats` work here. It reads
//! `<state dir>/incidents/*.jsonl` and `<state dir>/activity.jsonl` and
//! appends to an incident's journal; on merge these three functions become
//! `Journal::open(dir)` with `load_all`, `read_activity` and `append`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::app::Settings;
use crate::model::{Activity, Event, Incident};

fn state_dir(settings: &Settings) -> Result<&Path, String> {
    settings.state_dir.as_deref().ok_or_else(|| {
        "no state directory (set XDG_STATE_HOME or HOME, or pass --state-dir)".into()
    })
}

/// Parses one JSON value a line; unreadable lines become problems.
fn read_lines<T: DeserializeOwned>(
    path: &Path,
    problems: &mut Vec<String>,
) -> Result<Vec<T>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(v) => out.push(v),
            Err(e) => problems.push(format!("{} line {}: {e}", path.display(), n + 1)),
        }
    }
    Ok(out)
}

/// Every incident journal, replayed (sorted by id), and the problems met.
// replaced by store::journal on merge
pub(super) fn load_incidents(settings: &Settings) -> Result<(Vec<Incident>, Vec<String>), String> {
    let dir = state_dir(settings)?.join("incidents");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let (mut incidents, mut problems) = (Vec::new(), Vec::new());
    for path in files {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let events: Vec<Event> = read_lines(&path, &mut problems)?;
        match Incident::replay(&stem, events) {
            Some(i) => incidents.push(i),
            None => problems.push(format!(
                "{} does not start with a declaration",
                path.display()
            )),
        }
    }
    Ok((incidents, problems))
}

/// The activity log, and the problems met.
// replaced by store::journal on merge
pub(super) fn read_activity(settings: &Settings) -> Result<(Vec<Activity>, Vec<String>), String> {
    let mut problems = Vec::new();
    let activity = read_lines(&state_dir(settings)?.join("activity.jsonl"), &mut problems)?;
    Ok((activity, problems))
}

/// Appends events to an existing incident journal (one write, fsync) and
/// returns the ids given to them.
// replaced by store::journal on merge
pub(super) fn append(
    settings: &Settings,
    id: &str,
    events: &[Event],
) -> Result<Vec<String>, String> {
    let path = state_dir(settings)?
        .join("incidents")
        .join(format!("{id}.jsonl"));
    let fail = |e: std::io::Error| format!("cannot append to {}: {e}", path.display());
    let existing = std::fs::read_to_string(&path)
        .map_err(fail)?
        .lines()
        .count();
    let mut ids = Vec::new();
    let mut text = String::new();
    for (i, e) in events.iter().enumerate() {
        let mut e = e.clone();
        e.id = (existing + i + 1).to_string();
        ids.push(e.id.clone());
        text += &serde_json::to_string(&e).map_err(|e| e.to_string())?;
        text.push('\n');
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(fail)?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(fail)?;
    Ok(ids)
}
