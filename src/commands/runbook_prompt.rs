//! The terminal side of `oncall runbook run`: questions answered on stdin,
//! and the signals a run takes once (Ctrl-c, SIGTERM, SIGHUP).

use std::io::{BufRead, Write};

use tokio::signal::unix::{signal, Signal, SignalKind};

/// Reads one answer from the terminal; end of input or Ctrl-c is None.
/// The read runs on a thread of its own so Ctrl-c can end the wait (once
/// the executor has taken SIGINT, the signal no longer ends the process).
pub(super) async fn ask(question: &str, sigint: &mut Signals) -> Option<String> {
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let answer = match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_ascii_lowercase()),
        };
        let _ = tx.send(answer);
    });
    tokio::select! {
        answer = rx => answer.ok().flatten(),
        _ = sigint.any() => {
            eprintln!();
            None
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP, taken once for the whole run.
pub(super) struct Signals {
    int: Signal,
    term: Signal,
    hup: Signal,
}

impl Signals {
    pub(super) fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    pub(super) async fn any(&mut self) -> SignalKind {
        tokio::select! {
            _ = self.int.recv() => SignalKind::interrupt(),
            _ = self.term.recv() => SignalKind::terminate(),
            _ = self.hup.recv() => SignalKind::hangup(),
        }
    }
}
