//! What the one-shot commands remember of the HA pairs (`clusters.json` in
//! the state dir): each Alertmanager's gossip name and peers, so a member
//! that is down still joins its cluster.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PeerInfo;

/// The file, in the state directory, where `discover` remembers each
/// Alertmanager's gossip name and peers.
pub const PEER_CACHE: &str = "clusters.json";

/// On disk: redacted source URL → `{name, peers}`.
#[derive(Serialize, Deserialize)]
struct CachedPeer {
    name: String,
    #[serde(default)]
    peers: Vec<String>,
}

/// What `discover` remembered in `dir` (keyed by `redact_url` of the source
/// URL). A missing, unreadable or corrupt file is an empty cache.
pub fn load_peer_cache(dir: &Path) -> HashMap<String, PeerInfo> {
    let path = dir.join(PEER_CACHE);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(path = %path.display(), error = %e, "cluster cache unreadable; ignored");
            }
            return HashMap::new();
        }
    };
    match serde_json::from_slice::<BTreeMap<String, CachedPeer>>(&text) {
        Ok(map) => map
            .into_iter()
            .map(|(url, c)| {
                (
                    url,
                    PeerInfo {
                        name: c.name,
                        peers: c.peers,
                    },
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cluster cache corrupt; ignored");
            HashMap::new()
        }
    }
}

/// Writes the cache to `dir` (created if need be) atomically: a temporary
/// file, only the user may read it, renamed over the old one.
pub fn save_peer_cache(dir: &Path, cache: &HashMap<String, PeerInfo>) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let on_disk: BTreeMap<&str, CachedPeer> = cache
        .iter()
        .map(|(url, p)| {
            (
                url.as_str(),
                CachedPeer {
                    name: p.name.clone(),
                    peers: p.peers.clone(),
                },
            )
        })
        .collect();
    let mut text = serde_json::to_vec_pretty(&on_disk).map_err(std::io::Error::other)?;
    text.push(b'\n');
    // One writer per thread at a time: process and thread name the temp file.
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let tmp = dir.join(format!(".{PEER_CACHE}.{}.{thread}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(PEER_CACHE))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
