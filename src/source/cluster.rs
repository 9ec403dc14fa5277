//! HA clusters: Alertmanagers that gossip alerts and silences to each other.
//! A write goes to one member of each cluster (trying each in turn).

use std::path::Path;
use std::time::Duration;

use super::http::{get_json, join, HttpClient};
pub use super::peer_cache::{load_peer_cache, save_peer_cache, PEER_CACHE};
use super::{dto::AmStatus, redact_url, PeerInfo, SourceKind, SourceSpec};

/// Members are indices into the list of source specs, in the order to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub name: String,
    pub members: Vec<usize>,
}

/// What cluster grouping needs to know about one source.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub name: &'a str,
    pub cluster: Option<&'a str>,
    pub peer: Option<&'a PeerInfo>,
}

/// The cluster name of each member: its configured `cluster:`, else the
/// members that gossip with each other joined by `+`, else its own name.
pub fn cluster_names(members: &[Member]) -> Vec<String> {
    let n = members.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        p[i] = r;
        r
    }
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (&members[i], &members[j]);
            let peered = match (a.peer, b.peer) {
                (Some(pa), Some(pb)) => pa.peers.contains(&pb.name),
                _ => false,
            };
            let named = a.cluster.is_some() && a.cluster == b.cluster;
            if i != j && (peered || named) {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    (0..n)
        .map(|i| {
            let r = root(&mut parent, i);
            let group: Vec<usize> = (0..n).filter(|&k| root(&mut parent, k) == r).collect();
            group
                .iter()
                .find_map(|&k| members[k].cluster.map(str::to_string))
                .unwrap_or_else(|| {
                    group
                        .iter()
                        .map(|&k| members[k].name)
                        .collect::<Vec<_>>()
                        .join("+")
                })
        })
        .collect()
}

/// Groups the chosen members (indices) by cluster name, keeping their order.
pub fn group(names: &[String], chosen: impl IntoIterator<Item = usize>) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    for i in chosen {
        match out.iter_mut().find(|c| c.name == names[i]) {
            Some(c) if !c.members.contains(&i) => c.members.push(i),
            Some(_) => {}
            None => out.push(Cluster {
                name: names[i].clone(),
                members: vec![i],
            }),
        }
    }
    out
}

/// What `discover` found: the clusters, and the Alertmanagers whose cluster
/// is a guess (no configured `cluster:`, no answer, nothing remembered), each
/// alone in a cluster of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    pub clusters: Vec<Cluster>,
    pub unknown: Vec<usize>,
}

/// For one-shot commands: the Alertmanager clusters among `specs`, from the
/// configured names and each member's `/api/v2/status`. What members say is
/// remembered in `cache_dir` (see `PEER_CACHE`), so a member that does not
/// answer stays in the cluster it was last seen in; without that it stays in
/// its configured cluster, or alone (and is listed in `unknown`).
pub async fn discover(
    specs: &[SourceSpec],
    timeout: Duration,
    cache_dir: Option<&Path>,
) -> Discovery {
    let mut live: Vec<Option<PeerInfo>> = vec![None; specs.len()];
    let mut tasks = tokio::task::JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        if spec.kind != SourceKind::Alertmanager {
            continue;
        }
        let spec = spec.clone();
        tasks.spawn(async move {
            let client = HttpClient::new(&spec, timeout).ok()?;
            let status: AmStatus = get_json(&client, &join(&spec.url, "/api/v2/status"))
                .await
                .ok()?;
            let c = status.cluster?;
            let mut peers: Vec<String> = c.peers.into_iter().map(|p| p.name).collect();
            peers.retain(|p| *p != c.name);
            peers.sort();
            Some((
                i,
                PeerInfo {
                    name: c.name,
                    peers,
                },
            ))
        });
    }
    while let Some(done) = tasks.join_next().await {
        if let Ok(Some((i, p))) = done {
            live[i] = Some(p);
        }
    }
    let keys: Vec<String> = specs.iter().map(|s| redact_url(&s.url)).collect();
    let mut cache = cache_dir.map(load_peer_cache).unwrap_or_default();
    let cached: Vec<Option<PeerInfo>> = keys.iter().map(|k| cache.get(k).cloned()).collect();
    let peers = with_cache(&live, &cached);
    if let Some(dir) = cache_dir {
        let mut changed = false;
        for (key, p) in keys.iter().zip(&live) {
            if let Some(p) = p.as_ref().filter(|p| !p.name.is_empty()) {
                if cache.get(key) != Some(p) {
                    cache.insert(key.clone(), p.clone());
                    changed = true;
                }
            }
        }
        if changed {
            if let Err(e) = save_peer_cache(dir, &cache) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot remember the cluster topology");
            }
        }
    }
    let members: Vec<Member> = specs
        .iter()
        .zip(&peers)
        .map(|(s, p)| Member {
            name: &s.name,
            cluster: s.cluster.as_deref(),
            peer: p.as_ref(),
        })
        .collect();
    let names = cluster_names(&members);
    let ams: Vec<usize> = (0..specs.len())
        .filter(|&i| specs[i].kind == SourceKind::Alertmanager)
        .collect();
    let unknown = ams
        .iter()
        .copied()
        .filter(|&i| peers[i].is_none() && specs[i].cluster.is_none())
        .collect();
    Discovery {
        clusters: group(&names, ams),
        unknown,
    }
}

/// The peer info to group by: what a member says now, else what it said
/// last time. A remembered member is linked to the members it gossiped with
/// then under the names they have now (a restarted Alertmanager takes a new
/// gossip name).
pub fn with_cache(live: &[Option<PeerInfo>], cached: &[Option<PeerInfo>]) -> Vec<Option<PeerInfo>> {
    (0..live.len())
        .map(|d| {
            if live[d].is_some() {
                return live[d].clone();
            }
            let mine = cached.get(d)?.as_ref()?;
            let mut p = mine.clone();
            for (j, theirs) in cached.iter().enumerate() {
                let Some(theirs) = theirs.as_ref().filter(|_| j != d) else {
                    continue;
                };
                if mine.peers.contains(&theirs.name) || theirs.peers.contains(&mine.name) {
                    let now = live[j].as_ref().map_or(&theirs.name, |l| &l.name);
                    if !p.peers.contains(now) {
                        p.peers.push(now.clone());
                    }
                }
            }
            Some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn gossip_peers_and_config_names_make_clusters() {
        let p = |name: &str, peers: &[&str]| PeerInfo {
            name: name.into(),
            peers: peers.iter().map(|s| s.to_string()).collect(),
        };
        let (pa, pb) = (p("A", &["B"]), p("B", &["A"]));
        let members = [
            Member {
                name: "am1",
                cluster: None,
                peer: Some(&pa),
            },
            Member {
                name: "am2",
                cluster: None,
                peer: Some(&pb),
            },
            Member {
                name: "am3",
                cluster: Some("eu"),
                peer: None,
            },
            Member {
                name: "am4",
                cluster: Some("eu"),
                peer: None,
            },
            Member {
                name: "am5",
                cluster: None,
                peer: None,
            },
        ];
        let names = cluster_names(&members);
        assert_eq!(names, ["am1+am2", "am1+am2", "eu", "eu", "am5"]);
        let clusters = group(&names, [1, 0, 3, 4]);
        assert_eq!(clusters.len(), 3);
        assert_eq!(clusters[0].members, [1, 0]);
        assert_eq!(clusters[1].name, "eu");
    }

    fn peer(name: &str, peers: &[&str]) -> Option<PeerInfo> {
        Some(PeerInfo {
            name: name.into(),
            peers: peers.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn a_silent_member_keeps_the_cluster_it_was_last_seen_in() {
        // am0 is down; am1 answers (it no longer lists am0); am2 is a stranger.
        let live = [None, peer("B", &[]), peer("C", &[])];
        let cached = [peer("A", &["B"]), peer("B", &["A"]), None];
        let peers = with_cache(&live, &cached);
        assert_eq!(peers[0], peer("A", &["B"]));
        assert_eq!(peers[1..], live[1..]);
        let members: Vec<Member> = ["am0", "am1", "am2"]
            .iter()
            .zip(&peers)
            .map(|(name, p)| Member {
                name,
                cluster: None,
                peer: p.as_ref(),
            })
            .collect();
        assert_eq!(cluster_names(&members), ["am0+am1", "am0+am1", "am2"]);

        // am1 restarted since (new gossip name B2): still am0's peer.
        let live = [None, peer("B2", &[])];
        let cached = [peer("A", &["B"]), peer("B", &["A"])];
        assert_eq!(with_cache(&live, &cached)[0], peer("A", &["B", "B2"]));
        // Nothing remembered: nothing made up.
        assert_eq!(with_cache(&[None, peer("B", &[])], &[None, None])[0], None);
    }

    #[test]
    fn the_peer_cache_round_trips_privately_and_a_corrupt_one_is_empty() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("oncall-peer-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(load_peer_cache(&dir).is_empty(), "no file yet");
        let mut cache = HashMap::new();
        cache.insert("http://am1:9093".to_string(), peer("A", &["B"]).unwrap());
        cache.insert("http://am2:9093".to_string(), peer("B", &[]).unwrap());
        save_peer_cache(&dir, &cache).unwrap();
        assert_eq!(load_peer_cache(&dir), cache);
        let path = dir.join(PEER_CACHE);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
        std::fs::write(&path, "{not json").unwrap();
        assert!(load_peer_cache(&dir).is_empty());
        std::fs::write(&path, "[1, 2]").unwrap();
        assert!(load_peer_cache(&dir).is_empty());
        // Saving over a corrupt file repairs it.
        save_peer_cache(&dir, &cache).unwrap();
        assert_eq!(load_peer_cache(&dir), cache);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
