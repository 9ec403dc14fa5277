//! The incident journal in PostgreSQL: incidents and their events as
//! append-only rows (the event's JSON as the files hold it), read back in
//! the store's order. Every write takes one advisory lock for its
//! transaction, so the order of `seq` is the order of commits and a reader
//! that asks for "everything after seq N" never skips a row committed late.
//!
//! The journal's callers are synchronous (the journal thread, the one-shot
//! commands, some inside a tokio runtime), so the queries run on a thread
//! of their own with its own runtime and connections.

use std::future::Future;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use super::journal_rows::{
    activity_rows, all_events, declare, insert_activity, insert_events, notify, replay, storable,
    store_err, CHANNEL, WRITE_LOCK,
};
use super::{migrate, Pg};
use crate::model::{Activity, Event, EventKind, Incident};
use crate::store::journal_files::{event_id, id_salt, valid_id, Declared, JournalError};
use crate::store::journal_io::{Problem, Read};

/// Read by id this often even with no notification (a missed one).
const CATCH_UP: std::time::Duration = std::time::Duration::from_secs(5);

type Job = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// How long one call may take before the store counts as away.
const STORE_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// What a call answers when the store took too long.
pub(super) trait TimedOut {
    fn timed_out() -> Self;
}

const NO_ANSWER: &str = "no answer within 15s";

impl<X> TimedOut for Result<X, super::PgError> {
    fn timed_out() -> Self {
        Err(super::PgError::Config(NO_ANSWER.into()))
    }
}

impl<X> TimedOut for Result<X, JournalError> {
    fn timed_out() -> Self {
        Err(JournalError::Store(format!("store: {NO_ANSWER}")))
    }
}

pub struct PgJournal {
    pub(super) pg: Arc<Pg>,
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
    /// The last row read by `read_new`.
    seen: i64,
    /// Set by the listener on each NOTIFY (and after it reconnects).
    news: Arc<std::sync::atomic::AtomicBool>,
    last_read: std::time::Instant,
    salt: u32,
    counter: u64,
}

impl PgJournal {
    /// Connects (on the journal's own thread) and brings the schema up to
    /// date; a database that does not answer is an error to retry.
    pub fn open(url: &str, ca_file: Option<&std::path::Path>) -> Result<PgJournal, JournalError> {
        let pg = Pg::new(url, ca_file).map_err(store_err)?;
        let (jobs, mut rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                // The runtime runs all along, not only during a job: the
                // connections' tasks (a rollback, the server's messages)
                // go on between jobs.
                rt.block_on(async move {
                    while let Some(job) = rx.recv().await {
                        job.await;
                    }
                });
            })
            .map_err(|e| JournalError::Store(format!("cannot start the store thread: {e}")))?;
        let journal = PgJournal {
            pg,
            jobs,
            seen: 0,
            news: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            last_read: std::time::Instant::now(),
            salt: id_salt(),
            counter: 0,
        };
        let pg = journal.pg.clone();
        journal
            .run(async move { migrate::migrate(&pg).await.map(|_| ()) })
            .map_err(store_err)?;
        // Others' writes wake the reader at once (LISTEN/NOTIFY).
        let (pg, news) = (journal.pg.clone(), journal.news.clone());
        let _ = journal.jobs.send(Box::pin(async move {
            tokio::spawn(async move { pg.listen(CHANNEL, news).await });
        }));
        Ok(journal)
    }

    pub fn at(&self) -> &str {
        &self.pg.at
    }

    /// Whether `read_new` has something to find: a notification came (or
    /// the listener reconnected), or the catch-up time has come.
    pub fn has_news(&mut self) -> bool {
        self.news.swap(false, std::sync::atomic::Ordering::Relaxed)
            || self.last_read.elapsed() >= CATCH_UP
    }

    /// Runs `fut` on the store thread and waits for its answer, for
    /// `STORE_WAIT` at most: a store that hangs is a store away.
    pub(super) fn run<T: TimedOut + Send + 'static>(
        &self,
        fut: impl Future<Output = T> + Send + 'static,
    ) -> T {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::pin(async move {
            let answer = tokio::time::timeout(STORE_WAIT, fut)
                .await
                .unwrap_or_else(|_| T::timed_out());
            let _ = tx.send(answer);
        });
        if self.jobs.send(job).is_err() {
            return T::timed_out();
        }
        rx.recv_timeout(STORE_WAIT + std::time::Duration::from_secs(5))
            .unwrap_or_else(|_| T::timed_out())
    }

    fn where_(&self) -> PathBuf {
        PathBuf::from(format!("postgres {}", self.pg.at))
    }

    /// Every event added since the last call (the first call: all), by
    /// incident, in the store's order.
    pub fn read_new(&mut self) -> Result<Read, JournalError> {
        self.last_read = std::time::Instant::now();
        let (pg, after) = (self.pg.clone(), self.seen);
        let rows = self.run(async move {
            let client = pg.get().await?;
            let rows = client
                .query(
                    "SELECT seq, incident_id, body::text FROM incident_events
                     WHERE seq > $1 ORDER BY seq",
                    &[&after],
                )
                .await
                .map_err(|e| pg.error(&e));
            pg.put(client).await;
            rows.map(|rows| {
                rows.iter()
                    .map(|r| {
                        (
                            r.get::<_, i64>(0),
                            r.get::<_, String>(1),
                            r.get::<_, String>(2),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        });
        let rows = rows.map_err(store_err)?;
        let mut read = Read::default();
        let mut by_incident: std::collections::BTreeMap<String, Vec<Event>> = Default::default();
        for (seq, id, body) in rows {
            self.seen = self.seen.max(seq);
            match serde_json::from_str::<Event>(&body) {
                Ok(e) => by_incident.entry(id).or_default().push(e),
                Err(e) => read.problems.push(self.problem(&id, seq, e)),
            }
        }
        read.batches = by_incident.into_iter().collect();
        Ok(read)
    }

    fn problem(&self, incident: &str, seq: i64, e: serde_json::Error) -> Problem {
        Problem {
            incident: incident.to_string(),
            path: self.where_(),
            line: seq.max(0) as usize,
            what: format!("row {seq} is not an event ({e})"),
        }
    }

    pub fn give_ids(&mut self, events: &mut [Event]) {
        for e in events.iter_mut().filter(|e| e.id.is_empty()) {
            self.counter += 1;
            e.id = event_id(self.salt, self.counter);
        }
    }

    fn fresh(&mut self, events: &[Event]) -> Result<Vec<(String, String)>, JournalError> {
        let mut out = Vec::new();
        for e in events {
            let mut e = e.clone();
            if e.id.is_empty() {
                self.counter += 1;
                e.id = event_id(self.salt, self.counter);
            }
            out.push((e.id.clone(), storable(&e)?));
        }
        Ok(out)
    }

    pub fn declare(
        &mut self,
        first: Event,
        more: &[Event],
        unless_linked: &[String],
    ) -> Result<Declared, JournalError> {
        if first.kind != EventKind::Declared {
            return Err(JournalError::Invalid(format!(
                "an incident journal must start with a `declared` event, not `{}`",
                first.kind.word()
            )));
        }
        let day = first.time.format("%Y%m%d").to_string();
        let declared_at = first.time;
        let mut all = vec![first];
        all.extend_from_slice(more);
        let rows = self.fresh(&all)?;
        let (pg, unless) = (self.pg.clone(), unless_linked.to_vec());
        self.run(async move { declare(&pg, &day, declared_at, rows, unless).await })
    }

    pub fn append(
        &mut self,
        incident: &str,
        events: &[Event],
    ) -> Result<Vec<String>, JournalError> {
        if !valid_id(incident) {
            return Err(JournalError::BadId(incident.to_string()));
        }
        let rows = self.fresh(events)?;
        let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
        if rows.is_empty() {
            return Ok(ids);
        }
        let (pg, incident, place) = (self.pg.clone(), incident.to_string(), self.where_());
        self.run(async move {
            let mut client = pg.get().await.map_err(store_err)?;
            let result = async {
                let err = |e: tokio_postgres::Error| store_err(pg.error(&e));
                let tx = client.transaction().await.map_err(err)?;
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                    .await
                    .map_err(err)?;
                let exists = tx
                    .query_opt("SELECT 1 FROM incidents WHERE id = $1", &[&incident])
                    .await
                    .map_err(err)?;
                if exists.is_none() {
                    // Ended here, not on drop: this thread's runtime sends
                    // nothing between jobs, and the lock would stay held.
                    tx.rollback().await.map_err(err)?;
                    return Err(JournalError::NoSuchIncident(incident.clone(), place));
                }
                insert_events(&tx, &incident, &rows).await.map_err(err)?;
                notify(&tx).await.map_err(err)?;
                tx.commit().await.map_err(err)
            }
            .await;
            pg.put(client).await;
            result
        })?;
        Ok(ids)
    }

    pub fn load(&self, incident: &str) -> Result<(Vec<Event>, Vec<Problem>), JournalError> {
        if !valid_id(incident) {
            return Err(JournalError::BadId(incident.to_string()));
        }
        let (pg, id) = (self.pg.clone(), incident.to_string());
        let (exists, rows) = self
            .run(async move {
                let client = pg.get().await?;
                let result = async {
                    let exists = client
                        .query_opt("SELECT 1 FROM incidents WHERE id = $1", &[&id])
                        .await?
                        .is_some();
                    let rows = client
                        .query(
                            "SELECT seq, body::text FROM incident_events
                             WHERE incident_id = $1 ORDER BY seq",
                            &[&id],
                        )
                        .await?;
                    Ok::<_, tokio_postgres::Error>((
                        exists,
                        rows.iter()
                            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)))
                            .collect::<Vec<_>>(),
                    ))
                }
                .await
                .map_err(|e| pg.error(&e));
                pg.put(client).await;
                result
            })
            .map_err(store_err)?;
        if !exists {
            return Err(JournalError::NoSuchIncident(
                incident.to_string(),
                self.where_(),
            ));
        }
        let mut events = Vec::new();
        let mut problems = Vec::new();
        for (seq, body) in rows {
            match serde_json::from_str::<Event>(&body) {
                Ok(e) => events.push(e),
                Err(e) => problems.push(self.problem(incident, seq, e)),
            }
        }
        Ok((events, problems))
    }

    pub fn load_all(&self) -> Result<(Vec<Incident>, Vec<Problem>), JournalError> {
        let pg = self.pg.clone();
        let rows = self
            .run(async move { all_events(&pg).await })
            .map_err(store_err)?;
        let mut problems = Vec::new();
        let mut by_incident: std::collections::BTreeMap<String, Vec<Event>> = Default::default();
        for (seq, id, body) in rows {
            match serde_json::from_str::<Event>(&body) {
                Ok(e) => by_incident.entry(id).or_default().push(e),
                Err(e) => problems.push(self.problem(&id, seq, e)),
            }
        }
        Ok((replay(by_incident, &mut problems, &self.where_()), problems))
    }

    pub fn log_activity(&mut self, entries: &[Activity]) -> Result<(), JournalError> {
        if entries.is_empty() {
            return Ok(());
        }
        let pg = self.pg.clone();
        let rows = activity_rows(entries)?;
        self.run(async move {
            let client = pg.get().await?;
            let done = insert_activity(&client, &rows)
                .await
                .map_err(|e| pg.error(&e));
            pg.put(client).await;
            done.map(|_| ())
        })
        .map_err(store_err)
    }

    pub fn read_activity(&self) -> Result<(Vec<Activity>, Vec<Problem>), JournalError> {
        let pg = self.pg.clone();
        let rows = self
            .run(async move {
                let client = pg.get().await?;
                let rows = client
                    .query("SELECT seq, body::text FROM activity ORDER BY seq", &[])
                    .await
                    .map_err(|e| pg.error(&e));
                pg.put(client).await;
                rows.map(|rows| {
                    rows.iter()
                        .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)))
                        .collect::<Vec<_>>()
                })
            })
            .map_err(store_err)?;
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for (seq, body) in rows {
            match serde_json::from_str::<Activity>(&body) {
                Ok(a) => out.push(a),
                Err(e) => problems.push(self.problem("activity", seq, e)),
            }
        }
        Ok((out, problems))
    }
}
