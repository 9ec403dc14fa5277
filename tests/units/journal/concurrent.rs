//! Several writers on one journal directory: threads, OS processes (this
//! test binary run again), and consoles declaring the same alert at once.

use std::path::Path;
use std::sync::{Arc, Barrier};

use super::{declared, new_id, note, t0, TempDir};
use oncall::model::{Event, EventData, EventKind, Status};
use oncall::store::journal::{Declared, Journal};

#[test]
fn concurrent_declares_of_the_same_alert_give_one_incident() {
    let tmp = TempDir::new("declare-race");
    let dir = tmp.incidents();
    Journal::open(&dir).unwrap();
    let barrier = Arc::new(Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|k| {
            let (dir, barrier) = (dir.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let mut j = Journal::open(&dir).unwrap();
                barrier.wait();
                let first = declared(&format!("by {k}"), Some("fp-disk"), t0());
                j.declare(first, &[], &["fp-other".into(), "fp-disk".into()])
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<Declared> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let new: Vec<&String> = results
        .iter()
        .filter_map(|d| match d {
            Declared::New(id) => Some(id),
            Declared::Exists(_) => None,
        })
        .collect();
    assert_eq!(new.len(), 1, "exactly one declare creates");
    for d in &results {
        let (Declared::New(id) | Declared::Exists(id)) = d;
        assert_eq!(id, new[0]);
    }
    let mut j = Journal::open(&dir).unwrap();
    assert_eq!(j.load_all().unwrap().0.len(), 1);

    // Once resolved, the same alert may start a new incident.
    let resolved = Event::new(t0(), "alice", EventKind::Status, "fixed").with(EventData {
        status: Some(Status::Resolved),
        ..EventData::default()
    });
    j.append(new[0], &[resolved]).unwrap();
    let again = j
        .declare(
            declared("again", Some("fp-disk"), t0()),
            &[],
            &["fp-disk".into()],
        )
        .unwrap();
    assert_eq!(new_id(again), "INC-20261122-002");
}

const PER_WRITER: usize = 200;

/// Appends `PER_WRITER` notes `w{k}-{i}` in batches of 1..=3 events.
fn write_notes(dir: &Path, incident: &str, k: usize) {
    let mut j = Journal::open(dir).unwrap();
    let mut i = 0;
    while i < PER_WRITER {
        let n = (1 + i % 3).min(PER_WRITER - i);
        let batch: Vec<Event> = (i..i + n).map(|x| note(&format!("w{k}-{x}"))).collect();
        j.append(incident, &batch).unwrap();
        i += n;
    }
}

/// Checks the journal holds the declaration and every writer's notes, each
/// writer's in its own order, and that every line on disk parses.
fn check_all_notes(dir: &Path, incident: &str, writers: usize, tailed: &[Event]) {
    let text = std::fs::read_to_string(dir.join(format!("{incident}.jsonl"))).unwrap();
    assert!(text.ends_with('\n'));
    for (n, line) in text.lines().enumerate() {
        serde_json::from_str::<Event>(line)
            .unwrap_or_else(|e| panic!("line {}: {e}: {line}", n + 1));
    }
    let (events, problems) = Journal::open(dir).unwrap().load(incident).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(events.len(), 1 + writers * PER_WRITER);
    assert_eq!(&events, tailed, "the live tail saw exactly what is on disk");
    for k in 0..writers {
        let mine: Vec<String> = events
            .iter()
            .filter(|e| e.text.starts_with(&format!("w{k}-")))
            .map(|e| e.text.clone())
            .collect();
        let expected: Vec<String> = (0..PER_WRITER).map(|x| format!("w{k}-{x}")).collect();
        assert_eq!(mine, expected);
    }
    // One append is one write: a two-event batch (`x`, `x+1` for x = 1, 4,
    // 7, ...) is never split by another writer's lines.
    let at: std::collections::HashMap<&str, usize> = events
        .iter()
        .enumerate()
        .map(|(n, e)| (e.text.as_str(), n))
        .collect();
    for k in 0..writers {
        for x in (1..PER_WRITER - 1).step_by(3) {
            let (a, b) = (
                at[format!("w{k}-{x}").as_str()],
                at[format!("w{k}-{}", x + 1).as_str()],
            );
            assert_eq!(a + 1, b, "batch w{k}-{x} was split");
        }
    }
}

/// Tails the incident until `done` says the writers finished, then once more.
fn tail_until(dir: &Path, incident: &str, mut done: impl FnMut() -> bool) -> Vec<Event> {
    let mut j = Journal::open(dir).unwrap();
    let mut seen = Vec::new();
    loop {
        let finished = done();
        let read = j.read_new().unwrap();
        assert!(
            read.problems.is_empty(),
            "a reader saw a half write: {:?}",
            read.problems
        );
        for (id, events) in read.batches {
            assert_eq!(id, incident);
            seen.extend(events);
        }
        if finished {
            return seen;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn writers_in_several_threads_never_interleave() {
    let tmp = TempDir::new("threads");
    let dir = tmp.incidents();
    let id = new_id(
        Journal::open(&dir)
            .unwrap()
            .declare(declared("x", None, t0()), &[], &[])
            .unwrap(),
    );
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let (dir, id) = (dir.clone(), id.clone());
            std::thread::spawn(move || write_notes(&dir, &id, k))
        })
        .collect();
    let tailed = tail_until(&dir, &id, || handles.iter().all(|h| h.is_finished()));
    for h in handles {
        h.join().unwrap();
    }
    check_all_notes(&dir, &id, 4, &tailed);
}

const CHILD_DIR: &str = "ONCALL_JOURNAL_TEST_DIR";

/// Not a test on its own: the body of a writer process that
/// `writers_in_several_processes_never_interleave` starts (this binary, run again).
#[test]
fn child_writer_process() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let incident = std::env::var("ONCALL_JOURNAL_TEST_INCIDENT").unwrap();
    let k: usize = std::env::var("ONCALL_JOURNAL_TEST_WRITER")
        .unwrap()
        .parse()
        .unwrap();
    write_notes(Path::new(&dir), &incident, k);
}

#[test]
fn writers_in_several_processes_never_interleave() {
    let tmp = TempDir::new("processes");
    let dir = tmp.incidents();
    let id = new_id(
        Journal::open(&dir)
            .unwrap()
            .declare(declared("x", None, t0()), &[], &[])
            .unwrap(),
    );
    let exe = std::env::current_exe().unwrap();
    let mut children: Vec<_> = (0..3)
        .map(|k| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "journal::concurrent::child_writer_process",
                    "--test-threads=1",
                ])
                .env(CHILD_DIR, &dir)
                .env("ONCALL_JOURNAL_TEST_INCIDENT", &id)
                .env("ONCALL_JOURNAL_TEST_WRITER", k.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut statuses = vec![None; children.len()];
    let tailed = tail_until(&dir, &id, || {
        for (c, s) in children.iter_mut().zip(statuses.iter_mut()) {
            if s.is_none() {
                *s = c.try_wait().unwrap();
            }
        }
        statuses.iter().all(Option::is_some)
    });
    for s in statuses {
        assert!(s.unwrap().success(), "a writer process failed");
    }
    check_all_notes(&dir, &id, 3, &tailed);
}
