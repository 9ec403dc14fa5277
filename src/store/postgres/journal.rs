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

use chrono::{DateTime, Utc};

use super::{migrate, Pg};
use crate::model::{Activity, Event, EventKind, Incident};
use crate::store::journal_files::{event_id, id_salt, valid_id, Declared, JournalError};
use crate::store::journal_io::{Problem, Read};

/// The advisory lock every journal write holds for its transaction.
const WRITE_LOCK: i64 = 0x6f6e_6361_6c6d;
/// Every write notifies here (delivered at its commit); readers listen.
const CHANNEL: &str = "oncall_journal";
/// Read by id this often even with no notification (a missed one).
const CATCH_UP: std::time::Duration = std::time::Duration::from_secs(5);

type Job = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// How long one call may take before the store counts as away.
const STORE_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// What a call answers when the store took too long.
trait TimedOut {
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
    pg: Arc<Pg>,
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
    fn run<T: TimedOut + Send + 'static>(
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

/// The JSON a row holds. PostgreSQL's jsonb cannot hold a NUL character
/// (an annotation can carry one, and the files store keeps it): replaced
/// by U+FFFD rather than refused.
fn storable(e: &Event) -> Result<String, serde_json::Error> {
    let mut v = serde_json::to_value(e)?;
    strip_nul(&mut v);
    Ok(v.to_string())
}

fn strip_nul(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => *s = s.replace('\0', "\u{fffd}"),
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_nul),
        serde_json::Value::Object(o) => o.values_mut().for_each(strip_nul),
        _ => {}
    }
}

/// Kind, key and JSON of each entry (a fire or an ack is counted once).
type ActivityRows = (Vec<String>, Vec<String>, Vec<String>);

fn activity_rows(entries: &[Activity]) -> Result<ActivityRows, JournalError> {
    let mut rows: ActivityRows = Default::default();
    for a in entries {
        let mut body = serde_json::to_value(a)?;
        strip_nul(&mut body);
        rows.0.push(body["kind"].as_str().unwrap_or("").to_string());
        rows.1.push(a.key.clone());
        rows.2.push(body.to_string());
    }
    Ok(rows)
}

/// Inserts what is not there yet; returns how many were new.
async fn insert_activity(
    client: &tokio_postgres::Client,
    rows: &ActivityRows,
) -> Result<u64, tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO activity (kind, key, body)
             SELECT k, y, b::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS a(k, y, b)
             ON CONFLICT (kind, key) DO NOTHING",
            &[&rows.0, &rows.1, &rows.2],
        )
        .await
}

/// What `oncall store import` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub incidents: usize,
    pub events: u64,
    pub activity: u64,
    /// Incidents whose id the store gives another incident: left out.
    pub clashes: Vec<String>,
}

impl PgJournal {
    /// Copies incidents (each with every event, ids kept) and activity into
    /// the store; what is there already is left as it is, so running it
    /// twice adds nothing. An id the store holds for another incident (its
    /// declaration differs) is not merged: it is reported.
    pub fn import(
        &mut self,
        incidents: Vec<(String, Vec<Event>)>,
        activity: &[Activity],
    ) -> Result<Imported, JournalError> {
        let mut prepared = Vec::new();
        for (id, events) in incidents {
            let Some(first) = events.first() else {
                continue;
            };
            let declared_at = first.time;
            let mut rows = Vec::new();
            for e in &events {
                let mut e = e.clone();
                if e.id.is_empty() {
                    // Stable across runs, so a second import finds it.
                    e.id = format!(
                        "import-{}",
                        crate::store::postmortem::content_hash(&serde_json::to_string(&e)?)
                    );
                }
                rows.push((e.id.clone(), storable(&e)?));
            }
            prepared.push((id, declared_at, rows));
        }
        let activity = activity_rows(activity)?;
        let pg = self.pg.clone();
        self.run(async move {
            let mut client = pg.get().await.map_err(store_err)?;
            let result = async {
                let err = |e: tokio_postgres::Error| store_err(pg.error(&e));
                let mut done = Imported::default();
                for (id, declared_at, rows) in prepared {
                    let tx = client.transaction().await.map_err(err)?;
                    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                        .await
                        .map_err(err)?;
                    let first: Option<String> = tx
                        .query_opt(
                            "SELECT event_id FROM incident_events WHERE incident_id = $1
                             ORDER BY seq LIMIT 1",
                            &[&id],
                        )
                        .await
                        .map_err(err)?
                        .map(|r| r.get(0));
                    if first.as_ref().is_some_and(|f| *f != rows[0].0) {
                        tx.rollback().await.map_err(err)?;
                        done.clashes.push(id);
                        continue;
                    }
                    let new = tx
                        .execute(
                            "INSERT INTO incidents (id, declared_at) VALUES ($1, $2)
                             ON CONFLICT DO NOTHING",
                            &[&id, &declared_at],
                        )
                        .await
                        .map_err(err)?;
                    done.incidents += new as usize;
                    let ids: Vec<&str> = rows.iter().map(|(i, _)| i.as_str()).collect();
                    let bodies: Vec<&str> = rows.iter().map(|(_, b)| b.as_str()).collect();
                    done.events += tx
                        .execute(
                            "INSERT INTO incident_events (incident_id, event_id, body)
                             SELECT $1, e.id, e.body::jsonb
                             FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS e(id, body, n)
                             ORDER BY e.n
                             ON CONFLICT (incident_id, event_id) DO NOTHING",
                            &[&id, &ids, &bodies],
                        )
                        .await
                        .map_err(err)?;
                    notify(&tx).await.map_err(err)?;
                    tx.commit().await.map_err(err)?;
                }
                done.activity = insert_activity(&client, &activity).await.map_err(err)?;
                Ok(done)
            }
            .await;
            pg.put(client).await;
            result
        })
    }
}

/// A refusal for good is not a store away: it is said, not queued.
fn store_err(e: super::PgError) -> JournalError {
    match e {
        super::PgError::Refused { .. } => JournalError::Invalid(e.to_string()),
        e => JournalError::Store(e.to_string()),
    }
}

async fn all_events(pg: &Pg) -> Result<Vec<(i64, String, String)>, super::PgError> {
    let client = pg.get().await?;
    let rows = client
        .query(
            "SELECT seq, incident_id, body::text FROM incident_events ORDER BY seq",
            &[],
        )
        .await
        .map_err(|e| pg.error(&e));
    pg.put(client).await;
    Ok(rows?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

fn replay(
    by_incident: std::collections::BTreeMap<String, Vec<Event>>,
    problems: &mut Vec<Problem>,
    place: &std::path::Path,
) -> Vec<Incident> {
    let mut out = Vec::new();
    for (id, events) in by_incident {
        match Incident::replay(&id, events) {
            Some(i) => out.push(i),
            None => problems.push(Problem {
                incident: id.clone(),
                path: place.to_path_buf(),
                line: 1,
                what: "the first event is not `declared`, so this is not an incident".into(),
            }),
        }
    }
    out
}

/// Wakes every listening reader when the transaction commits.
async fn notify(tx: &tokio_postgres::Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    tx.execute("SELECT pg_notify($1, '')", &[&CHANNEL])
        .await
        .map(|_| ())
}

async fn insert_events(
    tx: &tokio_postgres::Transaction<'_>,
    incident: &str,
    rows: &[(String, String)],
) -> Result<(), tokio_postgres::Error> {
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let bodies: Vec<&str> = rows.iter().map(|(_, b)| b.as_str()).collect();
    tx.execute(
        "INSERT INTO incident_events (incident_id, event_id, body)
         SELECT $1, e.id, e.body::jsonb FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS e(id, body, n)
         ORDER BY e.n
         ON CONFLICT (incident_id, event_id) DO NOTHING",
        &[&incident, &ids, &bodies],
    )
    .await
    .map(|_| ())
}

/// A new incident under the write lock: unless an open one links one of
/// `unless` already, the next free id of its day, then its events.
async fn declare(
    pg: &Pg,
    day: &str,
    declared_at: DateTime<Utc>,
    rows: Vec<(String, String)>,
    unless: Vec<String>,
) -> Result<Declared, JournalError> {
    let mut client = pg.get().await.map_err(store_err)?;
    let result = async {
        let err = |e: tokio_postgres::Error| store_err(pg.error(&e));
        let tx = client.transaction().await.map_err(err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .await
            .map_err(err)?;
        // Sent again (its first try went through, its answer was lost):
        // the incident it made.
        if let Some(r) = tx
            .query_opt(
                "SELECT incident_id FROM incident_events WHERE event_id = $1",
                &[&rows[0].0],
            )
            .await
            .map_err(err)?
        {
            tx.rollback().await.map_err(err)?;
            return Ok(Declared::New(r.get(0)));
        }
        if !unless.is_empty() {
            let rows = tx
                .query(
                    "SELECT seq, incident_id, body::text FROM incident_events ORDER BY seq",
                    &[],
                )
                .await
                .map_err(err)?;
            let mut by_incident: std::collections::BTreeMap<String, Vec<Event>> =
                Default::default();
            for r in &rows {
                if let Ok(e) = serde_json::from_str::<Event>(r.get::<_, &str>(2)) {
                    by_incident.entry(r.get(1)).or_default().push(e);
                }
            }
            let incidents = replay(by_incident, &mut Vec::new(), std::path::Path::new(""));
            if let Some(i) = incidents
                .iter()
                .find(|i| i.is_open() && unless.iter().any(|fp| i.links(fp)))
            {
                // Ended here, not on drop (see `append`).
                tx.rollback().await.map_err(err)?;
                return Ok(Declared::Exists(i.id.clone()));
            }
        }
        let prefix = format!("INC-{day}-");
        let taken = tx
            .query(
                "SELECT id FROM incidents WHERE id LIKE $1",
                &[&format!("{prefix}%")],
            )
            .await
            .map_err(err)?;
        let n = taken
            .iter()
            .filter_map(|r| {
                r.get::<_, &str>(0)
                    .strip_prefix(&prefix)?
                    .parse::<u32>()
                    .ok()
            })
            .max()
            .unwrap_or(0)
            + 1;
        let id = format!("{prefix}{n:03}");
        tx.execute(
            "INSERT INTO incidents (id, declared_at) VALUES ($1, $2)",
            &[&id, &declared_at],
        )
        .await
        .map_err(err)?;
        insert_events(&tx, &id, &rows).await.map_err(err)?;
        notify(&tx).await.map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(Declared::New(id))
    }
    .await;
    pg.put(client).await;
    result
}
