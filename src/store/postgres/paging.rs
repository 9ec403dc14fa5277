//! Page claims and the engine lease as rows, with the same rules as the
//! state dir's files (`store::page_claims`, `store::engine_lease`): a level
//! is claimed by one process at a time, held for a term, delivered once;
//! one engine pages for every machine using the database.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Pg, PgError};
use crate::store::engine_lease::Lease;
use crate::store::page_claims::{Claim, Outcome, CLAIM_TERM};

/// Claims every key for `by`, unless one was delivered or is held by a
/// claimant whose hold has not run out. The rows are locked for the
/// decision, so claimants on any number of machines decide one at a time.
pub async fn try_claim(
    pg: &Pg,
    keys: &[String],
    by: &str,
    now: DateTime<Utc>,
) -> Result<Claim, PgError> {
    let mut client = pg.get().await?;
    let err = |e: tokio_postgres::Error| pg.error(&e);
    let result = async {
        let tx = client.transaction().await.map_err(err)?;
        tx.execute(
            "INSERT INTO page_claims (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
            &[&keys],
        )
        .await
        .map_err(err)?;
        let rows = tx
            .query(
                "SELECT claimant, hold_until, delivered_at FROM page_claims
                 WHERE key = ANY($1) ORDER BY key FOR UPDATE",
                &[&keys],
            )
            .await
            .map_err(err)?;
        let mut claim = Claim::Won;
        for r in &rows {
            let claimant: Option<String> = r.get(0);
            let until: Option<DateTime<Utc>> = r.get(1);
            let delivered: Option<DateTime<Utc>> = r.get(2);
            if delivered.is_some() {
                claim = Claim::Delivered;
                break;
            }
            if claimant.is_some() && until.is_none_or(|u| u > now) {
                claim = Claim::Held;
            }
        }
        if claim == Claim::Won {
            let until = now + chrono::Duration::from_std(CLAIM_TERM).unwrap_or_default();
            tx.execute(
                "UPDATE page_claims SET claimant = $2, claimed_at = $3, hold_until = $4
                 WHERE key = ANY($1)",
                &[&keys, &by, &now, &until],
            )
            .await
            .map_err(err)?;
        }
        tx.commit().await.map_err(err)?;
        Ok(claim)
    }
    .await;
    pg.put(client).await;
    result
}

/// An attempt's outcome: delivered (held for good) or failed, held by `by`
/// until `until` (its next try); every attempt is kept.
pub async fn record(
    pg: &Pg,
    keys: &[String],
    by: &str,
    now: DateTime<Utc>,
    outcome: Result<(), String>,
    until: DateTime<Utc>,
) -> Result<(), PgError> {
    let mut client = pg.get().await?;
    let err = |e: tokio_postgres::Error| pg.error(&e);
    let result = async {
        let tx = client.transaction().await.map_err(err)?;
        let (word, reason) = match &outcome {
            Ok(()) => {
                tx.execute(
                    "UPDATE page_claims SET delivered_at = coalesce(delivered_at, $2),
                     hold_until = NULL WHERE key = ANY($1)",
                    &[&keys, &now],
                )
                .await
                .map_err(err)?;
                ("delivered", None)
            }
            Err(e) => {
                tx.execute(
                    "UPDATE page_claims SET failures = failures + 1, last_reason = $2,
                     hold_until = $3, claimant = $4 WHERE key = ANY($1)",
                    &[&keys, e, &until, &by],
                )
                .await
                .map_err(err)?;
                ("failed", Some(e.clone()))
            }
        };
        tx.execute(
            "INSERT INTO page_attempts (key, at, by_name, outcome, reason)
             SELECT unnest($1::text[]), $2, $3, $4, $5",
            &[&keys, &now, &by, &word, &reason],
        )
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)
    }
    .await;
    pg.put(client).await;
    result
}

/// Every claimed level of the last week, by key.
pub async fn outcomes(pg: &Pg) -> Result<HashMap<String, Outcome>, PgError> {
    let client = pg.get().await?;
    let rows = client
        .query(
            "SELECT key, claimant, delivered_at, failures, last_reason, hold_until
             FROM page_claims
             WHERE claimant IS NOT NULL AND claimed_at > now() - interval '7 days'",
            &[],
        )
        .await
        .map_err(|e| pg.error(&e));
    pg.put(client).await;
    Ok(rows?
        .iter()
        .map(|r| {
            let failures: i32 = r.get(3);
            (
                r.get::<_, String>(0),
                Outcome {
                    by: r.get(1),
                    delivered: r.get(2),
                    failures: failures.max(0) as u32,
                    reason: r.get(4),
                    until: r.get(5),
                },
            )
        })
        .collect())
}

/// Takes or renews the lease for `holder` unless another holds a live one.
pub async fn hold_lease(pg: &Pg, holder: &str, now: DateTime<Utc>) -> Result<bool, PgError> {
    let until =
        now + chrono::Duration::from_std(crate::store::engine_lease::TERM).unwrap_or_default();
    let client = pg.get().await?;
    let rows = client
        .query(
            "INSERT INTO engine_lease (id, holder, hold_until) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, hold_until = EXCLUDED.hold_until
             WHERE engine_lease.holder = EXCLUDED.holder OR engine_lease.hold_until <= $3
             RETURNING holder",
            &[&holder, &until, &now],
        )
        .await
        .map_err(|e| pg.error(&e));
    pg.put(client).await;
    Ok(rows?.len() == 1)
}

pub async fn read_lease(pg: &Pg) -> Result<Option<Lease>, PgError> {
    let client = pg.get().await?;
    let row = client
        .query_opt(
            "SELECT holder, hold_until FROM engine_lease WHERE id = 1",
            &[],
        )
        .await
        .map_err(|e| pg.error(&e));
    pg.put(client).await;
    Ok(row?.map(|r| Lease {
        holder: r.get(0),
        until: r.get(1),
    }))
}

pub async fn release_lease(pg: &Pg, holder: &str) -> Result<(), PgError> {
    let client = pg.get().await?;
    let done = client
        .execute(
            "DELETE FROM engine_lease WHERE id = 1 AND holder = $1",
            &[&holder],
        )
        .await
        .map_err(|e| pg.error(&e));
    pg.put(client).await;
    done.map(|_| ())
}
