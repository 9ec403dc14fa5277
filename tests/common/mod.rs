//! Test harness: real Alertmanager (an HA cluster of peers) and Prometheus
//! processes on free loopback ports, killed when the guards drop.
#![allow(dead_code)]

pub mod build;
pub mod cli;
pub mod disk;
pub mod faults;
pub mod fixtures;
pub mod postgres;
pub mod screen;
pub mod slos;
pub mod stepper;
pub mod tmux;
pub mod wall;
pub mod webhook;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oncall::source::{Auth, SourceKind, SourceSpec, Tls};

const INSTALL: &str = "install with: apt-get install prometheus-alertmanager prometheus";

/// Finds the first of `names` on PATH, or panics saying how to install it.
pub fn find_binary(names: &[&str]) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("none of {names:?} found on PATH; {INSTALL}");
}

/// A free loopback TCP port (released before use, so a tiny race remains).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh directory under the system temp dir, removed by the guard that owns it.
pub fn temp_dir(tag: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("oncall-test-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A child process that is killed (and reaped) on drop.
pub struct Proc {
    pub name: String,
    pub log: PathBuf,
    child: Child,
}

impl Proc {
    pub fn spawn(name: &str, bin: &Path, args: &[String], log: PathBuf) -> Proc {
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", bin.display()));
        Proc {
            name: name.to_string(),
            log,
            child,
        }
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Waits until `GET {url}/-/ready` answers 200.
    pub fn wait_ready(&mut self, port: u16, within: Duration) {
        if let Err(e) = self.ready(port, within) {
            panic!("{e}");
        }
    }

    /// `wait_ready`, saying why not instead of failing.
    fn ready(&mut self, port: u16, within: Duration) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited with {status}:\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            if http_status(port, "/-/ready") == Some(200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{} not ready within {within:?}:\n{}",
            self.name,
            self.log_tail()
        ))
    }

    /// Waits until the port accepts TCP connections (for TLS listeners).
    pub fn wait_listening(&mut self, port: u16, within: Duration) {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited with {status}:\n{}", self.name, self.log_tail());
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} not listening within {within:?}:\n{}",
            self.name,
            self.log_tail()
        );
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status code of a blocking `GET path` on loopback, or None if no answer.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// The Alertmanager config: one silent receiver, and an inhibit rule so
/// inhibition is testable (critical inhibits warning of the same service).
const AM_CONFIG: &str = r#"
route:
  receiver: team
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: ['service']
"#;

/// Alertmanagers gossiping as one HA cluster.
pub struct Alertmanagers {
    pub urls: Vec<String>,
    pub names: Vec<String>,
    procs: Vec<Option<Proc>>,
    /// Each member's command line, to start it again after a kill.
    args: Vec<Vec<String>>,
    bin: PathBuf,
    dir: PathBuf,
}

impl Alertmanagers {
    pub fn start(members: usize) -> Alertmanagers {
        // A port `free_port` found free can be taken before the server
        // binds it (by another test's server or an outgoing connection):
        // then the set is started again on other ports.
        for _ in 0..2 {
            match Alertmanagers::try_start(members) {
                Ok(ams) => return ams,
                Err(e) if e.contains("address already in use") => {
                    eprintln!("a port was taken meanwhile; starting again:\n{e}")
                }
                Err(e) => panic!("{e}"),
            }
        }
        Alertmanagers::try_start(members).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_start(members: usize) -> Result<Alertmanagers, String> {
        let bin = find_binary(&["prometheus-alertmanager", "alertmanager"]);
        let dir = temp_dir("am");
        let config = dir.join("alertmanager.yml");
        std::fs::write(&config, AM_CONFIG).unwrap();
        let web: Vec<u16> = (0..members).map(|_| free_port()).collect();
        let gossip: Vec<u16> = (0..members).map(|_| free_port()).collect();
        let mut procs = Vec::new();
        let mut all_args = Vec::new();
        for i in 0..members {
            let storage = dir.join(format!("data{i}"));
            std::fs::create_dir_all(&storage).unwrap();
            let mut args = vec![
                format!("--config.file={}", config.display()),
                format!("--storage.path={}", storage.display()),
                format!("--web.listen-address=127.0.0.1:{}", web[i]),
                format!("--cluster.listen-address=127.0.0.1:{}", gossip[i]),
                // Fast failure detection and gossip keep the tests short.
                "--cluster.gossip-interval=100ms".into(),
                "--cluster.pushpull-interval=2s".into(),
            ];
            for (j, port) in gossip.iter().enumerate() {
                if j != i {
                    args.push(format!("--cluster.peer=127.0.0.1:{port}"));
                }
            }
            let name = format!("am{i}");
            procs.push(Proc::spawn(
                &name,
                &bin,
                &args,
                dir.join(format!("{name}.log")),
            ));
            all_args.push(args);
        }
        for (p, port) in procs.iter_mut().zip(&web) {
            if let Err(e) = p.ready(*port, Duration::from_secs(30)) {
                drop(procs);
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        }
        Ok(Alertmanagers {
            urls: web
                .iter()
                .map(|p| format!("http://127.0.0.1:{p}"))
                .collect(),
            names: (0..members).map(|i| format!("am{i}")).collect(),
            procs: procs.into_iter().map(Some).collect(),
            args: all_args,
            bin,
            dir,
        })
    }

    /// The source spec of member `i` (cluster "test").
    pub fn spec(&self, i: usize) -> SourceSpec {
        spec(
            &self.names[i],
            SourceKind::Alertmanager,
            &self.urls[i],
            Some("test"),
        )
    }

    /// Kills member `i` now (to see a source fail).
    pub fn kill(&mut self, i: usize) {
        self.procs[i] = None;
    }

    /// Starts member `i` again, on the same port and storage (it keeps
    /// its silences; alerts live in memory and must be posted again).
    pub fn restart(&mut self, i: usize) {
        self.procs[i] = None;
        let name = &self.names[i];
        let log = self.dir.join(format!("{name}-restarted.log"));
        let mut p = Proc::spawn(name, &self.bin, &self.args[i], log);
        let port: u16 = self.urls[i].rsplit(':').next().unwrap().parse().unwrap();
        p.wait_ready(port, Duration::from_secs(30));
        self.procs[i] = Some(p);
    }

    /// POSTs alerts (Alertmanager v2 JSON) to every member, as Prometheus does.
    pub async fn post_alerts(&self, alerts: serde_json::Value) {
        for url in &self.urls {
            let resp = reqwest::Client::new()
                .post(format!("{url}/api/v2/alerts"))
                .json(&alerts)
                .send()
                .await
                .unwrap();
            assert!(
                resp.status().is_success(),
                "posting alerts to {url}: {}",
                resp.status()
            );
        }
    }

    /// Creates a silence on member `i` (1h from now) and returns its id.
    pub async fn create_silence(
        &self,
        i: usize,
        matchers: serde_json::Value,
        created_by: &str,
        comment: &str,
    ) -> String {
        let now = chrono::Utc::now();
        let body = serde_json::json!({
            "matchers": matchers,
            "startsAt": now.to_rfc3339(),
            "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(),
            "createdBy": created_by,
            "comment": comment,
        });
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v2/silences", self.urls[i]))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            resp.status().is_success(),
            "creating a silence: {}",
            resp.status()
        );
        let v: serde_json::Value = resp.json().await.unwrap();
        v["silenceID"]
            .as_str()
            .expect("silenceID in the answer")
            .to_string()
    }
}

impl Drop for Alertmanagers {
    fn drop(&mut self) {
        self.procs.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Prometheus evaluating every second, with one alert that fires at once
/// (`PromFiring`) and one held pending for an hour (`PromPending`), sending
/// to the given Alertmanagers.
pub struct Prometheus {
    pub url: String,
    proc: Option<Proc>,
    dir: PathBuf,
}

const RULES: &str = r#"
groups:
  - name: oncall-test
    interval: 1s
    rules:
      - alert: PromFiring
        expr: vector(1)
        for: 0s
        labels: {severity: info}
        annotations: {summary: fires at once}
      - alert: PromPending
        expr: vector(1)
        for: 1h
        labels: {severity: info}
"#;

impl Prometheus {
    pub fn start(alertmanager_urls: &[String]) -> Prometheus {
        Prometheus::start_with_rules(alertmanager_urls, RULES)
    }

    /// A Prometheus evaluating `rules` (a rule file's YAML) every second.
    pub fn start_with_rules(alertmanager_urls: &[String], rules: &str) -> Prometheus {
        Prometheus::launch(alertmanager_urls, rules, "", "1s")
    }

    /// As `start_with_rules`, re-sending firing alerts every `resend`
    /// (Prometheus' default is 1m): how long a restarted Alertmanager
    /// stays without them.
    pub fn resending_every(alertmanager_urls: &[String], rules: &str, resend: &str) -> Prometheus {
        Prometheus::launch(alertmanager_urls, rules, "", resend)
    }

    /// A Prometheus scraping `target` (`127.0.0.1:PORT`, path `/metrics`)
    /// every second, as job `app`.
    pub fn scraping(target: &str) -> Prometheus {
        Prometheus::scraping_as("app", target)
    }

    /// A Prometheus scraping `target` every second as job `job`.
    pub fn scraping_as(job: &str, target: &str) -> Prometheus {
        let scrape = format!(
            "scrape_configs:\n  - job_name: {job}\n    scrape_interval: 1s\n    \
             static_configs: [{{targets: ['{target}']}}]\n"
        );
        Prometheus::launch(&[], "groups: []\n", &scrape, "1s")
    }

    fn launch(alertmanager_urls: &[String], rules: &str, scrape: &str, resend: &str) -> Prometheus {
        let bin = find_binary(&["prometheus"]);
        let dir = temp_dir("prom");
        let targets: Vec<String> = alertmanager_urls
            .iter()
            .map(|u| format!("'{}'", u.trim_start_matches("http://")))
            .collect();
        let config = format!(
            "global:\n  evaluation_interval: 1s\n  scrape_interval: 1m\nrule_files: ['{}']\n\
             alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [{}]\n{scrape}",
            dir.join("rules.yml").display(),
            targets.join(", ")
        );
        std::fs::write(dir.join("rules.yml"), rules).unwrap();
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        let port = free_port();
        let args = vec![
            format!("--config.file={}", dir.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", dir.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
            format!("--rules.alert.resend-delay={resend}"),
        ];
        let mut proc = Proc::spawn("prometheus", &bin, &args, dir.join("prometheus.log"));
        proc.wait_ready(port, Duration::from_secs(30));
        Prometheus {
            url: format!("http://127.0.0.1:{port}"),
            proc: Some(proc),
            dir,
        }
    }

    pub fn spec(&self) -> SourceSpec {
        spec("prom", SourceKind::Prometheus, &self.url, None)
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        self.proc = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn spec(name: &str, kind: SourceKind, url: &str, cluster: Option<&str>) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind,
        url: url.into(),
        cluster: cluster.map(str::to_string),
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

/// The first answer of `spec` that holds alerts (a real server needs a
/// moment after alerts are posted).
pub async fn first_alerts(spec: &SourceSpec, timeout: Duration) -> oncall::source::Snapshot {
    eventually(
        &format!("alerts in {}", spec.name),
        Duration::from_secs(20),
        || async {
            let s = oncall::source::fetch_once(spec, timeout)
                .await
                .map_err(|e| e.to_string())?;
            if s.alerts.is_empty() {
                Err("no alerts yet".to_string())
            } else {
                Ok(s)
            }
        },
    )
    .await
}

/// Property-test cases: `n`, or `PROPTEST_CASES` for a longer run.
pub fn proptest_cases(n: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(n),
        ..Default::default()
    }
}

/// Retries `check` every 200 ms until it returns Ok or `within` passes;
/// then panics with the last reason. Real servers need a moment.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(v) => return v,
            Err(reason) if start.elapsed() >= within => {
                panic!("{what}: not true within {within:?}; last: {reason}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}
