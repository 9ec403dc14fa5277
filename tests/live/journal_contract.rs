//! One contract, two stores, for the incident journal: the state dir's
//! files and a real PostgreSQL keep the same record. Declaring, appending,
//! replaying, catching up with another machine's writes (`read_new`),
//! auto-declare once per alert, writers at once losing nothing, the
//! activity log.

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use oncall::config::source_spec::Secret;
use oncall::config::store_spec::StoreSpec;
use oncall::config::Settings;
use oncall::model::{Activity, ActivityKind, Event, EventData, EventKind, Sev};
use oncall::store::journal::{Declared, Journal, JournalError};

use crate::common::postgres::PgServer;
use crate::common::temp_dir;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap()
}

fn declared(title: &str, fingerprint: &str) -> Event {
    Event::new(t0(), "alice", EventKind::Declared, title).with(EventData {
        title: Some(title.into()),
        severity: Some(Sev::Sev2),
        fingerprint: Some(fingerprint.into()),
        ..EventData::default()
    })
}

fn note(text: &str) -> Event {
    Event::new(t0() + Duration::minutes(1), "bob", EventKind::Note, text)
}

/// Opens journals on one store: `open()` twice is two machines sharing it.
struct Store {
    dir: PathBuf,
    settings: Settings,
}

impl Store {
    fn open(&self) -> Journal {
        Journal::for_settings(&self.settings, &self.dir).expect("the journal opens")
    }
}

async fn both(server: &PgServer, tag: &str) -> Vec<Store> {
    let home = temp_dir(&format!("journal-contract-{tag}"));
    let args = oncall::cli::GlobalArgs {
        alertmanagers: vec!["http://127.0.0.1:9".into()],
        state_dir: Some(home.clone()),
        ..Default::default()
    };
    let files = oncall::config::from_args(&args).unwrap();
    let mut pg = files.clone();
    let url_file = home.join("db-url");
    std::fs::write(&url_file, server.create_db(tag).await).unwrap();
    pg.store = StoreSpec::Postgres {
        url: Secret::File(url_file),
        ca_file: None,
    };
    vec![
        Store {
            dir: home.join("incidents"),
            settings: files,
        },
        Store {
            dir: home.join("unused"),
            settings: pg,
        },
    ]
}

fn new_id(d: Declared) -> String {
    match d {
        Declared::New(id) => id,
        Declared::Exists(id) => panic!("expected a new incident, got {id}"),
    }
}

fn texts(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.text.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_contract_holds_for_files_and_postgres() {
    let server = PgServer::start();
    for store in both(&server, "journal").await {
        tokio::task::block_in_place(|| {
            let mut a = store.open();
            let mut b = store.open();
            let what = a.describe();
            // The first read is everything (nothing yet).
            assert!(b.read_new().unwrap().batches.is_empty(), "{what}");
            let id = new_id(
                a.declare(declared("Fraud latency", "fp1"), &[note("paged")], &[])
                    .unwrap(),
            );
            assert_eq!(id, "INC-20261207-001", "{what}");
            a.append(&id, &[note("rolled back"), note("watching")])
                .unwrap();
            // Another machine catches up: every event, in order, once.
            let read = b.read_new().unwrap();
            assert_eq!(read.batches.len(), 1, "{what}");
            assert_eq!(
                texts(&read.batches[0].1),
                ["Fraud latency", "paged", "rolled back", "watching"],
                "{what}"
            );
            assert!(
                b.read_new().unwrap().batches.is_empty(),
                "{what}: nothing twice"
            );
            b.append(&id, &[note("from b")]).unwrap();
            let read = a.read_new().unwrap();
            let all: Vec<&str> = read.batches.iter().flat_map(|(_, e)| texts(e)).collect();
            assert!(all.ends_with(&["from b"]), "{what}: {all:?}");

            // A NUL from an annotation: kept by the files, replaced by U+FFFD
            // in PostgreSQL (jsonb cannot hold it), never a refusal.
            a.append(&id, &[note("nul\0here")]).unwrap();
            let (events, problems) = a.load(&id).unwrap();
            assert!(problems.is_empty(), "{what}");
            assert_eq!(events.len(), 6, "{what}");
            let last = &events.last().unwrap().text;
            assert!(
                last == "nul\0here" || last == "nul\u{fffd}here",
                "{what}: {last:?}"
            );
            assert!(events.iter().all(|e| !e.id.is_empty()), "{what}: ids given");
            // Auto-declare for an alert an open incident links: that one.
            assert_eq!(
                a.declare(declared("again", "fp1"), &[], &["fp1".into()])
                    .unwrap(),
                Declared::Exists(id.clone()),
                "{what}"
            );
            let second = new_id(
                b.declare(declared("Disk", "fp2"), &[], &["fp2".into()])
                    .unwrap(),
            );
            assert_eq!(second, "INC-20261207-002", "{what}");
            let (incidents, _) = a.load_all().unwrap();
            let ids: Vec<&str> = incidents.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids, [id.as_str(), second.as_str()], "{what}");
            assert!(matches!(
                a.append("INC-20261207-999", &[note("x")]),
                Err(JournalError::NoSuchIncident(..))
            ));
            assert!(matches!(a.load("../etc"), Err(JournalError::BadId(_))));

            let fired = Activity {
                time: t0(),
                kind: ActivityKind::Fired,
                alertname: "HighErrorRate".into(),
                fingerprint: "fp9".into(),
                key: "fp9@1".into(),
                actor: "alertmanager".into(),
            };
            a.log_activity(std::slice::from_ref(&fired)).unwrap();
            let (log, _) = b.read_activity().unwrap();
            assert_eq!(log, [fired], "{what}");
        });
    }
}

/// Four writers at once on one incident (threads here; machines in life):
/// every event is there once, in an order every reader agrees on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_at_once_lose_nothing_and_double_nothing() {
    let server = PgServer::start();
    for store in both(&server, "writers").await {
        tokio::task::block_in_place(|| {
            let id = new_id(
                store
                    .open()
                    .declare(declared("Busy", "fp"), &[], &[])
                    .unwrap(),
            );
            // A reader on another machine, reading as they write: it must
            // see every event once, none skipped by a late commit.
            let done = std::sync::atomic::AtomicBool::new(false);
            let seen = std::thread::scope(|s| {
                let reader = {
                    let (store, done) = (&store, &done);
                    s.spawn(move || {
                        let mut r = store.open();
                        let mut seen: Vec<String> = Vec::new();
                        loop {
                            let last = done.load(std::sync::atomic::Ordering::SeqCst);
                            for (_, events) in r.read_new().unwrap().batches {
                                seen.extend(events.into_iter().map(|e| e.text));
                            }
                            if last {
                                return seen;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(5));
                        }
                    })
                };
                let writers: Vec<_> = (0..4)
                    .map(|w| {
                        let (store, id) = (&store, &id);
                        s.spawn(move || {
                            let mut j = store.open();
                            for n in 0..100 {
                                j.append(id, &[note(&format!("w{w} n{n}"))]).unwrap();
                            }
                        })
                    })
                    .collect();
                for w in writers {
                    w.join().unwrap();
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                reader.join().unwrap()
            });
            let what = store.open().describe();
            assert_eq!(seen.len(), 401, "{what}: the reader saw each event once");
            assert_eq!(
                seen.iter().collect::<HashSet<_>>().len(),
                401,
                "{what}: none twice"
            );
            let (events, _) = store.open().load(&id).unwrap();
            let what = store.open().describe();
            assert_eq!(events.len(), 401, "{what}");
            let unique: HashSet<&str> = events.iter().map(|e| e.text.as_str()).collect();
            assert_eq!(unique.len(), 401, "{what}: none doubled");
            // Each writer's own events stay in its order.
            for w in 0..4 {
                let mine: Vec<&str> = events
                    .iter()
                    .map(|e| e.text.as_str())
                    .filter(|t| t.starts_with(&format!("w{w} ")))
                    .collect();
                let want: Vec<String> = (0..100).map(|n| format!("w{w} n{n}")).collect();
                assert_eq!(mine, want, "{what}");
            }
            let mut reader = store.open();
            let read = reader.read_new().unwrap();
            assert_eq!(
                read.batches[0].1.len(),
                401,
                "{what}: a reader sees them all"
            );
        });
    }
}
