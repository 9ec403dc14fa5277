//! `oncall store import`: a state dir's journals into PostgreSQL, once.

use super::journal::PgJournal;
use super::journal_rows::{
    activity_rows, insert_activity, notify, storable, store_err, WRITE_LOCK,
};
use crate::model::{Activity, Event};
use crate::store::journal_files::JournalError;

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
