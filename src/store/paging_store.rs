//! Where page claims and the engine lease live: the state dir (files; one
//! machine) or PostgreSQL (a team). One interface, two implementations
//! that keep the same rules; `tests/live/store_contract.rs` runs one suite
//! against both. The PostgreSQL schema is migrated on first use.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::engine_lease::{self, Lease};
use super::page_claims::{self, Claim, Outcome};
use super::postgres::{migrate, paging, Pg, PgError};
use crate::config::store_spec::StoreSpec;

#[derive(Clone, Debug)]
pub enum PagingStore {
    /// No state dir: nothing to share a claim with (every level is won).
    None,
    Files(PathBuf),
    Postgres(Arc<PgStore>),
}

#[derive(Debug)]
pub struct PgStore {
    pub pg: Arc<Pg>,
    migrated: tokio::sync::OnceCell<()>,
}

/// Why the store could not answer, in words (never the database password).
pub type StoreError = String;

impl PagingStore {
    /// From the settings: the spec, and the state dir for `files`.
    pub fn open(spec: &StoreSpec, state_dir: Option<&PathBuf>) -> Result<PagingStore, StoreError> {
        match spec {
            StoreSpec::Files => {
                Ok(state_dir.map_or(PagingStore::None, |d| PagingStore::Files(d.clone())))
            }
            StoreSpec::Postgres { url, ca_file } => {
                let url =
                    crate::source::http::read_secret(url, "store").map_err(|e| e.to_string())?;
                let pg = Pg::new(url.trim(), ca_file.as_deref()).map_err(|e| e.to_string())?;
                Ok(PagingStore::Postgres(Arc::new(PgStore {
                    pg,
                    migrated: tokio::sync::OnceCell::new(),
                })))
            }
        }
    }

    /// `files in DIR`, `postgres user@host:port/db`.
    pub fn describe(&self) -> String {
        match self {
            PagingStore::None => "none (no state dir)".into(),
            PagingStore::Files(d) => format!("files in {}", d.display()),
            PagingStore::Postgres(p) => format!("postgres {}", p.pg.at),
        }
    }

    pub async fn try_claim(
        &self,
        keys: &[String],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, StoreError> {
        match self {
            PagingStore::None => Ok(Claim::Won),
            PagingStore::Files(dir) => {
                let (dir, keys, by) = (dir.clone(), keys.to_vec(), by.to_string());
                blocking(move || page_claims::try_claim(&dir, &keys, &by, now)).await
            }
            PagingStore::Postgres(p) => {
                p.ready().await?;
                timed(paging::try_claim(&p.pg, keys, by, now)).await
            }
        }
    }

    pub async fn record(
        &self,
        keys: &[String],
        by: &str,
        now: DateTime<Utc>,
        outcome: Result<(), String>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match self {
            PagingStore::None => Ok(()),
            PagingStore::Files(dir) => {
                let (dir, keys, by) = (dir.clone(), keys.to_vec(), by.to_string());
                blocking(move || page_claims::record(&dir, &keys, &by, now, outcome, until)).await
            }
            PagingStore::Postgres(p) => {
                p.ready().await?;
                timed(paging::record(&p.pg, keys, by, now, outcome, until)).await
            }
        }
    }

    pub async fn outcomes(&self) -> Result<HashMap<String, Outcome>, StoreError> {
        match self {
            PagingStore::None => Ok(HashMap::new()),
            PagingStore::Files(dir) => {
                let dir = dir.clone();
                blocking(move || page_claims::outcomes(&dir)).await
            }
            PagingStore::Postgres(p) => {
                p.ready().await?;
                timed(paging::outcomes(&p.pg)).await
            }
        }
    }

    /// Takes or renews the engine lease; true while `holder` holds it.
    pub async fn hold_lease(&self, holder: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        match self {
            PagingStore::None => Ok(true),
            PagingStore::Files(dir) => {
                let (dir, holder) = (dir.clone(), holder.to_string());
                blocking(move || engine_lease::hold(&dir, &holder, now)).await
            }
            PagingStore::Postgres(p) => {
                p.ready().await?;
                timed(paging::hold_lease(&p.pg, holder, now)).await
            }
        }
    }

    pub async fn read_lease(&self) -> Result<Option<Lease>, StoreError> {
        match self {
            PagingStore::None => Ok(None),
            PagingStore::Files(dir) => Ok(engine_lease::read(dir)),
            PagingStore::Postgres(p) => {
                p.ready().await?;
                timed(paging::read_lease(&p.pg)).await
            }
        }
    }

    /// Gives the lease up at a clean exit, if `holder` holds it.
    pub async fn release_lease(&self, holder: &str) {
        match self {
            PagingStore::None => {}
            PagingStore::Files(dir) => engine_lease::release(dir, holder),
            PagingStore::Postgres(p) => {
                if let Err(e) = paging::release_lease(&p.pg, holder).await {
                    tracing::warn!(error = %e, "the engine lease was not given up");
                }
            }
        }
    }
}

impl PagingStore {
    /// PostgreSQL's schema brought up to date now (else on first use).
    pub async fn prepare(&self) -> Result<(), StoreError> {
        match self {
            PagingStore::Postgres(p) => p.ready().await,
            _ => Ok(()),
        }
    }
}

impl PgStore {
    /// The schema is brought up to date once, on first use.
    async fn ready(&self) -> Result<(), StoreError> {
        self.migrated
            .get_or_try_init(|| async {
                let applied = migrate::migrate(&self.pg).await?;
                if !applied.is_empty() {
                    tracing::info!(store = %self.pg.at, versions = ?applied, "store schema migrated");
                }
                Ok::<(), PgError>(())
            })
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A store that hangs is a store away: every call ends within 10 s.
async fn timed<T>(
    fut: impl std::future::Future<Output = Result<T, PgError>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(std::time::Duration::from_secs(10), fut).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("store: no answer within 10s".into()),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}
