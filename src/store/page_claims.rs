//! Which escalation levels were paged: `<state dir>/paged.jsonl`, one line
//! per level key, claimed under a file lock. A console pages only when it
//! wins the claim, so a restart or a second console sharing the state dir
//! never pages twice for the same level of the same pass.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

#[derive(serde::Serialize, serde::Deserialize)]
struct Line {
    key: String,
    time: DateTime<Utc>,
    by: String,
}

/// Records `keys` and returns true, unless one of them was recorded before
/// (then nothing is written and it returns false).
pub fn claim(dir: &Path, keys: &[String], by: &str, now: DateTime<Utc>) -> std::io::Result<bool> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("paged.jsonl");
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&path)?;
    file.lock()?;
    let result = (|| {
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        let seen = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Line>(l).ok())
            .any(|l| keys.contains(&l.key));
        if seen {
            return Ok(false);
        }
        let mut out = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
        for key in keys {
            let line = Line {
                key: key.clone(),
                time: now,
                by: by.to_string(),
            };
            out.push_str(&serde_json::to_string(&line).map_err(std::io::Error::other)?);
            out.push('\n');
        }
        file.write_all(out.as_bytes())?;
        file.sync_data()?;
        Ok(true)
    })();
    let _ = file.unlock();
    result
}
