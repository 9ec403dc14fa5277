//! The command notifier: `program args…` run directly (no shell), the
//! notification only in environment variables, stdin empty, in a session
//! and process group of its own (like `runbook::exec`), the group ended on
//! timeout, on cancellation, and when the program exits.

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use super::{Failure, Notification};
use crate::runbook::exec::{KILL_GRACE, PIPE_GRACE};

/// What stays of stderr for the error message (its end: the last words).
const STDERR_TAIL: usize = 4096;

/// The environment a command notifier gets: `ONCALL_ALERTNAME`,
/// `ONCALL_LEVEL`, `ONCALL_TARGETS` (comma-joined), `ONCALL_POLICY`,
/// `ONCALL_SUMMARY`, `ONCALL_INCIDENT` (empty without one), `ONCALL_GROUP`,
/// `ONCALL_CONSOLE`, `ONCALL_TIME` (RFC 3339), and `ONCALL_LABEL_<NAME>`
/// per label (name upper-cased, other characters than A-Z 0-9 `_` as `_`).
/// NUL bytes, which no environment can hold, are dropped.
pub fn command_env(note: &Notification) -> Vec<(String, String)> {
    let mut env = vec![
        ("ONCALL_ALERTNAME".to_string(), note.alertname.clone()),
        ("ONCALL_LEVEL".to_string(), note.level.to_string()),
        ("ONCALL_TARGETS".to_string(), note.targets.join(",")),
        ("ONCALL_POLICY".to_string(), note.policy.clone()),
        ("ONCALL_SUMMARY".to_string(), note.summary.clone()),
        (
            "ONCALL_INCIDENT".to_string(),
            note.incident.clone().unwrap_or_default(),
        ),
        ("ONCALL_GROUP".to_string(), note.group.clone()),
        ("ONCALL_CONSOLE".to_string(), note.console.clone()),
        ("ONCALL_TIME".to_string(), note.time.to_rfc3339()),
    ];
    for (name, value) in &note.labels {
        let key: String = name
            .chars()
            .map(|c| match c.to_ascii_uppercase() {
                c @ ('A'..='Z' | '0'..='9' | '_') => c,
                _ => '_',
            })
            .collect();
        if !key.is_empty() {
            env.push((format!("ONCALL_LABEL_{key}"), value.to_string()));
        }
    }
    for (_, v) in env.iter_mut() {
        if v.contains('\0') {
            *v = v.replace('\0', "");
        }
    }
    env
}

/// Ends the whole group when dropped: after the program exited (what it
/// left running), on timeout, and when the delivery is cancelled.
struct Group(i32);

impl Group {
    fn signal(&self, sig: i32) {
        // Never 0 or 1: 0 is our own group.
        if self.0 > 1 {
            // SAFETY: killpg has no memory effects; ESRCH (gone) is fine.
            unsafe {
                libc::killpg(self.0, sig);
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}

/// One run. Non-zero exit, a signal, and a timeout may pass next time; a
/// program that cannot be found or executed will not.
pub(crate) async fn run(
    program: &str,
    args: &[String],
    env: &[(String, String)],
    timeout: Duration,
) -> Result<(), Failure> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Labels of the console's own environment must not pass for this alert's.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ONCALL_LABEL_") {
            cmd.env_remove(key);
        }
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    // A session of its own: its own process group to signal, and no
    // controlling terminal to draw on or prompt from.
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            use std::io::ErrorKind as K;
            let why = match e.kind() {
                K::NotFound => "no such file".to_string(),
                K::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            let reason = format!("cannot start {program}: {why}");
            return Err(match e.kind() {
                K::NotFound | K::PermissionDenied => Failure::fatal(reason),
                _ => Failure::retry(reason),
            });
        }
    };
    let group = Group(child.id().and_then(|p| i32::try_from(p).ok()).unwrap_or(0));
    let stderr = child.stderr.take().map(|mut pipe| {
        tokio::spawn(async move {
            let mut tail: Vec<u8> = Vec::new();
            let mut buf = [0u8; 1024];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
            tail
        })
    });

    let mut timed_out = false;
    let status = tokio::select! {
        status = child.wait() => status,
        _ = tokio::time::sleep(timeout) => {
            timed_out = true;
            group.signal(libc::SIGTERM);
            match tokio::time::timeout(KILL_GRACE, child.wait()).await {
                Ok(status) => status,
                Err(_) => {
                    group.signal(libc::SIGKILL);
                    child.wait().await
                }
            }
        }
    };
    // Whatever it left behind goes too, and with it any hold on the pipe.
    drop(group);
    let tail = match stderr {
        Some(mut reader) => match tokio::time::timeout(PIPE_GRACE, &mut reader).await {
            Ok(Ok(tail)) => tail,
            _ => {
                reader.abort();
                Vec::new()
            }
        },
        None => Vec::new(),
    };

    let mut reason = match status {
        _ if timed_out => format!("no exit within {}s (killed)", timeout.as_secs_f32()),
        Ok(s) if s.success() => return Ok(()),
        Ok(s) => match (s.code(), s.signal()) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(sig)) => format!("killed by signal {sig}"),
            (None, None) => "ended abnormally".to_string(),
        },
        Err(e) => format!("waiting for it failed: {e}"),
    };
    if let Some(last) = last_line(&tail) {
        reason.push_str(&format!(" (stderr: {last})"));
    }
    Err(Failure::retry(reason))
}

/// The last non-blank line of stderr, safe for a terminal, clipped.
fn last_line(tail: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(tail);
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let line = crate::sanitize::line(line.trim());
    Some(match line.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.into_owned(),
    })
}
