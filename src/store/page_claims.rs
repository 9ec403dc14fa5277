//! Which escalation levels were paged: `<state dir>/paged.jsonl`, lines
//! per level key written under a file lock: the claim (held for a term),
//! then each attempt's outcome. A console or engine pages only when it wins
//! the claim, so a restart or a second one sharing the state dir never
//! pages twice for the same level of the same pass; a level delivered is
//! held for good, and one whose claimant died before delivering it is
//! taken over once its hold runs out, so it is delivered at least once.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

#[derive(serde::Serialize, serde::Deserialize)]
struct Line {
    key: String,
    time: DateTime<Utc>,
    by: String,
    /// What this line says of the level: claimed (absent), `delivered`,
    /// or `failed` (with the reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// Until when the claimant holds the level without delivering it: past
    /// it (the claimant died, or gave up), another may take it over. A line
    /// without it (older files) holds for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<DateTime<Utc>>,
}

/// How long a claim holds before its first outcome is written: longer than
/// a delivery with all its retries takes.
pub const CLAIM_TERM: std::time::Duration = std::time::Duration::from_secs(120);

/// A failed level stays its claimant's this long past its next try (it
/// writes `until` = next try + this), so another does not take it over
/// while the retry is on its way.
pub const RETRY_SLACK: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether a level's lines leave it free to claim at `now`: never claimed,
/// or claimed and not delivered by a claimant whose hold ran out.
fn free(lines: &[Line], key: &str, now: DateTime<Utc>) -> bool {
    let mine: Vec<&Line> = lines.iter().filter(|l| l.key == key).collect();
    if mine
        .iter()
        .any(|l| l.outcome.as_deref() == Some("delivered"))
    {
        return false;
    }
    match mine.last() {
        None => true,
        Some(last) => last.until.is_some_and(|u| u <= now),
    }
}

fn with_lines<T>(
    dir: &Path,
    f: impl FnOnce(&[Line], &mut String) -> std::io::Result<T>,
) -> std::io::Result<T> {
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
        let lines: Vec<Line> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Line>(l).ok())
            .collect();
        let mut out = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
        let value = f(&lines, &mut out)?;
        if out.trim().is_empty() {
            return Ok(value);
        }
        file.write_all(out.as_bytes())?;
        file.sync_data()?;
        Ok(value)
    })();
    let _ = file.unlock();
    result
}

fn push(out: &mut String, line: &Line) -> std::io::Result<()> {
    out.push_str(&serde_json::to_string(line).map_err(std::io::Error::other)?);
    out.push('\n');
    Ok(())
}

/// What claiming a level found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// It is ours to deliver.
    Won,
    /// Delivered already (by anyone): nothing more to do, ever.
    Delivered,
    /// Another holds it and may still deliver it: ask again later.
    Held,
}

/// Claims `keys` for `by` and returns true, unless one of them is held
/// (delivered, or claimed by another whose hold has not run out): then
/// nothing is written and it returns false. A level whose claimant died
/// before delivering it is taken over.
pub fn claim(dir: &Path, keys: &[String], by: &str, now: DateTime<Utc>) -> std::io::Result<bool> {
    Ok(try_claim(dir, keys, by, now)? == Claim::Won)
}

/// `claim`, saying why when the level is not won.
pub fn try_claim(
    dir: &Path,
    keys: &[String],
    by: &str,
    now: DateTime<Utc>,
) -> std::io::Result<Claim> {
    with_lines(dir, |lines, out| {
        let delivered = |k: &String| {
            lines
                .iter()
                .any(|l| &l.key == k && l.outcome.as_deref() == Some("delivered"))
        };
        if keys.iter().any(delivered) {
            return Ok(Claim::Delivered);
        }
        if !keys.iter().all(|k| free(lines, k, now)) {
            return Ok(Claim::Held);
        }
        let until = now + chrono::Duration::from_std(CLAIM_TERM).unwrap_or_default();
        for key in keys {
            push(
                out,
                &Line {
                    key: key.clone(),
                    time: now,
                    by: by.to_string(),
                    outcome: None,
                    reason: None,
                    until: Some(until),
                },
            )?;
        }
        Ok(Claim::Won)
    })
}

/// Records an attempt's outcome: delivered (held for good), or failed and
/// held by `by` until `until`, when it means to try again; past that,
/// another may take it over.
pub fn record(
    dir: &Path,
    keys: &[String],
    by: &str,
    now: DateTime<Utc>,
    outcome: Result<(), String>,
    until: DateTime<Utc>,
) -> std::io::Result<()> {
    with_lines(dir, |_, out| {
        for key in keys {
            let (word, reason, until) = match &outcome {
                Ok(()) => ("delivered", None, None),
                Err(e) => ("failed", Some(e.clone()), Some(until)),
            };
            push(
                out,
                &Line {
                    key: key.clone(),
                    time: now,
                    by: by.to_string(),
                    outcome: Some(word.to_string()),
                    reason,
                    until,
                },
            )?;
        }
        Ok(())
    })
}

/// Where a level stands in the claims, for a process that does not page
/// (a console while `oncall serve` holds the lease, the wall): who has
/// it, whether it was delivered, and its failures since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub by: String,
    pub delivered: Option<DateTime<Utc>>,
    /// Failed attempts (each with the notifiers' own retries).
    pub failures: u32,
    /// The last failure's reason.
    pub reason: Option<String>,
    /// Until when the claimant holds it: about when it tries again.
    pub until: Option<DateTime<Utc>>,
}

/// Every level's outcome so far, by key. No file yet: none.
pub fn outcomes(dir: &Path) -> std::io::Result<std::collections::HashMap<String, Outcome>> {
    let text = match std::fs::read_to_string(dir.join("paged.jsonl")) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut out: std::collections::HashMap<String, Outcome> = std::collections::HashMap::new();
    for line in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Line>(l).ok())
    {
        let o = out.entry(line.key).or_insert_with(|| Outcome {
            by: line.by.clone(),
            delivered: None,
            failures: 0,
            reason: None,
            until: None,
        });
        o.by = line.by;
        o.until = line.until;
        match line.outcome.as_deref() {
            Some("delivered") => o.delivered = o.delivered.or(Some(line.time)),
            Some("failed") => {
                o.failures += 1;
                o.reason = line.reason;
            }
            _ => {}
        }
    }
    Ok(out)
}
