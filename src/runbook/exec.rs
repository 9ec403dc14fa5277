//! Runs a step's command: bash (no profile, no rc) in a process group of
//! its own, inside the run's shell session (see `session.rs`), output streamed line by line, a timeout and a kill that take the
//! whole group down. Values reach the command only through `env` (see
//! `runbook::vars`); the command text is one argv element, never edited.

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc::Sender;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::session;

/// Longer lines are split so one runaway line cannot grow without bound.
pub const MAX_LINE: usize = 8 * 1024;
/// Between SIGTERM and SIGKILL on timeout or kill.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// When a SIGTERM the step's group seems to have missed is sent again.
const TERM_AGAIN: Duration = Duration::from_millis(200);
/// How long pipes may stay open after the main child exited.
pub const PIPE_GRACE: Duration = Duration::from_millis(500);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecRequest {
    pub command: String,
    /// Added to the inherited environment; these win.
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub workdir: Option<PathBuf>,
    /// The run's session file: what earlier steps left in their shell.
    /// `None`: a shell of its own, carrying nothing over.
    pub session: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecEvent {
    /// One line without its newline, lossy UTF-8, NOT sanitized (the UI does).
    Output {
        stream: Stream,
        line: String,
    },
    Done(ExecOutcome),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOutcome {
    pub exit_code: Option<i32>,
    /// The signal that ended the shell, if one did.
    pub signal: Option<i32>,
    pub timed_out: bool,
    /// Ended by [`ExecHandle::kill`].
    pub killed: bool,
    /// From spawn to the shell's exit.
    pub duration: Duration,
    /// Spawning or waiting failed; nothing ran, or its end is unknown.
    pub error: Option<String>,
    /// The step's shell ended without writing the session back: what it
    /// changed is gone, and the next step starts from the session before it.
    pub session_lost: bool,
}

/// The running command. Dropping it does not stop the command; its
/// timeout still does.
#[derive(Clone, Debug)]
pub struct ExecHandle {
    pgid: i32,
    kill: Arc<Notify>,
}

impl ExecHandle {
    /// Asks for the process group to be ended (SIGTERM, then SIGKILL after
    /// [`KILL_GRACE`]); the outcome says `killed`. No effect once it ended.
    pub fn kill(&self) {
        // notify_one keeps a permit, so a kill before the waiter starts counts.
        self.kill.notify_one();
    }

    /// Ends the group now, from a thread that will not wait for the
    /// runtime (the console quitting): SIGTERM, up to `grace` for it to go,
    /// then SIGKILL.
    pub fn kill_now(&self, grace: Duration) {
        signal_group(self.pgid, libc::SIGTERM);
        let until = Instant::now() + grace;
        while group_alive(self.pgid) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal_group(self.pgid, libc::SIGKILL);
    }

    /// The process group id (the shell's pid), or 0 if the spawn failed.
    pub fn pgid(&self) -> i32 {
        self.pgid
    }
}

/// Starts `req`. Must be called inside a tokio runtime. Events arrive in
/// order; `Done` is always the last one, exactly once (also when the spawn
/// fails). Send errors (a dropped receiver) are ignored.
pub fn spawn(req: ExecRequest, events: Sender<ExecEvent>) -> ExecHandle {
    let kill = Arc::new(Notify::new());
    let start = Instant::now();
    let before = req.session.as_deref().and_then(session::file_id);
    let mut cmd = tokio::process::Command::new(session::bash());
    cmd.args(session::SHELL_ARGS)
        .arg("-c")
        .arg(session::WRAPPER)
        .arg("oncall-step")
        .arg(&req.command)
        .envs(req.env.iter().map(|(k, v)| (k, v)))
        .env_remove(session::SESSION_VAR)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // If our task is dropped (runtime shutdown), the shell dies with it.
        .kill_on_drop(true);
    // A session of its own: its own process group (pgid = the shell's pid,
    // so the group can be signalled), and no controlling terminal, so a
    // step can neither write to our screen past the sanitizer nor hang on
    // a password prompt at /dev/tty.
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    if let Some(dir) = &req.workdir {
        cmd.current_dir(dir);
    }
    if let Some(file) = &req.session {
        cmd.env(session::SESSION_VAR, file);
    }
    let spawned = cmd.spawn().and_then(|child| {
        let pid = child.id().and_then(|p| i32::try_from(p).ok());
        pid.map(|pid| (child, pid))
            .ok_or_else(|| std::io::Error::other("the child has no pid"))
    });
    let (mut child, pgid) = match spawned {
        Ok(c) => c,
        Err(e) => {
            let done = ExecEvent::Done(ExecOutcome {
                duration: start.elapsed(),
                error: Some(format!("could not start {}: {e}", session::bash())),
                ..ExecOutcome::default()
            });
            // A fresh channel has room; a full one means nobody reads it.
            let _ = events.try_send(done);
            return ExecHandle { pgid: 0, kill };
        }
    };
    let readers = [
        child
            .stdout
            .take()
            .map(|p| tokio::spawn(read_lines(p, Stream::Stdout, events.clone()))),
        child
            .stderr
            .take()
            .map(|p| tokio::spawn(read_lines(p, Stream::Stderr, events.clone()))),
    ];
    let handle = ExecHandle {
        pgid,
        kill: kill.clone(),
    };
    tokio::spawn(async move {
        let mut outcome = supervise(&mut child, pgid, req.timeout, &kill, start).await;
        drain(readers, pgid).await;
        outcome.session_lost = req
            .session
            .as_deref()
            .is_some_and(|f| !session::saved_since(f, before));
        let _ = events.send(ExecEvent::Done(outcome)).await;
    });
    handle
}

/// Signals the whole group. Never with pgid <= 1: 0 would be our own group.
fn signal_group(pgid: i32, sig: i32) {
    if pgid > 1 {
        // SAFETY: killpg has no memory effects; ESRCH (group gone) is fine.
        unsafe {
            libc::killpg(pgid, sig);
        }
    }
}

/// Whether any process of the group is left.
fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    pgid > 1 && unsafe { libc::killpg(pgid, 0) } == 0
}

/// Waits for the shell, enforcing the timeout and kill; always reaps it.
async fn supervise(
    child: &mut Child,
    pgid: i32,
    timeout: Duration,
    kill: &Notify,
    start: Instant,
) -> ExecOutcome {
    let mut outcome = ExecOutcome::default();
    let status = tokio::select! {
        status = child.wait() => status,
        _ = tokio::time::sleep(timeout) => {
            outcome.timed_out = true;
            terminate(child, pgid).await
        }
        _ = kill.notified() => {
            outcome.killed = true;
            terminate(child, pgid).await
        }
    };
    outcome.duration = start.elapsed();
    match status {
        Ok(status) => fill_status(&mut outcome, status),
        Err(e) => outcome.error = Some(format!("waiting for the command failed: {e}")),
    }
    outcome
}

/// SIGTERM to the group, SIGKILL after [`KILL_GRACE`] if the shell is still
/// there, then reaps it.
///
/// The SIGTERM is sent again after [`TERM_AGAIN`]: one that lands while the
/// shell forks a command reaches the new process before it is the command
/// (bash still handles signals there, and the exec then forgets it), so
/// the command runs on and the shell, which has its SIGTERM, waits for it.
/// Seen in about half the stops right after a step's first output line.
async fn terminate(child: &mut Child, pgid: i32) -> std::io::Result<ExitStatus> {
    signal_group(pgid, libc::SIGTERM);
    if let Ok(status) = tokio::time::timeout(TERM_AGAIN, child.wait()).await {
        return status;
    }
    signal_group(pgid, libc::SIGTERM);
    match tokio::time::timeout(KILL_GRACE - TERM_AGAIN, child.wait()).await {
        Ok(status) => status,
        Err(_) => {
            signal_group(pgid, libc::SIGKILL);
            child.wait().await
        }
    }
}

fn fill_status(outcome: &mut ExecOutcome, status: ExitStatus) {
    outcome.exit_code = status.code();
    outcome.signal = status.signal();
}

/// After the shell exited: whatever is left of its group (background
/// grandchildren) is ended, and the pipes get [`PIPE_GRACE`] to close.
/// Readers still blocked after that (a process outside the group holds a
/// pipe) are aborted, so `Done` is never held up forever. Every reader has
/// finished when this returns, so no `Output` can follow `Done`.
///
/// The group is signalled after the shell was reaped; its id cannot be
/// reused while any member lives, and if none does the signal is a no-op
/// unless the pid was recycled within the grace, which sequential pid
/// allocation makes practically impossible.
async fn drain(mut readers: [Option<JoinHandle<()>>; 2], pgid: i32) {
    signal_group(pgid, libc::SIGTERM);
    if !join_within(&mut readers, PIPE_GRACE).await {
        signal_group(pgid, libc::SIGKILL);
        if !join_within(&mut readers, PIPE_GRACE).await {
            for reader in readers.iter_mut().flatten() {
                reader.abort();
            }
            join_within(&mut readers, Duration::MAX).await;
        }
    }
    // Survivors that ignored SIGTERM without holding a pipe.
    signal_group(pgid, libc::SIGKILL);
}

/// Whether all readers finished within `limit`; finished ones are cleared.
async fn join_within(readers: &mut [Option<JoinHandle<()>>; 2], limit: Duration) -> bool {
    let all = async {
        for slot in readers.iter_mut() {
            if let Some(reader) = slot {
                let _ = reader.await;
                *slot = None;
            }
        }
    };
    tokio::time::timeout(limit, all).await.is_ok()
}

/// Sends each line of `pipe` as an `Output`; see [`split_point`] for long lines.
async fn read_lines<R: AsyncRead + Unpin>(pipe: R, stream: Stream, events: Sender<ExecEvent>) {
    // A bounded channel: a command that prints faster than the screen
    // takes it waits on its pipe instead of filling our memory.
    let emit = |bytes: &[u8]| {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let line = String::from_utf8_lossy(bytes).into_owned();
        let events = events.clone();
        async move {
            let _ = events.send(ExecEvent::Output { stream, line }).await;
        }
    };
    let mut reader = BufReader::new(pipe);
    let mut line: Vec<u8> = Vec::with_capacity(256);
    loop {
        let buf = match reader.fill_buf().await {
            Ok(buf) if !buf.is_empty() => buf,
            // EOF, or a read error: either way nothing more will come.
            _ => break,
        };
        if line.len() >= MAX_LINE {
            // Full: a newline right here ends it; otherwise split it.
            if buf[0] == b'\n' {
                reader.consume(1);
                emit(&line).await;
                line.clear();
            } else {
                let rest = line.split_off(split_point(&line));
                emit(&line).await;
                line = rest;
            }
            continue;
        }
        let room = MAX_LINE - line.len();
        let window = &buf[..buf.len().min(room)];
        let used = match window.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                line.extend_from_slice(&window[..nl]);
                emit(&line).await;
                line.clear();
                nl + 1
            }
            None => {
                line.extend_from_slice(window);
                window.len()
            }
        };
        reader.consume(used);
    }
    if !line.is_empty() {
        emit(&line).await;
    }
}

/// Where to cut a full line: before a UTF-8 sequence that the cut would
/// break, so a split does not turn one character into two replacement marks.
fn split_point(line: &[u8]) -> usize {
    let len = line.len();
    for back in 1..=3.min(len) {
        let b = line[len - back];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back
        }
        let needed = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needed > back && back < len {
            len - back
        } else {
            len
        };
    }
    len
}
