//! The engine lease: `<state dir>/engine.lease`, who pages for this state
//! dir. `oncall serve` takes it and renews it while it runs; consoles on
//! the same state dir page only while no engine holds a live lease. A lease
//! not renewed for its term (an engine that died) is free to take. The page
//! claims (`page_claims`) still make each level page once if two holders
//! ever overlap.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long a lease lasts unless renewed.
pub const TERM: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// `oncall serve` on this host, with this process id.
    pub holder: String,
    pub until: DateTime<Utc>,
}

impl Lease {
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.until > now
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("engine.lease")
}

/// The lease on disk, if any (an unreadable one counts as none).
pub fn read(dir: &Path) -> Option<Lease> {
    let text = std::fs::read_to_string(path(dir)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Takes or renews the lease for `holder` unless another holds a live one;
/// true when `holder` holds it now. Written whole and renamed into place,
/// so a reader never sees half a lease.
pub fn hold(dir: &Path, holder: &str, now: DateTime<Utc>) -> std::io::Result<bool> {
    if let Some(current) = read(dir) {
        if current.holder != holder && current.live(now) {
            return Ok(false);
        }
    }
    std::fs::create_dir_all(dir)?;
    let lease = Lease {
        holder: holder.to_string(),
        until: now + chrono::Duration::from_std(TERM).unwrap_or_default(),
    };
    let tmp = dir.join(format!("engine.lease.{}", std::process::id()));
    std::fs::write(
        &tmp,
        serde_json::to_vec(&lease).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&tmp, path(dir))?;
    Ok(true)
}

/// Gives the lease up at a clean exit, if `holder` holds it.
pub fn release(dir: &Path, holder: &str) {
    if read(dir).is_some_and(|l| l.holder == holder) {
        let _ = std::fs::remove_file(path(dir));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_until_the_term_runs_out() {
        let dir = std::env::temp_dir().join(format!("oncall-lease-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let t0 = Utc::now();
        assert!(hold(&dir, "a", t0).unwrap());
        assert!(!hold(&dir, "b", t0).unwrap(), "a holds it");
        assert!(hold(&dir, "a", t0).unwrap(), "a renews");
        let later = t0 + chrono::Duration::seconds(31);
        assert!(hold(&dir, "b", later).unwrap(), "a's lease ran out");
        release(&dir, "a");
        assert_eq!(
            read(&dir).unwrap().holder,
            "b",
            "a cannot give up b's lease"
        );
        release(&dir, "b");
        assert!(read(&dir).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
