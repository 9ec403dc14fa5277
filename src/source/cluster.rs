//! HA clusters: Alertmanagers that gossip alerts and silences to each other.
//! A write goes to one member of each cluster (trying each in turn).

use std::time::Duration;

use super::http::{get_json, join, HttpClient};
use super::{dto::AmStatus, PeerInfo, SourceKind, SourceSpec};

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

/// For one-shot commands: the Alertmanager clusters among `specs`, from the
/// configured names and each member's `/api/v2/status`. A member that does
/// not answer stays in its configured cluster, or alone.
pub async fn discover(specs: &[SourceSpec], timeout: Duration) -> Vec<Cluster> {
    let mut peers: Vec<Option<PeerInfo>> = vec![None; specs.len()];
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
            peers[i] = Some(p);
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
    let ams = (0..specs.len()).filter(|&i| specs[i].kind == SourceKind::Alertmanager);
    group(&names, ams)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
