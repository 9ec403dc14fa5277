//! The rows of the PostgreSQL journal: how an event or an activity entry
//! becomes a row, the writes every journal operation shares (events under
//! the write lock, the notification), reading back, and declaring.

use chrono::{DateTime, Utc};

use super::Pg;
use crate::model::{Activity, Event, Incident};
use crate::store::journal_files::{Declared, JournalError};
use crate::store::journal_io::Problem;

/// The advisory lock every journal write holds for its transaction.
pub(super) const WRITE_LOCK: i64 = 0x6f6e_6361_6c6d;
/// Every write notifies here (delivered at its commit); readers listen.
pub(super) const CHANNEL: &str = "oncall_journal";

/// The JSON a row holds. PostgreSQL's jsonb cannot hold a NUL character
/// (an annotation can carry one, and the files store keeps it): replaced
/// by U+FFFD rather than refused.
pub(super) fn storable(e: &Event) -> Result<String, serde_json::Error> {
    let mut v = serde_json::to_value(e)?;
    strip_nul(&mut v);
    Ok(v.to_string())
}

pub(super) fn strip_nul(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => *s = s.replace('\0', "\u{fffd}"),
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_nul),
        serde_json::Value::Object(o) => o.values_mut().for_each(strip_nul),
        _ => {}
    }
}

/// Kind, key and JSON of each entry (a fire or an ack is counted once).
pub(super) type ActivityRows = (Vec<String>, Vec<String>, Vec<String>);

pub(super) fn activity_rows(entries: &[Activity]) -> Result<ActivityRows, JournalError> {
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
pub(super) async fn insert_activity(
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

/// A refusal for good is not a store away: it is said, not queued.
pub(super) fn store_err(e: super::PgError) -> JournalError {
    match e {
        super::PgError::Refused { .. } => JournalError::Invalid(e.to_string()),
        e => JournalError::Store(e.to_string()),
    }
}

pub(super) async fn all_events(pg: &Pg) -> Result<Vec<(i64, String, String)>, super::PgError> {
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

pub(super) fn replay(
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
pub(super) async fn notify(
    tx: &tokio_postgres::Transaction<'_>,
) -> Result<(), tokio_postgres::Error> {
    tx.execute("SELECT pg_notify($1, '')", &[&CHANNEL])
        .await
        .map(|_| ())
}

pub(super) async fn insert_events(
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
pub(super) async fn declare(
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
