//! The pipeline against the budgets of design §6, timed with `Instant`:
//! median and minimum of N runs over generated (deterministic) inputs.
//!
//!     cargo bench --bench pipeline             # full sizes, judged against the budgets
//!     cargo bench --bench pipeline -- --quick  # tiny sizes, 1–2 runs, not judged
//!     cargo test --benches                     # same quick run (CI)
//!
//! `ONCALL_BENCH_QUICK=1` also selects the quick run; `ONCALL_BENCH_RUNS=1`
//! prints every run's time too, in the order run.

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;

use oncall::core::keymap::Keymap;
use oncall::core::merge_view::{compute, MergeJob, BACKGROUND_FROM};
use oncall::core::rows::ViewInputs;
use oncall::core::{update, Action, Effect, Filter, Msg, State};
use oncall::draw::theme::load_theme;
use oncall::model::{fingerprint, Alert, LabelText, Labels};
use oncall::runbook::markdown::parse_markdown;
use oncall::source::am_decode::{decode_alerts as decode_with, decode_next};
use oncall::source::last_poll::LastPoll;
use oncall::source::{Auth, Snapshot, SourceKind, SourceSpec, Tls};
use oncall::ui::views;

// ---- deterministic inputs ----

/// xorshift64*: the same alerts on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const ALERTNAMES: &[&str] = &[
    "KubePodCrashLooping",
    "KubePodNotReady",
    "KubeDeploymentReplicasMismatch",
    "KubeContainerWaiting",
    "KubeJobFailed",
    "KubeHpaMaxedOut",
    "KubePersistentVolumeFillingUp",
    "KubeNodeNotReady",
    "NodeFilesystemSpaceFillingUp",
    "NodeFilesystemAlmostOutOfSpace",
    "NodeMemoryHighUtilization",
    "NodeCPUHighUsage",
    "NodeNetworkReceiveErrs",
    "NodeClockSkewDetected",
    "TargetDown",
    "Watchdog",
    "PrometheusRuleFailures",
    "PrometheusRemoteWriteBehind",
    "AlertmanagerFailedToSendAlerts",
    "ModelLatencySLOBreach",
    "ModelErrorRateHigh",
    "FeatureStoreStale",
    "GPUMemoryPressure",
    "KafkaConsumerLag",
    "PostgresReplicationLag",
    "RedisMemoryHigh",
    "HTTP5xxRateHigh",
    "CertificateExpiringSoon",
    "EtcdHighFsyncDurations",
    "IngressLatencyHigh",
];
const SEVERITIES: &[&str] = &[
    "critical", "warning", "warning", "warning", "error", "info", "info",
];
const CLUSTERS: &[&str] = &[
    "eu-west-1-prod",
    "eu-central-1-prod",
    "us-east-1-prod",
    "us-west-2-staging",
];
const NAMESPACES: &[&str] = &[
    "payments",
    "checkout",
    "fraud-scoring",
    "feature-store",
    "monitoring",
    "kube-system",
    "ingress-nginx",
    "search",
    "recommendations",
    "identity",
    "ledger",
    "notifications",
];
const TEAMS: &[&str] = &["ml-platform", "sre", "payments", "core-infra", "data"];
const RECEIVERS: &[&str] = &[
    "pagerduty-critical",
    "slack-warnings",
    "ml-oncall",
    "email-digest",
];

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap() + chrono::Duration::milliseconds(secs)
}

fn now() -> DateTime<Utc> {
    t(0)
}

/// JSON string literal (the generated values need no escapes but the
/// description carries a newline, as real ones do).
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// One alert as Alertmanager's `/api/v2/alerts` writes it: 8 labels,
/// 3 annotations, receivers, status, fingerprint and timestamps. `member`
/// (0 or 1) varies what HA members legitimately disagree on: `updatedAt`,
/// and for about one alert in 200 whether a fresh silence has reached it.
/// Gives the alert's fingerprint.
/// `poll` (0, 1, ...) is which of the console's polls, 10 s apart, this
/// answer is for: Prometheus re-sends a firing alert about once a minute,
/// moving its `endsAt` and `updatedAt`, so one alert in six has moved since
/// the poll before.
fn alert_json(i: usize, member: usize, poll: usize, out: &mut String) -> LabelText {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    let alertname = r.pick(ALERTNAMES);
    let namespace = r.pick(NAMESPACES);
    let pod = format!(
        "{namespace}-{:x}-{:05x}",
        r.next() % 0xffff_ffff,
        r.next() % 0xfffff
    );
    let labels: Labels = [
        ("alertname", alertname.to_string()),
        ("severity", r.pick(SEVERITIES).to_string()),
        ("cluster", r.pick(CLUSTERS).to_string()),
        ("namespace", namespace.to_string()),
        ("pod", pod.clone()),
        (
            "instance",
            format!("10.{}.{}.{}:9100", r.below(256), r.below(256), r.below(256)),
        ),
        (
            "job",
            if r.below(2) == 0 {
                "kube-state-metrics".into()
            } else {
                "node-exporter".into()
            },
        ),
        ("team", r.pick(TEAMS).to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect();
    let starts = t(-((r.below(7 * 24 * 3600) as i64) * 1000 + r.below(1000) as i64));
    let resent = (1..=poll)
        .rev()
        .find(|q| (i + q).is_multiple_of(6))
        .unwrap_or(0) as i64;
    let moved = chrono::Duration::seconds(resent * 10);
    let updated = t(-(r.below(60_000) as i64) - member as i64 * 1500) + moved;
    let silenced = r.below(10) == 0;
    let inhibited = !silenced && r.below(20) == 0;
    // A silence one member has and the other has not heard of yet.
    let silenced = silenced || (member == 1 && r.below(200) == 0);
    let receiver = r.pick(RECEIVERS);
    let fmt = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);

    let fingerprint = fingerprint(&labels);
    out.push_str("{\"annotations\":{");
    out.push_str(&format!(
        "\"description\":{},\"runbook_url\":{},\"summary\":{}",
        js(&format!(
            "{alertname} on {pod} in {namespace} has been over its threshold for more than 10 minutes.\n\
             Current value: {:.2}. Check the dashboard before paging the owning team.",
            r.below(100_000) as f64 / 100.0
        )),
        js(&format!("https://runbooks.example.com/alerts/{}", alertname.to_lowercase())),
        js(&format!("{alertname}: {pod} is unhealthy")),
    ));
    out.push_str(&format!(
        "}},\"endsAt\":\"{}\",\"fingerprint\":\"{}\",\"receivers\":[{{\"name\":{}}}],\"startsAt\":\"{}\",",
        fmt(now() + chrono::Duration::minutes(4) + moved),
        fingerprint,
        js(receiver),
        fmt(starts),
    ));
    let ids = |on: bool, id: String| {
        if on {
            format!("[\"{id}\"]")
        } else {
            "[]".into()
        }
    };
    out.push_str(&format!(
        "\"status\":{{\"inhibitedBy\":{},\"silencedBy\":{},\"state\":\"{}\"}},\"updatedAt\":\"{}\",",
        ids(inhibited, format!("{:016x}", r.next())),
        ids(silenced, format!("{:08x}-1c2b-4e5f-9a8b-{:012x}", i % 97, i % 13)),
        if silenced || inhibited { "suppressed" } else { "active" },
        fmt(updated),
    ));
    out.push_str(&format!(
        "\"generatorURL\":{},\"labels\":{{",
        js(&format!(
            "http://prometheus-0.{}:9090/graph?g0.expr=up%3D%3D0&g0.tab=1",
            &labels["cluster"]
        ))
    ));
    for (n, (k, v)) in labels.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&format!("{}:{}", js(k), js(v)));
    }
    out.push_str("}}");
    fingerprint
}

/// The body of `GET /api/v2/alerts` from HA member `member` holding `n`
/// alerts, in fingerprint order: Alertmanager sorts its answer so (0.25,
/// checked against the Debian package).
fn body(n: usize, member: usize) -> Vec<u8> {
    body_at(n, member, 0)
}

/// `body` at the console's poll `poll` (see `alert_json`).
fn body_at(n: usize, member: usize, poll: usize) -> Vec<u8> {
    let mut alerts: Vec<(LabelText, String)> = (0..n)
        .map(|i| {
            let mut json = String::with_capacity(1100);
            (alert_json(i, member, poll, &mut json), json)
        })
        .collect();
    alerts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut s = String::with_capacity(n * 1100);
    s.push('[');
    for (i, (_, json)) in alerts.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(json);
    }
    s.push(']');
    s.into_bytes()
}

/// The decoder of one-shot commands and of a poller's first poll.
fn decode_alerts(bytes: &[u8], source: &str) -> Vec<Alert> {
    decode_with(bytes, source).expect("generated JSON decodes")
}

/// The decoder of a poller's next poll, after `last`.
fn decode_after(bytes: &[u8], source: &str, last: Option<&LastPoll>) -> Vec<Alert> {
    decode_next(bytes, source, last)
        .expect("generated JSON decodes")
        .0
}

/// What a poller keeps of an answer for its next poll.
fn last_poll(bytes: Vec<u8>, source: &str) -> LastPoll {
    LastPoll::decode(bytes, source, None).expect("generated JSON decodes")
}

/// The §6 case at the console's poll `poll` (0: the first, decoded from
/// nothing; 1: the next, after poll 0). Each member is decoded by its own
/// poller task, and the runtime has a worker per core, so the two decodes
/// run side by side here too; the merge and rows are `merge_view::compute`,
/// as the console runs them.
fn ha_pair_poll(mode: &Mode, n: usize, poll: usize) -> Vec<Measured> {
    let mut results = Vec::new();
    let [b1, b2] = [0, 1].map(|member| body_at(n, member, poll));
    // What each poller kept of the poll before.
    let [last1, last2] = [0, 1].map(|member| {
        (poll > 0).then(|| last_poll(body_at(n, member, poll - 1), &format!("am{}", member + 1)))
    });
    // The second member's poller: a long-lived thread, as a runtime worker
    // is (a thread started per run would pay for a fresh allocator heap).
    let (go, jobs) = std::sync::mpsc::channel::<()>();
    let (done, decoded) = std::sync::mpsc::channel::<Vec<Alert>>();
    let poller = std::thread::spawn(move || {
        for () in jobs {
            let _ = done.send(decode_after(black_box(&b2), "am2", last2.as_ref()));
        }
    });
    let which = if poll == 0 { "first poll" } else { "next poll" };
    let case = format!("decode+dedup+group+sort {n}×2 (HA pair, {which})");
    // Where the time goes: the two decodes side by side, then the merge.
    let (mut decodes, mut merges) = (Vec::new(), Vec::new());
    // Timed: both decodes and the merge; not timed: dropping the lists,
    // which the console does off the clock too (`drop_later`).
    results.extend(measure_timed(
        mode,
        case,
        Some(Duration::from_millis(25)),
        || {
            let start = Instant::now();
            go.send(()).expect("the poller thread");
            let a = decode_after(black_box(&b1), "am1", last1.as_ref());
            let b = decoded.recv().expect("the poller thread");
            let lists = [Arc::new(a), Arc::new(b)];
            let decoded_at = start.elapsed();
            let merged = compute(job(&lists, &Filter::default()));
            let took = start.elapsed();
            decodes.push(decoded_at);
            merges.push(took - decoded_at);
            drop(black_box((merged, lists)));
            took
        },
    ));
    for (what, times) in [("both decodes", decodes), ("merge + rows", merges)] {
        // The first run was the warm-up.
        let times = times.into_iter().skip(1).collect();
        let case = format!("  of which {what} ({n}×2, {which})");
        results.extend(measure_list(mode, case, None, times));
    }
    drop(go);
    poller.join().expect("the poller thread");
    results
}

/// A large Markdown runbook in the prometheus-operator shape: `sections`
/// H2/H3 sections, each with prose, a `console` step with expected output,
/// a `sh` step with a kubectl Go template, and a `promql` step.
fn runbook_md(sections: usize) -> String {
    let mut s = String::from("---\ntitle: Big\nalerts: [KubePodCrashLooping]\nweight: 10\n---\n# A large runbook\n\n## Meaning\n\nA pod restarts over and over.\n\n");
    for i in 0..sections {
        let role = if i % 2 == 0 {
            "Diagnosis"
        } else {
            "Mitigation"
        };
        s.push_str(&format!(
            "## {role}\n\n### Check {i}\n\nLook at the pod's state, its restarts and the node it runs on; \
             a climbing RESTARTS column with READY 0/1 is a crash loop (case {i}).\n\n\
             ```console {{name=status-{i}}}\n$ kubectl -n \"$NAMESPACE\" get pod \"$POD\" -o wide\n\
             NAME   READY   STATUS    RESTARTS   AGE\napi-{i}   0/1     Running   3          2d\n```\n\n\
             Then the last state of each container:\n\n\
             ```sh {{name=last-{i} timeout=30s}}\nkubectl -n \"$NAMESPACE\" get pod \"$POD\" \\\n  \
             -o jsonpath='{{range .status.containerStatuses[*]}}{{.name}}{{\": \"}}{{.lastState.terminated.reason}}{{\"\\n\"}}{{end}}'\n```\n\n\
             The error rate of the service:\n\n\
             ```promql\nsum(rate(http_requests_total{{namespace=\"$NAMESPACE\",code=~\"5..\"}}[5m]))\n```\n\n"
        ));
    }
    s
}

/// A merge of an HA pair's lists (named am1, am2), grouped by alertname.
fn job(lists: &[Arc<Vec<Alert>>], filter: &Filter) -> MergeJob {
    MergeJob {
        sources: lists
            .iter()
            .zip(["am1", "am2"])
            .map(|(a, name)| (name.to_string(), SourceKind::Alertmanager, a.clone()))
            .collect(),
        unknown: Vec::new(),
        view: ViewInputs {
            filter: filter.clone(),
            group_by: "alertname".into(),
            show_silenced: true,
            show_inhibited: true,
            collapsed: HashSet::new(),
            ..ViewInputs::default()
        },
        rows: true,
        activity: None,
        silent: vec![],
    }
}

fn spec(name: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind: SourceKind::Alertmanager,
        url: format!("http://{name}.example:9093"),
        cluster: Some("eu".into()),
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

// ---- the console's message loop, as ui::event_loop runs it ----

#[derive(Clone, Copy)]
struct Landing {
    /// The longest single `update()` call, the sum of them, and the merge.
    longest: Duration,
    ui: Duration,
    worker: Duration,
}

/// Feeds a poll to `update()` and carries out the merge it asks for (on
/// this thread, timed apart from the UI task's messages).
fn land(state: &mut State, msg: Msg) -> Landing {
    let mut l = Landing {
        longest: Duration::ZERO,
        ui: Duration::ZERO,
        worker: Duration::ZERO,
    };
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        let start = Instant::now();
        let effects = update(state, msg);
        let took = start.elapsed();
        l.longest = l.longest.max(took);
        l.ui += took;
        for e in effects {
            match e {
                Effect::MergeSoon => queue.push(Msg::MergeNow),
                Effect::Merge(job) => {
                    let start = Instant::now();
                    let merged = compute(*job);
                    l.worker += start.elapsed();
                    queue.push(Msg::Merged(Ok(Box::new(merged))));
                }
                _ => {}
            }
        }
    }
    l
}

// ---- timing ----

struct Mode {
    quick: bool,
    /// Only cases whose name contains this (the first free argument).
    only: Option<String>,
}

impl Mode {
    fn from_env() -> Mode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        // `cargo bench` passes `--bench`; `cargo test --benches` does not.
        let quick = std::env::var("ONCALL_BENCH_QUICK").is_ok_and(|v| v == "1")
            || args.iter().any(|a| a == "--quick")
            || !args.iter().any(|a| a == "--bench");
        let only = args.into_iter().find(|a| !a.starts_with("--"));
        Mode { quick, only }
    }

    fn size(&self, n: usize) -> usize {
        if self.quick {
            (n / 100).max(10)
        } else {
            n
        }
    }
}

struct Measured {
    case: String,
    runs: usize,
    median: Duration,
    min: Duration,
    budget: Option<Duration>,
}

/// One warm-up run, then enough runs to fill about `TARGET` (5 to 51 of
/// them); quick mode runs once after the warm-up.
fn measure<R>(
    mode: &Mode,
    case: String,
    budget: Option<Duration>,
    mut run: impl FnMut() -> R,
) -> Option<Measured> {
    measure_timed(mode, case, budget, || {
        let start = Instant::now();
        let out = run();
        let took = start.elapsed();
        drop(black_box(out));
        took
    })
}

/// `measure` for a run that times itself (to leave its setup off the clock).
fn measure_timed(
    mode: &Mode,
    case: String,
    budget: Option<Duration>,
    mut once: impl FnMut() -> Duration,
) -> Option<Measured> {
    const TARGET: Duration = Duration::from_secs(2);
    if mode
        .only
        .as_ref()
        .is_some_and(|o| !case.contains(o.as_str()))
    {
        return None;
    }
    let first = once();
    let runs = if mode.quick {
        1
    } else {
        (TARGET.as_nanos() / first.as_nanos().max(1)).clamp(5, 51) as usize
    };
    let (faults, cpu, stat) = (minor_faults(), process_cpu(), cpu_stat());
    let times: Vec<Duration> = (0..runs).map(|_| once()).collect();
    // Pages taken fresh from the kernel: what the allocator did not reuse.
    let per_run = (minor_faults() - faults) / runs as u64;
    // CPU time of all threads, and the share of the guest's time its host
    // took for others ("steal"): the wall clock swings with the second.
    let cpu = (process_cpu() - cpu) / runs as u32;
    let steal = stolen_share(&stat, &cpu_stat());
    eprintln!(
        "  ({per_run} page faults, {} of CPU a run; {:.0} % of the guest's time stolen)",
        ms(cpu),
        steal * 100.0
    );
    measure_list(mode, case, budget, times)
}

/// Minor page faults of this process so far.
fn minor_faults() -> u64 {
    // SAFETY: getrusage writes only into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    u.ru_minflt as u64
}

/// CPU time of all this process's threads so far.
fn process_cpu() -> Duration {
    // SAFETY: clock_gettime writes only into the struct it is given.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The machine's CPU time counters (`/proc/stat`'s first line: user, nice,
/// system, idle, iowait, irq, softirq, steal, ...), empty off Linux.
fn cpu_stat() -> Vec<u64> {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let first = stat.lines().next().unwrap_or("");
    first
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Of the time between two `cpu_stat`s, the share stolen (the 8th counter).
fn stolen_share(before: &[u64], after: &[u64]) -> f64 {
    let delta = |i: usize| {
        after
            .get(i)
            .zip(before.get(i))
            .map_or(0, |(a, b)| a.saturating_sub(*b))
    };
    let total: u64 = (0..after.len().min(8)).map(delta).sum();
    delta(7) as f64 / total.max(1) as f64
}

/// Median and minimum of times taken elsewhere (none: the case was not run).
fn measure_list(
    mode: &Mode,
    case: String,
    budget: Option<Duration>,
    mut times: Vec<Duration>,
) -> Option<Measured> {
    if times.is_empty()
        || mode
            .only
            .as_ref()
            .is_some_and(|o| !case.contains(o.as_str()))
    {
        return None;
    }
    if std::env::var_os("ONCALL_BENCH_RUNS").is_some() {
        // Each run in the order run: a pattern (every other run slow, a
        // slow start) says more than the median.
        let each: Vec<String> = times
            .iter()
            .map(|t| format!("{:.1}", t.as_secs_f64() * 1e3))
            .collect();
        eprintln!("  runs (ms): {}", each.join(" "));
    }
    times.sort();
    let m = Measured {
        case,
        runs: times.len(),
        median: times[times.len() / 2],
        min: times[0],
        budget,
    };
    eprintln!("  {:<44} {:>10}", m.case, ms(m.median));
    Some(m)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    // As the console and the wall do (the processes that poll): the
    // allocator keeps freed memory for the next decode instead of giving it
    // back (`oncall::allocator`). One-shot commands keep glibc's defaults.
    oncall::allocator::keep_freed_memory();
    let mode = Mode::from_env();
    let mut results = Vec::new();
    eprintln!(
        "oncall pipeline bench ({})",
        if mode.quick {
            "quick: tiny sizes, not judged"
        } else {
            "full"
        }
    );

    // 1. Decode one Alertmanager's answer into the model.
    for n in [1_000, 10_000, 50_000].map(|n| mode.size(n)) {
        let bytes = body(n, 0);
        let case = format!("decode {n} alerts ({:.1} MB)", bytes.len() as f64 / 1e6);
        results.extend(measure(&mode, case, None, || {
            decode_alerts(black_box(&bytes), "am1")
        }));
        // The floor: serde_json only scanning the body, building nothing.
        let case = format!("scan only (serde_json, IgnoredAny) {n} alerts");
        results.extend(measure(&mode, case, None, || {
            serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)).expect("valid JSON")
        }));
        // A poller's next poll: one alert in six moved, the rest unchanged.
        let next = body_at(n, 0, 1);
        let last = last_poll(bytes, "am1");
        let case = format!("decode {n} alerts, next poll (1 in 6 moved)");
        results.extend(measure(&mode, case, None, || {
            decode_after(black_box(&next), "am1", Some(&last))
        }));
    }

    // 2. HA dedup + group + sort + filter of an already-decoded HA pair.
    let filter = Filter::parse(r#"severity=~"crit.*|warn.*""#).expect("the bench filter parses");
    for n in [10_000, 50_000].map(|n| mode.size(n)) {
        let a = decode_alerts(&body(n, 0), "am1");
        let b = decode_alerts(&body(n, 1), "am2");
        let case = format!("dedup+group+sort+filter {n}×2 (HA pair)");
        let lists = [Arc::new(a), Arc::new(b)];
        results.extend(measure(&mode, case, None, || compute(job(&lists, &filter))));
    }

    // 3. The §6 budget: decode + dedup + group + sort, 10k alerts from an
    // HA pair, at a poller's first poll and at its next.
    let n = mode.size(10_000);
    for poll in [0, 1] {
        results.extend(ha_pair_poll(&mode, n, poll));
    }
    let (b1, b2) = (body(n, 0), body(n, 1));

    // 4. One frame of the alerts pane with those alerts, at 200x50, built
    // the way the console builds its state.
    let specs = [spec("am1"), spec("am2")];
    let mut state = State::new(&specs, now(), Duration::from_secs(10));
    for (source, bytes) in [&b1, &b2].into_iter().enumerate() {
        let alerts = decode_alerts(bytes, &specs[source].name);
        let snap = Snapshot {
            alerts: alerts.into(),
            ..Snapshot::default()
        };
        update(
            &mut state,
            Msg::Polled {
                source,
                at: now(),
                result: Ok(snap),
            },
        );
    }
    update(
        &mut state,
        Msg::Resized {
            list_rows: views::list_rows(Rect::new(0, 0, 200, 50)),
        },
    );
    let (theme, _) = load_theme(Some("dark"), None, false);
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
    let case = format!("draw alerts pane, {} alerts, 200x50", state.alerts.len());
    results.extend(measure(&mode, case, Some(Duration::from_millis(2)), || {
        term.draw(|f| views::draw(f, &state, &theme, &keymap))
            .expect("drawing into TestBackend")
            .area
    }));

    // 5. The console's UI task at 50,000 alerts from an HA pair: what a
    // poll landing costs it, and a key press (update + a frame). A landing
    // is three messages for the UI task (the poll, the merge's send-off,
    // the merge's answer) with the merge itself on a worker thread between
    // them, as `ui::event_loop` runs it; a key waits for at most one message.
    let n = mode.size(50_000);
    let (b1, b2) = (body(n, 0), body(n, 1));
    let mut big = State::new(&specs, now(), Duration::from_secs(10));
    big.merge.background_from = mode.size(BACKGROUND_FROM);
    // As in the console once its journal is read: the observer runs at every merge.
    big.journal_loaded = true;
    let snaps: Vec<Vec<Alert>> = [&b1, &b2]
        .iter()
        .zip(["am1", "am2"])
        .map(|(b, name)| decode_alerts(b, name))
        .collect();
    let polled = |source: usize| Msg::Polled {
        source,
        at: now(),
        result: Ok(Snapshot {
            alerts: snaps[source].clone().into(),
            ..Snapshot::default()
        }),
    };
    land(&mut big, polled(0));
    land(&mut big, polled(1));
    assert_eq!(big.alerts.len(), n, "the HA pair's alerts merged");
    let mut next = 0;
    let mut landings = Vec::new();
    let case =
        format!("console: a poll of {n} alerts lands ({n}×2 HA pair), longest UI-task message");
    results.extend(measure_timed(
        &mode,
        case,
        Some(Duration::from_millis(50)),
        || {
            next = 1 - next;
            // The snapshot is cloned outside the clock: it arrives built.
            let l = land(&mut big, polled(next));
            landings.push(l);
            l.longest
        },
    ));
    for (what, pick) in [
        (
            "all UI-task messages",
            (|l: &Landing| l.ui) as fn(&Landing) -> Duration,
        ),
        ("the merge on a worker thread", |l: &Landing| l.worker),
    ] {
        // The first landing was the warm-up.
        let times: Vec<Duration> = landings.iter().skip(1).map(pick).collect();
        let case = format!("console: a poll of {n} alerts lands, {what}");
        results.extend(measure_list(&mode, case, None, times));
    }
    let case = format!("console: key press at {n}×2 alerts (update + frame)");
    results.extend(measure(
        &mode,
        case,
        Some(Duration::from_millis(50)),
        || {
            update(&mut big, Msg::Action(Action::Down));
            term.draw(|f| views::draw(f, &big, &theme, &keymap))
                .expect("drawing into TestBackend")
                .area
        },
    ));

    // 6. A large Markdown runbook (no budget: loaded once at start).
    let sections = mode.size(2_000);
    let md = runbook_md(sections);
    let path = std::path::Path::new("big.md");
    let case = format!(
        "parse Markdown runbook, {} steps ({:.1} MB)",
        sections * 3,
        md.len() as f64 / 1e6
    );
    results.extend(measure(&mode, case, None, || {
        let rb = parse_markdown(path, black_box(&md)).expect("the generated runbook parses");
        assert_eq!(rb.steps.len(), sections * 3);
        rb
    }));

    println!();
    println!("| case | runs | median | min | budget | verdict |");
    println!("|---|---:|---:|---:|---:|---|");
    for m in &results {
        let budget = m.budget.map_or("—".to_string(), |b| {
            format!("≤ {}", ms(b).replace(".00", ""))
        });
        let verdict = match m.budget {
            None => "—",
            Some(_) if mode.quick => "not judged (quick)",
            Some(b) if m.median <= b => "ok",
            Some(_) => "OVER",
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            m.case,
            m.runs,
            ms(m.median),
            ms(m.min),
            budget,
            verdict
        );
    }
}
