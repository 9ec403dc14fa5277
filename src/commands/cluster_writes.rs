//! What the write commands (`ack`, `unack`, `silence ...`) share: settings →
//! Alertmanager clusters, one write per cluster (all clusters at once), and
//! reporting per cluster with the one-shot exit codes (0 / 1 / 3).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;

use crate::cli::MatcherArgs;
use crate::config::Settings;
use crate::model::matcher::format_matchers;
use crate::model::{duration::parse_duration, parse_matchers, Labels, Matcher};
use crate::sanitize;
use crate::source::alertmanager_writes::{Members, WriteError};
use crate::source::cluster::{self, Cluster};
use crate::source::{fetch_once, Snapshot, SourceError, SourceSpec};

pub use super::alerts::PARTIAL;

/// The `Ok` value, or return the exit code (the error was already told).
macro_rules! or_exit {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return code,
        }
    };
}
pub(crate) use or_exit;

/// One cluster, owned, so its write can run in a task of its own.
pub struct Group {
    pub name: String,
    specs: Arc<Vec<SourceSpec>>,
    members: Vec<usize>,
    timeout: Duration,
}

impl Group {
    pub fn members(&self) -> Members<'_> {
        Members::new(&self.specs, &self.members, self.timeout)
    }

    /// Alerts and silences from the first member that answers.
    pub async fn snapshot(&self) -> Result<Snapshot, WriteError> {
        let mut attempts = Vec::new();
        for &i in &self.members {
            let spec = &self.specs[i];
            match fetch_once(spec, self.timeout).await {
                Ok(snap) => return Ok(snap),
                Err(e) => attempts.push((spec.name.clone(), e)),
            }
        }
        Err(WriteError { attempts })
    }
}

/// The Alertmanager clusters a command works on.
pub struct Clusters {
    specs: Arc<Vec<SourceSpec>>,
    list: Vec<Cluster>,
    /// Members whose cluster is a guess (see `cluster::Discovery`).
    unknown: Vec<usize>,
    timeout: Duration,
}

/// Settings → clusters, or the exit code after saying why not (no
/// Alertmanager, the demo, or `--read-only` for a command that `writes`).
pub async fn clusters(settings: &Settings, writes: bool) -> Result<Clusters, ExitCode> {
    for w in &settings.warnings {
        eprintln!("oncall: warning: {w}");
    }
    if settings.demo {
        eprintln!(
            "oncall: the demo has no Alertmanager to {}; point oncall at a real one (--alertmanager URL)",
            if writes { "write to" } else { "ask" }
        );
        return Err(ExitCode::from(1));
    }
    if writes && settings.read_only {
        eprintln!("oncall: refused: --read-only forbids changing acks and silences");
        return Err(ExitCode::from(1));
    }
    let found = cluster::discover(
        &settings.sources,
        settings.timeout,
        settings.state_dir.as_deref(),
    )
    .await;
    if found.clusters.is_empty() {
        eprint!("{}", crate::config::no_source_help());
        return Err(ExitCode::from(1));
    }
    Ok(Clusters {
        specs: Arc::new(settings.sources.clone()),
        list: found.clusters,
        unknown: found.unknown,
        timeout: settings.timeout,
    })
}

impl Clusters {
    pub fn several(&self) -> bool {
        self.list.len() > 1
    }

    /// Runs `write` on every cluster at once; answers in cluster order.
    pub async fn each<T, F, Fut>(&self, write: F) -> Vec<(String, Result<T, WriteError>)>
    where
        F: Fn(Group) -> Fut,
        Fut: std::future::Future<Output = Result<T, WriteError>> + Send + 'static,
        T: Send + 'static,
    {
        let mut tasks = JoinSet::new();
        for (k, c) in self.list.iter().enumerate() {
            let fut = write(Group {
                name: c.name.clone(),
                specs: Arc::clone(&self.specs),
                members: c.members.clone(),
                timeout: self.timeout,
            });
            tasks.spawn(async move { (k, fut.await) });
        }
        let mut results: Vec<Option<Result<T, WriteError>>> =
            (0..self.list.len()).map(|_| None).collect();
        while let Some(done) = tasks.join_next().await {
            if let Ok((k, r)) = done {
                results[k] = Some(r);
            }
        }
        self.list
            .iter()
            .zip(results)
            .map(|(c, r)| {
                let r = r.unwrap_or_else(|| {
                    Err(WriteError {
                        attempts: vec![(c.name.clone(), SourceError::Decode("task failed".into()))],
                    })
                });
                (c.name.clone(), r)
            })
            .collect()
    }

    /// Prints one answer line: `ID`, or `CLUSTER ID` when there are several clusters.
    pub fn print(&self, cluster: &str, text: &str) {
        if self.several() {
            out(&format!("{} {text}", sanitize::line(cluster)));
        } else {
            out(text);
        }
    }

    /// One sentence on stderr: what failed, where, and why.
    pub fn fail(&self, cluster: &str, what: &str, e: &WriteError) {
        eprintln!(
            "oncall: {}{what}: {}{}",
            self.at(cluster),
            sanitize::line(&e.to_string()),
            self.hint(cluster)
        );
    }

    /// For a cluster that is a lone member oncall could not place (it did
    /// not answer, is not configured in a cluster, and was never seen): how
    /// to tell oncall it belongs with another.
    fn hint(&self, cluster: &str) -> String {
        let Some(c) = self.list.iter().find(|c| c.name == cluster) else {
            return String::new();
        };
        if !c.members.iter().all(|i| self.unknown.contains(i)) {
            return String::new();
        }
        let others: Vec<String> = self
            .list
            .iter()
            .filter(|o| o.name != cluster)
            .map(|o| sanitize::line(&o.name).into_owned())
            .collect();
        if others.is_empty() {
            return String::new();
        }
        format!(
            " (if it is an HA peer of {}, give both the same `cluster:` name in the config)",
            others.join(" or ")
        )
    }

    /// `cluster eu: ` when there are several clusters, else nothing.
    pub fn at(&self, cluster: &str) -> String {
        if self.several() {
            format!("cluster {}: ", sanitize::line(cluster))
        } else {
            String::new()
        }
    }
}

/// A line on stdout; a closed pipe is not an error worth a panic.
pub fn out(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// 0 when nothing failed, 1 when nothing worked, else 3 (partial).
pub fn exit_code(ok: usize, failed: usize) -> ExitCode {
    match (ok, failed) {
        (_, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::from(1),
        _ => ExitCode::from(PARTIAL),
    }
}

/// The matchers of a write, parsed; refuses a set that would silence everything.
pub fn matchers(args: &MatcherArgs) -> Result<Vec<Matcher>, ExitCode> {
    // Each argument is read on its own, as amtool reads them, so a comma
    // in one cannot change how another is read.
    let mut matchers = Vec::new();
    for text in &args.matchers {
        matchers.extend(parse_matchers(text).map_err(|e| {
            eprintln!(
                "oncall: invalid matchers {}: {e}",
                sanitize::line(&format!("{text:?}"))
            );
            ExitCode::from(1)
        })?);
    }
    if matchers.is_empty() || matchers.iter().all(|m| m.matches(&Labels::new())) {
        eprintln!(
            "oncall: refusing matchers that all match the empty string ({}): they would silence every alert; \
             add one that needs a value, e.g. alertname=\"X\"",
            format_matchers(&matchers)
        );
        return Err(ExitCode::from(1));
    }
    Ok(matchers)
}

/// `--duration`, or the default; must be more than zero.
pub fn duration(given: Option<&str>, default: Duration) -> Result<Duration, ExitCode> {
    let d = match given {
        Some(text) => parse_duration(text).map_err(|e| {
            eprintln!("oncall: --duration: {e}");
            ExitCode::from(1)
        })?,
        None => default,
    };
    if d.is_zero() {
        eprintln!("oncall: --duration must be more than 0s");
        return Err(ExitCode::from(1));
    }
    Ok(d)
}

pub fn author(given: Option<&str>, settings: &Settings) -> String {
    given
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or(&settings.author)
        .to_string()
}

/// `now + d`, saturating.
pub fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(365 * 100))
}

/// Every member answered "not found" (Alertmanager 0.25 says so with a 500).
pub fn not_found(e: &WriteError) -> bool {
    !e.attempts.is_empty()
        && e.attempts.iter().all(|(_, e)| {
            matches!(e, SourceError::Status { status, snippet }
                if *status == 404 || snippet.contains("not found"))
        })
}

/// UTC time for messages: `2026-11-22 03:14 UTC`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
