//! SIGKILL at random points of a journal write: `oncall incident note`
//! processes killed at seeded random moments (from before they open the
//! journal to after their fsync) never leave the incident unreadable, and
//! every note whose writer finished is there, once. The seed is printed, and
//! `ONCALL_KILL_SEED` replays a run.

use crate::common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{stderr, stdout, Home};
use serde_json::Value;

struct Writers {
    home: Home,
    state: PathBuf,
}

impl Writers {
    fn command(&self, args: &[&str]) -> Command {
        let mut all = vec!["--state-dir", self.state.to_str().unwrap()];
        all.extend_from_slice(args);
        self.home.command(&all)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn notes(&self, id: &str) -> Vec<String> {
        let shown: Value =
            serde_json::from_str(&self.ok(&["incident", "show", id, "--output", "json"])).unwrap();
        shown["timeline"]
            .as_array()
            .expect("the incident's timeline")
            .iter()
            .filter(|e| e["type"] == "note")
            .map(|e| e["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// xorshift64: the same delays for the same seed.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn writers_killed_at_random_points_lose_nothing_they_finished() {
    let home = Home::new();
    let state = home.0.join("kill-state");
    let w = Writers { home, state };
    let id = w
        .ok(&["incident", "declare", "--title", "Kill drill"])
        .trim()
        .to_string();

    // How long one note takes here: the delays span twice that.
    let started = Instant::now();
    w.ok(&["incident", "note", &id, "warm-up"]);
    let span = (started.elapsed().as_micros() as u64 * 2).max(1_000);
    let mut seed = std::env::var("ONCALL_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("ONCALL_KILL_SEED={seed}");

    let (mut finished, mut killed) = (vec!["warm-up".to_string()], 0);
    for i in 0..40 {
        let text = format!("note {i}");
        let mut child = w
            .command(&["incident", "note", &id, &text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(next(&mut seed) % span));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "{text}: {status}");
                finished.push(text);
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed += 1;
            }
        }
    }
    assert!(
        killed > 0 && finished.len() > 1,
        "the delays hit both sides: {killed} killed, {} finished",
        finished.len()
    );

    let notes = w.notes(&id);
    for text in &finished {
        assert_eq!(
            notes.iter().filter(|n| *n == text).count(),
            1,
            "{text:?} was written once: {notes:?}"
        );
    }
    // The journal still takes writes after the kills.
    w.ok(&["incident", "note", &id, "after the kills"]);
    assert!(w.notes(&id).contains(&"after the kills".to_string()));
}
