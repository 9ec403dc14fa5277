//! The runtime: it starts the tasks (pollers, the demo source, the SLO
//! reader, the journal thread), turns what they report into `Msg`s for
//! `core::update`, and runs the `Effect`s `update` returns. It needs no
//! terminal: the console and the wall drive it from their loops and draw
//! its state; a headless caller does the same without drawing.
//!
//! The three effects that belong to a terminal (the clipboard, the bell,
//! quitting) are handed back to the caller as [`TerminalEffect`]s.

pub mod context_queries;
pub mod journal;
mod journal_outbox;
mod lease;
pub mod merge;
pub mod page_delivery;
pub mod priority;
pub mod slos;
mod sources;
pub mod stats;
pub mod steps;

pub use sources::msg_of;

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use crate::config::Settings;
use crate::core::incidents::{JournalOp, JournalReply};
use crate::core::{update, Effect, Msg, State, StatusLevel};
use crate::model::Silence;
use crate::runbook::exec::ExecHandle;
use crate::source::{alertmanager_writes, demo, demo_writes, SourceEvent, SourceKind};
use crate::store::paging_store::PagingStore;

/// What the engine hands back for a terminal to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalEffect {
    /// Put text on the clipboard of the user's terminal (OSC 52).
    Copy(String),
    /// Ring the terminal's bell (the `terminal` notifier).
    Bell,
    /// A quit confirmed in a question (a step was running).
    Quit,
}

/// Who pages for the state dir: a console pages unless an engine holds the
/// lease; `oncall serve` takes the lease and pages while it holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// A console: it pages while no engine holds a live lease.
    Console,
    /// A headless engine, named in the lease by this.
    Engine(String),
}

/// How long a shutdown waits for pages on their way.
const DELIVERY_GRACE: Duration = Duration::from_secs(10);

pub struct Engine {
    pub state: State,
    pub stats: stats::EngineStats,
    settings: Settings,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    events: mpsc::UnboundedReceiver<SourceEvent>,
    paging: Paging,
    /// Page claims and the engine lease: the state dir or PostgreSQL.
    store: PagingStore,
    lease: tokio::task::JoinHandle<()>,
    /// Page deliveries under way (waited for, bounded, at shutdown).
    deliveries: Vec<tokio::task::JoinHandle<()>>,
    refresh: watch::Sender<u64>,
    /// The demo's acks and silences, laid over its snapshots.
    demo_silences: watch::Sender<Vec<Silence>>,
    journal: std::sync::mpsc::Sender<JournalOp>,
    steps: HashMap<u64, ExecHandle>,
    queries: HashMap<u64, tokio::task::AbortHandle>,
}

impl Engine {
    /// The state from the settings, the runbooks and remembered peers
    /// loaded, and every task started. `notices` are said on the status
    /// line, all on one line so a second one never hides the first.
    /// Must be called inside a tokio runtime.
    pub fn start(settings: Settings, notices: Vec<String>) -> Engine {
        Engine::start_as(settings, notices, Paging::Console)
    }

    /// As `start`, paging as `paging` says.
    pub fn start_as(settings: Settings, notices: Vec<String>, paging: Paging) -> Engine {
        let now = Utc::now();
        let mut state = State::from_settings(&settings, now);
        let loaded = crate::runbook::load_all(&settings.runbook_dirs);
        state.rb.loaded = loaded.runbooks;
        state.rb.errors = loaded.errors.iter().map(|e| e.to_string()).collect();
        // What the one-shot commands learned of the HA pairs: a member that
        // is down at start still joins its cluster for writes.
        if let Some(dir) = &settings.state_dir {
            let known = crate::source::cluster::load_peer_cache(dir);
            for (src, spec) in state.sources.iter_mut().zip(&settings.sources) {
                src.peer = known.get(&crate::source::redact_url(&spec.url)).cloned();
            }
        }
        if let Some(sort) = settings
            .state_dir
            .as_deref()
            .and_then(crate::store::view_prefs::load_sort)
            .and_then(|s| crate::core::triage::SortMode::parse(&s))
        {
            state.triage.sort = sort;
        }
        // Startup warnings go to the message history with a badge: on the
        // status line they would hold it and hide who is on call.
        let mut notices = notices;
        notices.extend(
            state
                .rb
                .errors
                .iter()
                .map(|e| format!("runbook not loaded: {e} (oncall check lists every problem)")),
        );
        for n in notices {
            update(&mut state, Msg::Noted(StatusLevel::Warn, n));
        }
        let (tx, rx) = mpsc::unbounded_channel::<Msg>();
        let (refresh, refresh_rx) = watch::channel(0u64);
        let seed = if settings.demo {
            demo::snapshot(0, now, now).silences
        } else {
            Vec::new()
        };
        let (demo_silences, demo_rx) = watch::channel(seed);
        let (events_tx, events) = mpsc::unbounded_channel::<SourceEvent>();
        sources::start(&settings, &events_tx, &refresh_rx, &demo_rx, now);
        slos::start(&settings, &mut state, &events_tx, &refresh_rx);
        let journal = journal::spawn(&settings, tx.clone());
        let stats = stats::EngineStats::new(settings.sources.len());
        let store =
            PagingStore::open(&settings.store, settings.state_dir.as_ref()).unwrap_or_else(|e| {
                // `oncall serve` and `oncall check` refuse this; a console
                // says it and pages on its own.
                update(
                    &mut state,
                    Msg::Notice(
                        StatusLevel::Error,
                        format!("store: {e}; pages are not shared"),
                    ),
                );
                PagingStore::None
            });
        // A console knows at once whether an engine pages for its state dir.
        if let (Paging::Console, PagingStore::Files(dir)) = (&paging, &store) {
            let held = crate::store::engine_lease::read(dir)
                .filter(|l| l.live(now))
                .map(|l| l.holder);
            update(&mut state, Msg::PagingHeldBy(held));
        }
        let lease = lease::spawn(store.clone(), paging.clone(), state.read_only, tx.clone());
        Engine {
            state,
            stats,
            settings,
            tx,
            rx,
            events,
            paging,
            store,
            lease,
            deliveries: Vec::new(),
            refresh,
            demo_silences,
            journal,
            steps: HashMap::new(),
            queries: HashMap::new(),
        }
    }

    /// Where page claims and the lease live.
    pub fn store(&self) -> &PagingStore {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The next message from the tasks (None once they are all gone).
    pub async fn recv(&mut self) -> Option<Msg> {
        tokio::select! {
            m = self.rx.recv() => m,
            Some(ev) = self.events.recv() => Some(self.source_event(ev)),
        }
    }

    /// A message already queued, without waiting.
    pub fn try_recv(&mut self) -> Option<Msg> {
        if let Ok(m) = self.rx.try_recv() {
            return Some(m);
        }
        let ev = self.events.try_recv().ok()?;
        Some(self.source_event(ev))
    }

    fn source_event(&mut self, ev: SourceEvent) -> Msg {
        self.stats.source_event(&ev);
        msg_of(ev)
    }

    /// `update` the state with `msg` and run what it asks for; what only a
    /// terminal can do comes back.
    pub fn handle(&mut self, msg: Msg) -> Vec<TerminalEffect> {
        self.stats.message(&msg);
        log_paged(&msg);
        if let Msg::PagingHeldBy(held_by) = &msg {
            if *held_by != self.state.paging_held_by {
                match (&self.paging, held_by) {
                    (Paging::Engine(_), Some(other)) => {
                        tracing::warn!(holder = %other, "another engine holds the lease: not paging")
                    }
                    (Paging::Engine(_), None) => tracing::info!("holding the engine lease: paging"),
                    _ => {}
                }
            }
        }
        let effects = update(&mut self.state, msg);
        self.run(effects)
    }

    /// Runs effects; returns those for the terminal.
    pub fn run(&mut self, effects: Vec<Effect>) -> Vec<TerminalEffect> {
        let mut out = Vec::new();
        for effect in effects {
            if let Some(t) = self.run_one(effect) {
                out.push(t);
            }
        }
        if self.state.rb.running.is_none() {
            self.steps.clear();
            self.queries.clear();
        }
        out
    }

    fn run_one(&mut self, effect: Effect) -> Option<TerminalEffect> {
        let tx = &self.tx;
        match effect {
            Effect::RefreshNow => self.refresh.send_modify(|n| *n += 1),
            Effect::MergeSoon => {
                let _ = tx.send(Msg::MergeNow);
            }
            Effect::Merge(job) => merge::spawn(*job, tx.clone()),
            Effect::RefreshSoon => {
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    let _ = tx.send(Msg::PollAgain);
                });
            }
            Effect::Write(req) if self.settings.demo => {
                let mut report = None;
                self.demo_silences.send_modify(|store| {
                    report = Some(demo_writes::apply(store, &req, Utc::now()))
                });
                if let Some(r) = report {
                    let _ = tx.send(Msg::Wrote(r));
                }
            }
            Effect::Write(req) => {
                let (tx, specs, timeout) = (
                    tx.clone(),
                    self.settings.sources.clone(),
                    self.settings.timeout,
                );
                tokio::spawn(async move {
                    let report = alertmanager_writes::execute(&specs, timeout, req).await;
                    let _ = tx.send(Msg::Wrote(report));
                });
            }
            Effect::Journal(op) => {
                if self.journal.send(op).is_err() {
                    let failed = Msg::Journal(JournalReply::Failed(
                        "the journal thread has stopped".into(),
                    ));
                    self.stats.message(&failed);
                    let more = update(&mut self.state, failed);
                    return self.run(more).into_iter().next();
                }
            }
            Effect::Step(m) => {
                let _ = tx.send(Msg::Step(m));
            }
            Effect::RunStep { run, mut request } => {
                request.session = request.session.and_then(|name| steps::session_file(&name));
                self.steps
                    .insert(run, steps::spawn(run, request, tx.clone()));
            }
            Effect::RunQuery {
                run,
                query,
                timeout,
            } => {
                let prometheus = self
                    .settings
                    .sources
                    .iter()
                    .find(|s| s.kind == SourceKind::Prometheus && !self.settings.demo)
                    .cloned();
                let q = steps::spawn_query(run, query, timeout, prometheus, tx.clone());
                self.queries.insert(run, q);
            }
            Effect::KillStep { run } => {
                if let Some(h) = self.steps.get(&run) {
                    h.kill();
                }
                if let Some(q) = self.queries.remove(&run) {
                    steps::stop_query(run, &q, tx);
                }
            }
            Effect::Page(page) => {
                self.deliveries.retain(|d| !d.is_finished());
                let delivery =
                    page_delivery::spawn(page, &self.settings, self.store.clone(), tx.clone());
                self.deliveries.push(delivery);
            }
            Effect::QueryContext(q) => context_queries::spawn(q, &self.settings, tx.clone()),
            Effect::RememberSort(name) => {
                if let Some(dir) = &self.settings.state_dir {
                    if let Err(e) = crate::store::view_prefs::save_sort(dir, name) {
                        crate::core::update(
                            &mut self.state,
                            Msg::Notice(StatusLevel::Warn, format!("sort not remembered: {e}")),
                        );
                    }
                }
            }
            Effect::Copy(text) => return Some(TerminalEffect::Copy(text)),
            Effect::Bell => return Some(TerminalEffect::Bell),
            Effect::Quit => return Some(TerminalEffect::Quit),
        }
        None
    }

    /// The end: a step still running is stopped, group and all, and its
    /// result recorded on the timeline (the postmortem then says it was
    /// stopped, not nothing), with a moment for the journal to have it on
    /// disk.
    pub async fn shutdown(mut self) {
        for h in self.steps.values() {
            h.kill_now(Duration::from_millis(500));
        }
        steps::end_sessions();
        // Pages on their way are let finish, for a while; what they report
        // is recorded (the timeline, the log) as it would be while running.
        let mut journaled = self.finish_deliveries().await;
        self.lease.abort();
        if let Paging::Engine(me) = &self.paging {
            self.store.release_lease(me).await;
        }
        if let Some((run, _)) = self.state.rb.running {
            let outcome = crate::runbook::exec::ExecOutcome {
                killed: true,
                error: Some("oncall quit while it ran".into()),
                ..Default::default()
            };
            let done = crate::core::runbook::StepMsg::Done {
                run,
                outcome,
                at: Utc::now(),
            };
            let effects = update(&mut self.state, Msg::Step(done));
            journaled |= self.journal_only(effects);
        }
        if journaled {
            // A moment for the journal to have the last events on disk.
            let rx = &mut self.rx;
            let written = async {
                while let Some(m) = rx.recv().await {
                    if matches!(
                        m,
                        Msg::Journal(JournalReply::Wrote | JournalReply::Failed(_))
                    ) {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), written).await;
        }
    }

    /// Waits (up to `DELIVERY_GRACE`) for the pages under way, taking in
    /// their outcomes; true when that wrote to the journal.
    async fn finish_deliveries(&mut self) -> bool {
        let deadline = std::time::Instant::now() + DELIVERY_GRACE;
        let mut journaled = false;
        loop {
            self.deliveries.retain(|d| !d.is_finished());
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let waiting = !self.deliveries.is_empty();
            if waiting && left.is_zero() {
                tracing::warn!(
                    pages = self.deliveries.len(),
                    "pages still being delivered at exit were cut short"
                );
            }
            // Once none is under way, only what is queued already is taken.
            let wait = if waiting {
                left.min(Duration::from_millis(200))
            } else {
                Duration::ZERO
            };
            let msg = match tokio::time::timeout(wait, self.rx.recv()).await {
                Ok(Some(m)) => Some(m),
                Ok(None) => break,
                Err(_) => None,
            };
            match msg {
                Some(m @ Msg::Paged { .. }) => {
                    log_paged(&m);
                    self.stats.message(&m);
                    let effects = update(&mut self.state, m);
                    journaled |= self.journal_only(effects);
                }
                Some(_) => {}
                None if !waiting || left.is_zero() => break,
                None => {}
            }
        }
        journaled
    }

    /// Sends the journal writes among `effects` (nothing else runs at the
    /// end); true when any was sent.
    fn journal_only(&mut self, effects: Vec<Effect>) -> bool {
        let mut sent = false;
        for effect in effects {
            if let Effect::Journal(op) = effect {
                sent |= self.journal.send(op).is_ok();
            }
        }
        sent
    }
}

/// A page's outcome, in the log (the console's file, serve's stderr).
pub fn log_paged(msg: &Msg) {
    let Msg::Paged {
        page,
        claimed,
        results,
    } = msg
    else {
        return;
    };
    let n = &page.note;
    let level = format!("L{} {} ({})", n.level, n.group, n.policy);
    let targets = n.targets.join(", ");
    for (notifier, r) in results {
        match r {
            Ok(attempt) => {
                tracing::info!(level = %level, to = %targets, notifier = %notifier, attempt, "paged")
            }
            Err(e) => {
                tracing::error!(level = %level, to = %targets, notifier = %notifier, error = %e, "page NOT delivered")
            }
        }
    }
    if !claimed {
        tracing::debug!(level = %level, "held by another console or engine");
    }
}
