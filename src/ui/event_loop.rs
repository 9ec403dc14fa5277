//! The console's loop: `tokio::select!` over keys, the engine's messages,
//! a clock tick and signals; `update` through the engine; redraw only after
//! something changed. The terminal's own effects (clipboard, bell) are done
//! here.

use std::io::Write;
use std::time::Duration;

use chrono::Utc;
use ratatui::crossterm::event::Event;
use ratatui::layout::Rect;
use tokio::signal::unix::{signal, SignalKind};

use super::input::{key_msg, spawn_input_reader};
use super::views;
use crate::config::Settings;
use crate::core::keymap::Keymap;
use crate::core::{Msg, State};
use crate::draw::theme::Theme;
use crate::engine::{Engine, TerminalEffect};

pub async fn run(
    settings: Settings,
    theme: Theme,
    keymap: Keymap,
    notices: Vec<String>,
) -> anyhow::Result<()> {
    let mut engine = Engine::start(settings, notices);
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
    let first = resized(&engine.state, size.width, size.height);
    engine.handle(first);
    let mut dirty = true;
    // What time shows on the wall at the last frame: a tick that leaves it
    // alone draws nothing (an idle board wakes, but does not redraw).
    let mut drawn = None;
    // When the last messages were taken, to log a loop turn slow enough to
    // keep a key waiting (the budget is 50 ms from key to screen).
    let mut turn: Option<(std::time::Instant, Duration, &str)> = None;
    let result: anyhow::Result<()> = loop {
        if dirty {
            let drawing = std::time::Instant::now();
            let state = &engine.state;
            match terminal.draw(|f| views::draw(f, state, &theme, &keymap)) {
                Ok(frame) => {
                    let limit = views::scroll_limit(state, &theme, &keymap, frame.area);
                    if limit != state.scroll_max {
                        engine.handle(Msg::ScrollLimit(limit));
                    }
                }
                Err(e) => break Err(e.into()),
            }
            dirty = false;
            drawn = wall_frame(&engine.state);
            if let Some((start, updating, first)) = turn.take() {
                super::turn_log::slow_turn(start.elapsed(), updating, drawing.elapsed(), first);
            }
        }
        let msg = tokio::select! {
            ev = keys.recv() => match ev {
                Some(Event::Key(k)) => key_msg(&engine.state, &keymap, k),
                Some(Event::Resize(w, h)) => Some(resized(&engine.state, w, h)),
                Some(_) => None,
                None => break Ok(()),
            },
            m = engine.recv() => m,
            _ = tick.tick() => Some(Msg::Tick(Utc::now())),
            _ = sigterm.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
        };
        let Some(msg) = msg else { continue };
        let start = std::time::Instant::now();
        let first = super::turn_log::kind(&msg);
        let mut only_tick = matches!(msg, Msg::Tick(_));
        let mut outside = engine.handle(msg);
        // Take what else is queued before drawing once, but not forever: a
        // flood of messages must not keep keys and the screen waiting.
        for _ in 0..256 {
            let Some(m) = engine.try_recv() else { break };
            only_tick = false;
            outside.extend(engine.handle(m));
        }
        dirty = !only_tick || drawn.is_none() || wall_frame(&engine.state) != drawn;
        // Timed to the frame it ends in; a turn that draws nothing is not logged.
        turn = dirty.then(|| (start, start.elapsed(), first));
        let mut quit = false;
        for effect in outside {
            match effect {
                TerminalEffect::Copy(text) => copy_osc52(&text),
                TerminalEffect::Bell => {
                    let mut out = std::io::stdout();
                    let _ = out.write_all(b"\x07");
                    let _ = out.flush();
                }
                TerminalEffect::Quit => quit = true,
            }
        }
        if engine.state.quit || quit {
            break Ok(());
        }
    };
    engine.shutdown().await;
    result
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

/// What the clock shows on the wall board (`None` in the console, which
/// redraws on every tick).
fn wall_frame(state: &State) -> Option<crate::core::panes::wall::FrameKey> {
    state
        .wall
        .as_ref()
        .map(|_| crate::core::panes::wall::frame_key(state))
}

/// The list's (or, on the wall, a page's) rows at this terminal size.
fn resized(state: &State, w: u16, h: u16) -> Msg {
    let area = Rect::new(0, 0, w, h);
    let list_rows = if state.wall.is_some() {
        crate::core::panes::wall::view::page_rows(area)
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
