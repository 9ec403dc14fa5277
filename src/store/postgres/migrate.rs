//! The schema's versions, embedded in the binary and applied in order at
//! start (and by `oncall store migrate`) under an advisory lock, so two
//! processes starting together migrate once. A database whose schema is
//! newer than this binary knows is refused: an old binary must not write
//! into tables it does not understand.

use super::{Pg, PgError};

/// Every migration, in order: version n is `MIGRATIONS[n - 1]`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "page claims, attempts and the engine lease",
        include_str!("migrations/0001_paging.sql"),
    ),
    (
        "incidents, their events and the activity log",
        include_str!("migrations/0002_journal.sql"),
    ),
];

/// The version this binary writes.
pub fn latest() -> i32 {
    MIGRATIONS.len() as i32
}

/// An arbitrary key of oncall's own for `pg_advisory_lock`.
const LOCK: i64 = 0x6f6e_6361_6c6c;

/// Where the database stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub at: String,
    /// 0 before any migration.
    pub version: i32,
    pub latest: i32,
}

impl Status {
    pub fn pending(&self) -> Vec<(i32, &'static str)> {
        (self.version + 1..=self.latest)
            .map(|v| (v, MIGRATIONS[(v - 1) as usize].0))
            .collect()
    }
}

const TABLE: &str = "CREATE TABLE IF NOT EXISTS oncall_schema_migrations (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

pub async fn status(pg: &Pg) -> Result<Status, PgError> {
    let client = pg.get().await?;
    let err = |e: tokio_postgres::Error| pg.error(&e);
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('oncall_schema_migrations') IS NOT NULL",
            &[],
        )
        .await
        .map_err(err)?
        .get(0);
    let version = if exists {
        client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM oncall_schema_migrations",
                &[],
            )
            .await
            .map_err(err)?
            .get(0)
    } else {
        0
    };
    pg.put(client).await;
    Ok(Status {
        at: pg.at.clone(),
        version,
        latest: latest(),
    })
}

/// Applies what is missing; refuses a schema newer than this binary.
/// Returns the versions applied.
pub async fn migrate(pg: &Pg) -> Result<Vec<i32>, PgError> {
    let mut client = pg.get().await?;
    let err = |e: tokio_postgres::Error| pg.error(&e);
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK])
        .await
        .map_err(err)?;
    let result = async {
        client.batch_execute(TABLE).await.map_err(err)?;
        let version: i32 = client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM oncall_schema_migrations",
                &[],
            )
            .await
            .map_err(err)?
            .get(0);
        newer_refused(&pg.at, version)?;
        let mut applied = Vec::new();
        for v in version + 1..=latest() {
            let (what, sql) = MIGRATIONS[(v - 1) as usize];
            let tx = client.transaction().await.map_err(err)?;
            tx.batch_execute(sql).await.map_err(err)?;
            tx.execute(
                "INSERT INTO oncall_schema_migrations (version, description) VALUES ($1, $2)",
                &[&v, &what],
            )
            .await
            .map_err(err)?;
            tx.commit().await.map_err(err)?;
            applied.push(v);
        }
        Ok(applied)
    }
    .await;
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK])
        .await;
    pg.put(client).await;
    result
}

/// What the refusal of a newer schema says (`oncall serve` refuses to start on it).
pub const NEWER: &str = "newer than this oncall knows";

fn newer_refused(at: &str, version: i32) -> Result<(), PgError> {
    if version > latest() {
        return Err(PgError::Db {
            at: at.to_string(),
            why: format!(
                "the database's schema is version {version}, {NEWER} \
                 (version {}): upgrade oncall before using this database",
                latest()
            ),
        });
    }
    Ok(())
}
