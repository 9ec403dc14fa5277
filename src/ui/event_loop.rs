//! The console's event loop: `tokio::select!` over keys, source messages,
//! a clock tick and signals; redraw only after something changed.

use std::io::Write;
use std::time::Duration;

use chrono::Utc;
use ratatui::crossterm::event::Event;
use ratatui::layout::Rect;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, watch};

use super::input::{key_msg, spawn_input_reader};
use super::keymap::Keymap;
use super::theme::Theme;
use super::views;
use crate::app::Settings;
use crate::core::incidents::JournalReply;
use crate::core::{update, Effect, Msg, State, StatusLevel};
use crate::model::Silence;
use crate::source::{demo, demo_writes, spawn_poller, write, SourceKind};

pub async fn run(
    settings: Settings,
    theme: Theme,
    keymap: Keymap,
    notices: Vec<String>,
) -> anyhow::Result<()> {
    let mut state = State::new(&settings.sources, Utc::now(), settings.refresh);
    state.read_only = settings.read_only;
    // The demo's sources are ordinary Alertmanager/Prometheus specs with
    // demo:// URLs: the flag, not their kind, says it is the demo.
    state.demo |= settings.demo;
    state.author = settings.author.clone();
    state.ack_duration = settings.ack_duration;
    state.ack_prefix = settings.ack_prefix.clone();
    state.silence_duration = settings.silence_duration;
    state.require_comment = settings.require_comment;
    state.incident_settings = settings.incidents.clone();
    state.rb.settings = settings.stepper.clone();
    state.schedules = settings.schedules.clone();
    state.policies = settings.policies.clone();
    if let Some(labels) = &settings.related_labels {
        state.related_labels = labels.clone();
    }
    state.intervals = settings.intervals.clone();
    state.terminal_notifiers = settings
        .notifiers
        .iter()
        .filter(|n| n.kind == crate::notify::NotifierKind::Terminal)
        .map(|n| n.name.clone())
        .collect();
    let loaded = crate::runbook::load_all(&settings.runbook_dirs);
    state.rb.loaded = loaded.runbooks;
    state.rb.errors = loaded.errors.iter().map(|e| e.to_string()).collect();
    if settings.demo {
        state.refresh = demo::DEMO_REFRESH;
        state.stale_after = demo::DEMO_REFRESH * 5;
    } else {
        state.stale_after = settings.stale_after;
    }
    // What the one-shot commands learned of the HA pairs: a member that is
    // down at start still joins its cluster for writes.
    if let Some(dir) = &settings.state_dir {
        let known = crate::source::cluster::load_peer_cache(dir);
        for (src, spec) in state.sources.iter_mut().zip(&settings.sources) {
            src.peer = known.get(&crate::source::redact_url(&spec.url)).cloned();
        }
    }
    if let Some(g) = &settings.group_by {
        state.group_by = g.clone();
    }
    if settings.wall_mode {
        crate::core::wall::enter(&mut state, &settings.wall);
    }
    let mut notices = notices;
    if let Some(first) = state.rb.errors.first() {
        let more = state.rb.errors.len() - 1;
        let more = if more > 0 {
            format!(" (+{more} more; oncall check lists them)")
        } else {
            String::new()
        };
        notices.push(format!("runbook not loaded: {first}{more}"));
    }
    // One line holds them all, so a second warning never hides the first.
    if !notices.is_empty() {
        update(
            &mut state,
            Msg::Notice(StatusLevel::Warn, notices.join(" · ")),
        );
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    // The demo's acks and silences live here, laid over its snapshots.
    let started = Utc::now();
    let seed = if settings.demo {
        demo::snapshot(0, started, started).silences
    } else {
        Vec::new()
    };
    let (demo_tx, demo_rx) = watch::channel(seed);
    start_sources(&settings, &tx, &refresh_rx, &demo_rx, started);
    super::slo_task::start(&settings, &mut state, &tx, &refresh_rx);
    let journal = super::journal_task::spawn(&settings, tx.clone());
    let mut keys = spawn_input_reader();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut terminal = ratatui::try_init()?;
    // Restores the terminal on every way out of this function, errors included.
    let _restore = RestoreOnDrop;
    contain_task_panics();
    let size = terminal.size()?;
    let first = resized(&state, size.width, size.height);
    update(&mut state, first);
    let mut dirty = true;
    // What time shows on the wall at the last frame: a tick that leaves it
    // alone draws nothing (an idle board wakes, but does not redraw).
    let mut drawn = None;
    let mut steps = std::collections::HashMap::new();
    let mut queries = std::collections::HashMap::new();
    // When the last messages were taken, to log a loop turn slow enough to
    // keep a key waiting (the budget is 50 ms from key to screen).
    let mut turn: Option<(std::time::Instant, Duration, &str)> = None;
    let result: anyhow::Result<()> = loop {
        if dirty {
            let drawing = std::time::Instant::now();
            match terminal.draw(|f| views::draw(f, &state, &theme, &keymap)) {
                Ok(frame) => {
                    let limit = views::scroll_limit(&state, &theme, &keymap, frame.area);
                    if limit != state.scroll_max {
                        update(&mut state, Msg::ScrollLimit(limit));
                    }
                }
                Err(e) => break Err(e.into()),
            }
            dirty = false;
            drawn = wall_frame(&state);
            if let Some((start, updating, first)) = turn.take() {
                super::turn_log::slow_turn(start.elapsed(), updating, drawing.elapsed(), first);
            }
        }
        let msg = tokio::select! {
            ev = keys.recv() => match ev {
                Some(Event::Key(k)) => key_msg(&state, &keymap, k),
                Some(Event::Resize(w, h)) => Some(resized(&state, w, h)),
                Some(_) => None,
                None => break Ok(()),
            },
            m = rx.recv() => m,
            _ = tick.tick() => Some(Msg::Tick(Utc::now())),
            _ = sigterm.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
        };
        let Some(msg) = msg else { continue };
        let start = std::time::Instant::now();
        let first = super::turn_log::kind(&msg);
        let mut quit = false;
        let mut only_tick = matches!(msg, Msg::Tick(_));
        let mut effects = update(&mut state, msg);
        // Take what else is queued before drawing once, but not forever: a
        // flood of messages must not keep keys and the screen waiting.
        for _ in 0..256 {
            let Ok(m) = rx.try_recv() else { break };
            only_tick = false;
            effects.extend(update(&mut state, m));
        }
        dirty = !only_tick || drawn.is_none() || wall_frame(&state) != drawn;
        // Timed to the frame it ends in; a turn that draws nothing is not logged.
        turn = dirty.then(|| (start, start.elapsed(), first));
        for effect in effects {
            match effect {
                Effect::RefreshNow => refresh_tx.send_modify(|n| *n += 1),
                Effect::MergeSoon => {
                    let _ = tx.send(Msg::MergeNow);
                }
                Effect::Merge(job) => super::merge_task::spawn(*job, tx.clone()),
                Effect::RefreshSoon => {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(1500)).await;
                        let _ = tx.send(Msg::PollAgain);
                    });
                }
                Effect::Copy(text) => copy_osc52(&text),
                Effect::Write(req) if settings.demo => {
                    let mut report = None;
                    demo_tx.send_modify(|store| {
                        report = Some(demo_writes::apply(store, &req, Utc::now()))
                    });
                    if let Some(r) = report {
                        let _ = tx.send(Msg::Wrote(r));
                    }
                }
                Effect::Write(req) => {
                    let (tx, specs, timeout) =
                        (tx.clone(), settings.sources.clone(), settings.timeout);
                    tokio::spawn(async move {
                        let report = write::execute(&specs, timeout, req).await;
                        let _ = tx.send(Msg::Wrote(report));
                    });
                }
                Effect::Journal(op) => {
                    if journal.send(op).is_err() {
                        update(
                            &mut state,
                            Msg::Journal(JournalReply::Failed(
                                "the journal thread has stopped".into(),
                            )),
                        );
                    }
                }
                Effect::Step(m) => {
                    let _ = tx.send(Msg::Step(m));
                }
                Effect::RunStep { run, request } => {
                    steps.insert(run, super::step_task::spawn(run, request, tx.clone()));
                }
                Effect::RunQuery {
                    run,
                    query,
                    timeout,
                } => {
                    let prometheus = settings
                        .sources
                        .iter()
                        .find(|s| s.kind == SourceKind::Prometheus && !settings.demo)
                        .cloned();
                    let q =
                        super::step_task::spawn_query(run, query, timeout, prometheus, tx.clone());
                    queries.insert(run, q);
                }
                Effect::KillStep { run } => {
                    if let Some(h) = steps.get(&run) {
                        h.kill();
                    }
                    if let Some(q) = queries.remove(&run) {
                        super::step_task::stop_query(run, &q, &tx);
                    }
                }
                Effect::Page(page) => {
                    super::page_task::spawn(page, &settings, tx.clone());
                }
                Effect::QueryContext(q) => super::context_task::spawn(q, &settings, tx.clone()),
                Effect::Bell => {
                    let mut out = std::io::stdout();
                    let _ = out.write_all(b"\x07");
                    let _ = out.flush();
                }
                // A quit confirmed in a question (a step was running).
                Effect::Quit => quit = true,
            }
        }
        if state.rb.running.is_none() {
            steps.clear();
            queries.clear();
        }
        if state.quit || quit {
            break Ok(());
        }
    };
    // A step still running when the console ends is stopped, group and
    // all, before the runtime (and the executor's own escalation) goes.
    for h in steps.values() {
        h.kill_now(Duration::from_millis(500));
    }
    record_interrupted(&mut state, &journal, &mut rx).await;
    result
}

/// The step that was running when the console ended gets its result on
/// the timeline (the postmortem then says it was stopped, not nothing),
/// with a moment for the journal to have it on disk.
async fn record_interrupted(
    state: &mut State,
    journal: &std::sync::mpsc::Sender<crate::core::incidents::JournalOp>,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
) {
    let Some((run, _)) = state.rb.running else {
        return;
    };
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
    let mut sent = false;
    for effect in update(state, Msg::Step(done)) {
        if let Effect::Journal(op) = effect {
            sent |= journal.send(op).is_ok();
        }
    }
    if sent {
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

/// ratatui's hook restores the terminal on any panic. A panic in a
/// background task (a poller) must not do that while the console goes on
/// drawing: it is logged, its source turns stale, and the screen stays sane.
/// A panic on the UI thread still restores the terminal and ends the program.
fn contain_task_panics() {
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            restore_and_report(info);
        } else {
            tracing::error!(
                "background task panicked: {}",
                crate::sanitize::line(&info.to_string())
            );
        }
    }));
}

struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

fn start_sources(
    settings: &Settings,
    tx: &mpsc::UnboundedSender<Msg>,
    refresh_rx: &watch::Receiver<u64>,
    demo_silences: &watch::Receiver<Vec<Silence>>,
    started: chrono::DateTime<Utc>,
) {
    for (i, spec) in settings.sources.iter().enumerate() {
        if spec.kind == SourceKind::Demo || settings.demo {
            let (tx, mut refresh, silences) =
                (tx.clone(), refresh_rx.clone(), demo_silences.clone());
            let am = spec.kind == SourceKind::Alertmanager;
            let name = spec.name.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(demo::DEMO_REFRESH);
                loop {
                    tokio::select! {
                        _ = every.tick() => {}
                        _ = refresh.changed() => {}
                    }
                    let now = Utc::now();
                    let mut snap = demo::snapshot(i, started, now);
                    if am {
                        demo_writes::overlay(&mut snap, &silences.borrow(), &name, now);
                    }
                    if tx
                        .send(Msg::Polled {
                            source: i,
                            at: now,
                            result: Ok(snap),
                        })
                        .is_err()
                    {
                        break;
                    }
                }
            });
        } else {
            spawn_poller(
                spec.clone(),
                i,
                settings.refresh,
                settings.timeout,
                tx.clone(),
                refresh_rx.clone(),
            );
        }
    }
}

/// What the clock shows on the wall board (`None` in the console, which
/// redraws on every tick).
fn wall_frame(state: &State) -> Option<crate::core::wall::FrameKey> {
    state
        .wall
        .as_ref()
        .map(|_| crate::core::wall::frame_key(state))
}

/// The list's (or, on the wall, a page's) rows at this terminal size.
fn resized(state: &State, w: u16, h: u16) -> Msg {
    let area = Rect::new(0, 0, w, h);
    let list_rows = if state.wall.is_some() {
        views::wall::page_rows(area)
    } else {
        views::list_rows(area)
    };
    Msg::Resized { list_rows }
}

/// OSC 52 puts text on the clipboard of the terminal the user sits at,
/// also over SSH. The text is sanitized-by-encoding (base64).
fn copy_osc52(text: &str) {
    let mut out = std::io::stdout();
    let _ = write!(
        out,
        "\x1b]52;c;{}\x07",
        crate::base64::encode(text.as_bytes())
    );
    let _ = out.flush();
}
