//! The real console in a detached tmux session: start it, read the screen
//! as a user sees it, press keys. The session (and the temporary home it
//! was given) goes away when the guard drops, also on a failed assertion.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long a screen may take to show what a test waits for (slow machines).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `tmux ARGS` and returns its stdout, or panics saying how to install it.
pub fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap_or_else(|e| {
        panic!("tmux is needed for the end-to-end tests ({e}); install it with: apt-get install tmux")
    });
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `tmux ARGS`; whether it succeeded.
fn tmux_ok(args: &[&str]) -> bool {
    Command::new("tmux")
        .args(args)
        .status()
        .unwrap_or_else(|e| {
            panic!("tmux is needed for the end-to-end tests ({e}); install it with: apt-get install tmux")
        })
        .success()
}

/// A tmux session, and the temporary home of the console in it (removed with it).
pub struct Session {
    pub name: String,
    pub home: Option<PathBuf>,
}

impl Session {
    /// Runs the shell command `cmd` in a new detached `width`x`height` session.
    pub fn start(name: &str, width: u16, height: u16, cmd: &str, home: Option<PathBuf>) -> Session {
        let (w, h) = (width.to_string(), height.to_string());
        // Tests in one binary start sessions at once; when no tmux server
        // runs yet, clients racing to start one can fail (then the session
        // never exists and the screen reads empty). Try again, then say so.
        let args = ["new-session", "-d", "-s", name, "-x", &w, "-y", &h, cmd];
        let mut tries = 0;
        while !tmux_ok(&args) {
            tries += 1;
            assert!(tries < 5, "tmux could not start the session {name}");
            std::thread::sleep(Duration::from_millis(200 * tries));
        }
        Session {
            name: name.to_string(),
            home,
        }
    }

    pub fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.name])
    }

    /// Polls the screen until `ok` holds; panics with the last screen after [`PATIENCE`].
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Sends tmux key names (or `-l TEXT`) in one `send-keys`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        tmux(&args);
    }

    /// Sends keys one at a time with a short pause, so that tmux does not
    /// glue `Escape` and the next key into an Alt-key.
    pub fn press(&self, keys: &[&str]) {
        for k in keys {
            self.keys(&[k]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        self.keys(&["-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        tmux(&["resize-window", "-t", &self.name, "-x", &w, "-y", &h]);
    }

    /// The process the pane's shell runs (the console), by pid.
    pub fn console_pid(&self) -> String {
        let shell = tmux(&["list-panes", "-t", &self.name, "-F", "#{pane_pid}"]);
        let pid = children(shell.trim())
            .into_iter()
            .next()
            .unwrap_or_default();
        assert!(!pid.is_empty(), "no console process under the pane");
        pid
    }
}

/// Pids of the direct children of `pid`.
pub fn children(pid: &str) -> Vec<String> {
    pgrep(&["-P", pid])
}

/// `pgrep ARGS` as a list of pids (needs procps).
pub fn pgrep(args: &[&str]) -> Vec<String> {
    let out = Command::new("pgrep")
        .args(args)
        .output()
        .expect("pgrep is needed; install it with: apt-get install procps");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.name]);
        if let Some(home) = &self.home {
            let _ = std::fs::remove_dir_all(home);
        }
    }
}
