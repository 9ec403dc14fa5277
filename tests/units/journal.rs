//! The incident journal on real files: replay, torn and malformed lines,
//! and several writers (threads and OS processes, in `journal/concurrent.rs`)
//! on one directory.

#[path = "journal/concurrent.rs"]
mod concurrent;

use std::collections::HashSet;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use oncall::model::{Activity, ActivityKind, Event, EventData, EventKind, Sev, Status};
use oncall::store::journal::{Declared, Journal, JournalError};

/// A directory of its own under the temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "oncall-journal-{}-{tag}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    /// The journal dir (`incidents`, created by `Journal::open`).
    fn incidents(&self) -> PathBuf {
        self.0.join("incidents")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn declared(title: &str, fingerprint: Option<&str>, at: DateTime<Utc>) -> Event {
    Event::new(at, "alice", EventKind::Declared, title).with(EventData {
        title: Some(title.into()),
        severity: Some(Sev::Sev2),
        fingerprint: fingerprint.map(str::to_string),
        ..EventData::default()
    })
}

fn note(text: &str) -> Event {
    Event::new(t0() + Duration::minutes(1), "bob", EventKind::Note, text)
}

fn new_id(d: Declared) -> String {
    match d {
        Declared::New(id) => id,
        Declared::Exists(id) => panic!("expected a new incident, got existing {id}"),
    }
}

fn texts(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.text.as_str()).collect()
}

fn append_raw(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

#[test]
fn declared_and_appended_events_replay_into_the_incident() {
    let tmp = TempDir::new("replay");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    assert_eq!(j.dir(), Some(tmp.incidents().as_path()));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&tmp.incidents()), 0o700);

    let id = new_id(
        j.declare(declared("Model server down", Some("fp1"), t0()), &[], &[])
            .unwrap(),
    );
    assert_eq!(id, "INC-20261122-001");
    let path = tmp.incidents().join("INC-20261122-001.jsonl");
    assert_eq!(mode(&path), 0o600);
    let status = Event::new(
        t0() + Duration::minutes(2),
        "bob",
        EventKind::Status,
        "looking",
    )
    .with(EventData {
        status: Some(Status::Investigating),
        ..EventData::default()
    });
    let ids = j.append(&id, &[note("first"), status]).unwrap();
    assert_eq!(ids.len(), 2);

    let (events, problems) = j.load(&id).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(texts(&events), ["Model server down", "first", "looking"]);
    assert_eq!(events[1].id, ids[0]);

    let (incidents, problems) = j.load_all().unwrap();
    assert!(problems.is_empty());
    assert_eq!(incidents.len(), 1);
    let inc = &incidents[0];
    assert_eq!(inc.title, "Model server down");
    assert_eq!(inc.severity, Sev::Sev2);
    assert_eq!(inc.status, Status::Investigating);
    assert!(inc.links("fp1"));
    assert_eq!(inc.responders, ["alice", "bob"]);

    // The first read_new is the replay, including this journal's own writes.
    let read = j.read_new().unwrap();
    assert_eq!(read.batches.len(), 1);
    assert_eq!(read.batches[0].0, id);
    assert_eq!(read.batches[0].1, events);
    assert!(j.read_new().unwrap().batches.is_empty());
}

#[test]
fn event_ids_are_unique_and_given_ids_are_kept() {
    let tmp = TempDir::new("ids");
    let mut a = Journal::open(&tmp.incidents()).unwrap();
    let mut b = Journal::open(&tmp.incidents()).unwrap();
    let id = new_id(a.declare(declared("x", None, t0()), &[], &[]).unwrap());
    let mut seen = HashSet::new();
    for i in 0..200 {
        let j = if i % 2 == 0 { &mut a } else { &mut b };
        for e in j.append(&id, &[note("a"), note("b")]).unwrap() {
            assert!(!e.is_empty());
            assert!(seen.insert(e.clone()), "duplicate id {e}");
        }
    }
    let mut given = note("given");
    given.id = "my-id".into();
    assert_eq!(a.append(&id, &[given]).unwrap(), ["my-id"]);
    let (events, _) = a.load(&id).unwrap();
    let on_disk: HashSet<_> = events.iter().map(|e| e.id.clone()).collect();
    assert_eq!(on_disk.len(), events.len());
    assert_eq!(events.last().unwrap().id, "my-id");
}

#[test]
fn a_torn_last_line_is_reported_once_skipped_and_the_next_append_gets_its_own_line() {
    let tmp = TempDir::new("torn");
    let mut writer = Journal::open(&tmp.incidents()).unwrap();
    let id = new_id(
        writer
            .declare(declared("x", None, t0()), &[note("one")], &[])
            .unwrap(),
    );
    writer.append(&id, &[note("two")]).unwrap();
    let path = tmp.incidents().join(format!("{id}.jsonl"));
    // A writer killed mid-line.
    append_raw(&path, br#"{"id":"cut","time":"2026-11-22T03:0"#);

    let mut reader = Journal::open(&tmp.incidents()).unwrap();
    let read = reader.read_new().unwrap();
    assert_eq!(texts(&read.batches[0].1), ["x", "one", "two"]);
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    let p = &read.problems[0];
    assert_eq!(
        (p.incident.as_str(), p.path.as_path(), p.line),
        (id.as_str(), path.as_path(), 4)
    );
    assert_eq!(
        p.to_string(),
        format!(
            "journal {} line 4: torn last line (no newline; the write was cut off), skipped",
            path.display()
        )
    );
    // Polling again does not report it again.
    let again = reader.read_new().unwrap();
    assert!(
        again.batches.is_empty() && again.problems.is_empty(),
        "{again:?}"
    );

    writer.append(&id, &[note("three")]).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[3], r#"{"id":"cut","time":"2026-11-22T03:0"#);
    assert!(text.ends_with('\n'));

    // The tail gets the new line and does not re-report the old fragment.
    let read = reader.read_new().unwrap();
    assert_eq!(texts(&read.batches[0].1), ["three"]);
    assert!(read.problems.is_empty(), "{:?}", read.problems);

    // Read from scratch, the fragment is a cut-off line 4; everything else loads.
    let (events, problems) = reader.load(&id).unwrap();
    assert_eq!(texts(&events), ["x", "one", "two", "three"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 4);
    assert!(problems[0].what.contains("cut off"), "{}", problems[0]);
}

#[test]
fn a_line_completed_later_by_its_writer_is_not_lost() {
    let tmp = TempDir::new("late");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    let id = new_id(j.declare(declared("x", None, t0()), &[], &[]).unwrap());
    let path = tmp.incidents().join(format!("{id}.jsonl"));
    let line = serde_json::to_string(&note("late")).unwrap();
    let (head, rest) = line.split_at(10);
    append_raw(&path, head.as_bytes());
    let mut tail = Journal::open(&tmp.incidents()).unwrap();
    let first = tail.read_new().unwrap();
    assert_eq!(first.problems.len(), 1);
    append_raw(&path, format!("{rest}\n").as_bytes());
    let read = tail.read_new().unwrap();
    assert_eq!(texts(&read.batches[0].1), ["late"]);
    assert!(read.problems.is_empty());
}

#[test]
fn a_malformed_middle_line_is_skipped_and_later_lines_load() {
    let tmp = TempDir::new("malformed");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    let id = new_id(
        j.declare(declared("x", None, t0()), &[note("one")], &[])
            .unwrap(),
    );
    let path = tmp.incidents().join(format!("{id}.jsonl"));
    append_raw(&path, b"this is not json\n\n");
    j.append(&id, &[note("two"), note("three")]).unwrap();

    let (events, problems) = j.load(&id).unwrap();
    assert_eq!(texts(&events), ["x", "one", "two", "three"]);
    assert_eq!(
        problems.len(),
        1,
        "the blank line is not a problem: {problems:?}"
    );
    assert_eq!(problems[0].line, 3);
    assert!(problems[0].to_string().contains("line 3: malformed line"));
    let (incidents, _) = j.load_all().unwrap();
    assert_eq!(incidents[0].events.len(), 4);

    // Files that are not journals are ignored.
    std::fs::write(tmp.incidents().join("README.txt"), "hello").unwrap();
    std::fs::write(tmp.incidents().join("INC-nope.jsonl"), "garbage\n").unwrap();
    let read = Journal::open(&tmp.incidents()).unwrap().read_new().unwrap();
    assert_eq!(read.batches.len(), 1);
    assert_eq!(read.problems.len(), 1);
}

#[test]
fn a_second_journal_on_the_same_dir_tails_the_first_ones_writes() {
    let tmp = TempDir::new("tail");
    let mut a = Journal::open(&tmp.incidents()).unwrap();
    let mut b = Journal::open(&tmp.incidents()).unwrap();
    assert!(b.read_new().unwrap().batches.is_empty());
    let one = new_id(a.declare(declared("one", None, t0()), &[], &[]).unwrap());
    a.append(&one, &[note("n1")]).unwrap();
    let read = b.read_new().unwrap();
    assert_eq!(read.batches.len(), 1);
    assert_eq!(texts(&read.batches[0].1), ["one", "n1"]);

    a.append(&one, &[note("n2")]).unwrap();
    let two = new_id(a.declare(declared("two", None, t0()), &[], &[]).unwrap());
    let read = b.read_new().unwrap();
    let got: Vec<(String, Vec<&str>)> = read
        .batches
        .iter()
        .map(|(id, ev)| (id.clone(), texts(ev)))
        .collect();
    assert_eq!(got, [(one, vec!["n2"]), (two, vec!["two"])]);
}

#[test]
fn unknown_and_invalid_incident_ids_are_errors_that_say_so() {
    let tmp = TempDir::new("unknown");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    let err = j.append("INC-20990101-001", &[note("x")]).unwrap_err();
    assert!(matches!(err, JournalError::NoSuchIncident(..)));
    assert_eq!(
        err.to_string(),
        format!(
            "no incident INC-20990101-001 in {}",
            tmp.incidents().display()
        )
    );
    assert!(matches!(
        j.load("../../etc/passwd"),
        Err(JournalError::BadId(_))
    ));
    assert!(matches!(
        j.declare(note("not a declaration"), &[], &[]),
        Err(JournalError::Invalid(_))
    ));
    assert!(std::fs::read_dir(tmp.incidents()).unwrap().all(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with('.')));
}

#[test]
fn ids_are_numbered_per_utc_day() {
    let tmp = TempDir::new("numbering");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    let mut declare = |at| new_id(j.declare(declared("x", None, at), &[], &[]).unwrap());
    assert_eq!(declare(t0()), "INC-20261122-001");
    assert_eq!(declare(t0()), "INC-20261122-002");
    // 23:30 in New York on the 22nd is the 23rd in UTC.
    assert_eq!(
        declare(Utc.with_ymd_and_hms(2026, 11, 23, 4, 30, 0).unwrap()),
        "INC-20261123-001"
    );
    assert_eq!(declare(t0()), "INC-20261122-003");
    // Numbers continue after the highest one, even with gaps.
    std::fs::write(tmp.incidents().join("INC-20261122-009.jsonl"), "").unwrap();
    assert_eq!(declare(t0()), "INC-20261122-010");
}

#[test]
fn the_activity_log_sits_next_to_the_incidents_and_survives_a_torn_line() {
    let tmp = TempDir::new("activity");
    let mut j = Journal::open(&tmp.incidents()).unwrap();
    assert!(j.read_activity().unwrap().0.is_empty());
    let fired = |key: &str| Activity {
        time: t0(),
        kind: ActivityKind::Fired,
        alertname: "DiskFull".into(),
        fingerprint: "fp".into(),
        key: key.into(),
        actor: String::new(),
    };
    j.log_activity(&[fired("a"), fired("b")]).unwrap();
    let path = tmp.0.join("activity.jsonl");
    append_raw(&path, b"{\"time\":");
    j.log_activity(&[fired("c")]).unwrap();
    let (entries, problems) = j.read_activity().unwrap();
    let keys: Vec<&str> = entries.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].path.as_path(), problems[0].line),
        (path.as_path(), 3)
    );
    // The activity log is not an incident.
    assert!(j.read_new().unwrap().batches.is_empty());
}

/// The team store's outbox keeps its writes across a restart, in order.
#[test]
fn the_outbox_survives_a_restart_in_order() {
    use oncall::store::outbox::{Outbox, Pending};
    let tmp = TempDir::new("outbox");
    let append = |text: &str| Pending::Append {
        incident: "INC-20261122-001".into(),
        events: vec![note(text)],
    };
    let mut ob = Outbox::open(&tmp.0).unwrap();
    ob.push(append("one")).unwrap();
    ob.push(append("two")).unwrap();
    drop(ob);
    let mut ob = Outbox::open(&tmp.0).unwrap();
    assert_eq!(ob.len(), 2);
    assert_eq!(ob.front(), Some(append("one")));
    // Another process sharing the state dir queued one meanwhile: kept.
    Outbox::open(&tmp.0).unwrap().push(append("three")).unwrap();
    ob.remove(&append("one")).unwrap();
    let ob = Outbox::open(&tmp.0).unwrap();
    assert_eq!(ob.front(), Some(append("two")));
    assert_eq!(ob.len(), 2);
}
