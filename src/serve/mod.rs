//! `oncall serve`: the engine with no terminal. It polls, merges,
//! escalates, pages and observes linked incidents exactly as a console
//! would, holds the state dir's engine lease (consoles then leave paging to
//! it), logs to stderr, and answers `/healthz` and `/metrics` (`http.rs`,
//! `metrics.rs`). SIGTERM/SIGINT end it cleanly; SIGHUP reloads the config.

mod http;
mod metrics;

use crate::store::paging_store::PagingStore;
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, oneshot};

use crate::cli::{GlobalArgs, LogFormat, ServeArgs};
use crate::config::Settings;
use crate::core::Msg;
use crate::engine::{Engine, Paging};

/// What the HTTP side asks the loop, which alone holds the engine.
pub enum Ask {
    /// What is wrong now (nothing: healthy), and the state dir to probe.
    Health(oneshot::Sender<(Vec<String>, Option<std::path::PathBuf>, PagingStore)>),
    Metrics(oneshot::Sender<String>),
}

/// How often serve's clock ticks when nothing falls due sooner. A tick
/// walks the escalation groups (worked out once per merge), not every
/// alert; the loop also wakes by itself for what falls due sooner.
const TICK: Duration = Duration::from_secs(1);

pub async fn run(global: &GlobalArgs, settings: Settings, args: &ServeArgs) -> ExitCode {
    if let Err(e) = init_logging(args.log_format) {
        eprintln!("oncall: cannot set up logging: {e}");
        return ExitCode::from(1);
    }
    let (asks_tx, mut asks) = mpsc::channel::<Ask>(16);
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(listen = %args.listen, error = %e, "cannot listen");
            eprintln!("oncall: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    tokio::spawn(http::serve(listener, asks_tx));
    let (mut term, mut int, mut hup) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(t), Ok(i), Ok(h)) => (t, i, h),
        _ => {
            eprintln!("oncall: cannot watch for signals");
            return ExitCode::from(1);
        }
    };
    // A notifier that cannot page would be found out only when a level
    // falls due: refused now, as `oncall check` refuses it.
    let unreadable = crate::notify::unreadable(&settings.notifiers);
    if !unreadable.is_empty() {
        for u in &unreadable {
            tracing::error!(problem = %u, "cannot start");
            eprintln!("oncall: {u}");
        }
        return ExitCode::from(1);
    }
    // The team store: a URL that cannot be read, or a database whose schema
    // is newer than this binary, is refused now; one that does not answer
    // yet is said, and paging goes on (a duplicate page beats a missed one).
    match PagingStore::open(&settings.store, settings.state_dir.as_ref()) {
        Err(e) => {
            tracing::error!(problem = %e, "cannot start");
            eprintln!("oncall: store: {e}");
            return ExitCode::from(1);
        }
        Ok(store) => match store.prepare().await {
            Ok(()) => tracing::info!(store = %store.describe(), "store ready"),
            Err(e) if e.contains(crate::store::postgres::migrate::NEWER) => {
                tracing::error!(problem = %e, "cannot start");
                eprintln!("oncall: {e}");
                return ExitCode::from(1);
            }
            Err(e) => tracing::error!(error = %e, "the store does not answer; paging anyway"),
        },
    }
    let me = holder_name();
    let mut engine = start(settings, &me);
    // No screen: the clock is needed for what falls due, and the loop wakes
    // for that by itself (below); the tick is the backstop.
    let mut tick = tokio::time::interval(TICK);
    let mut give_back = GiveBack::default();
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        // A level falls due between ticks: woken for it, so it pages then
        // (a few ms late), not up to a tick later.
        let s = &engine.state;
        // Retries are this engine's only while it pages (another's failures
        // shown here are not woken for).
        let mine = s.paging_held_by.is_none();
        let until_due = [s.next_due]
            .into_iter()
            .flatten()
            .chain(s.failed_pages.values().filter(|_| mine).map(|f| f.next))
            .chain(
                s.claimed_elsewhere
                    .values()
                    .filter(|_| mine)
                    .map(|(_, next)| *next),
            )
            .min()
            // Already past (a message was handled as it fell due, and no
            // tick since): now. The tick it wakes moves these on.
            .map(|d| (d - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            .filter(|d| *d < TICK)
            .map(|d| d + Duration::from_millis(5));
        tokio::select! {
            m = engine.recv() => {
                if let Some(m) = m {
                    handle(&mut engine, m);
                }
            }
            _ = tick.tick() => {
                handle(&mut engine, Msg::Tick(Utc::now()));
                give_back.tick(engine.state.alerts_gen);
            }
            _ = tokio::time::sleep(until_due.unwrap_or(Duration::from_secs(3600))), if until_due.is_some() => {
                handle(&mut engine, Msg::Tick(Utc::now()));
            }
            Some(ask) = asks.recv() => answer(&engine, ask),
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => match crate::config::from_args(global).and_then(|new| {
                match crate::notify::unreadable(&new.notifiers).first() {
                    Some(problem) => Err(problem.clone()),
                    None => Ok(new),
                }
            }) {
                Ok(new) => {
                    tracing::info!(sources = new.sources.len(), "config reloaded");
                    engine.shutdown().await;
                    engine = start(new, &me);
                }
                Err(e) => tracing::error!(error = %e, "config not reloaded, the old one stays in force"),
            },
        }
    }
    tracing::info!("stopping: pages on their way may finish (10s at most)");
    engine.shutdown().await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

fn start(mut settings: Settings, me: &str) -> Engine {
    // The engine's pages and claims are signed by it, not by a person.
    settings.author = me.to_string();
    let state_dir = settings
        .state_dir
        .as_ref()
        .map_or("none".to_string(), |d| d.display().to_string());
    tracing::info!(
        sources = settings.sources.len(),
        policies = settings.policies.len(),
        state_dir = %state_dir,
        holder = %me,
        "engine running"
    );
    let refresh = settings.refresh;
    let mut engine = Engine::start_as(settings, vec![], Paging::Engine(me.to_string()));
    // No screen to keep up to date: with many alerts, one merge per refresh
    // takes every source's poll (ten Alertmanagers' polls land apart).
    engine.state.merge.min_gap = refresh;
    engine.state.merge.rows = false;
    engine
}

/// Gives freed memory back to the system once after each merge, on the tick
/// after it (the replaced list is freed on a thread of its own meanwhile).
/// Why: with no screen, a poll's memory is not needed again for a refresh,
/// and kept it made RSS the peak of the polls rather than what is live
/// (docs/performance.md); a trim is a few milliseconds each refresh.
#[derive(Default)]
struct GiveBack {
    merged: u64,
    trimmed: u64,
}

impl GiveBack {
    fn tick(&mut self, alerts_gen: u64) {
        if alerts_gen != self.merged {
            // Merged since the last tick: trim on the next one.
            self.merged = alerts_gen;
        } else if self.trimmed != self.merged {
            self.trimmed = self.merged;
            crate::allocator::give_back();
        }
    }
}

/// One message through the engine, with what is worth a log line.
fn handle(engine: &mut Engine, msg: Msg) {
    if let Msg::Polled {
        source,
        result: Err(e),
        ..
    } = &msg
    {
        let name = engine.state.sources.get(*source).map(|s| s.name.as_str());
        tracing::warn!(source = name.unwrap_or("?"), error = %crate::sanitize::line(&e.to_string()), "poll failed");
    }
    let before = engine.state.journal_error.clone();
    // No terminal here: the clipboard, the bell and quit do not apply.
    let _ = engine.handle(msg);
    if engine.state.journal_error != before {
        match &engine.state.journal_error {
            Some(e) => tracing::error!(error = %e, "the state dir cannot be written"),
            None => tracing::info!("the state dir is written again"),
        }
    }
}

fn answer(engine: &Engine, ask: Ask) {
    match ask {
        Ask::Health(reply) => {
            let dir = engine.settings().state_dir.clone();
            let _ = reply.send((metrics::health(engine), dir, engine.store().clone()));
        }
        Ask::Metrics(reply) => {
            let _ = reply.send(metrics::render(engine));
        }
    }
}

/// `oncall serve on HOST (pid N)`: who holds the lease and signs pages.
fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    // When it started too: two containers may share a hostname and a pid.
    let started = chrono::Utc::now().format("%H:%M:%S%.3f");
    format!(
        "oncall serve on {host} (pid {}, started {started})",
        std::process::id()
    )
}

/// Log lines to stderr, as text or JSON, at the levels `RUST_LOG` asks
/// (default: info).
fn init_logging(format: LogFormat) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(false);
    match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    }
    .map_err(|e| e.to_string())
}
