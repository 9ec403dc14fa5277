//! The team store in PostgreSQL: a connection (TLS verified by rustls
//! unless the URL says `sslmode=disable`), a small pool, the schema's
//! migrations, and the page claims and engine lease kept in it. The URL
//! holds a password: it is never logged or shown; `describe` names the
//! database without it.

pub mod import;
pub mod journal;
mod journal_rows;
pub mod migrate;
pub mod paging;

use std::path::Path;
use std::sync::Arc;

use tokio::sync::Mutex;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls};

/// Connections kept open for reuse.
const IDLE: usize = 4;
/// Connections in use at once, at most.
const OPEN: usize = 8;
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("store: {0}")]
    Config(String),
    #[error("store {at}: {why}")]
    Db { at: String, why: String },
    /// Refused for good (the data or the statement), not for now.
    #[error("store {at} refused it: {why}")]
    Refused { at: String, why: String },
}

pub struct Pg {
    config: Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    /// `user@host:port/db`, for messages.
    pub at: String,
    idle: Mutex<Vec<Client>>,
    /// At most `OPEN` connections in use at once (the listener apart): a
    /// burst of pages waits for one rather than exhaust the server's.
    open: Arc<tokio::sync::Semaphore>,
}

/// A connection from the pool: a `Client`, and its place among the open.
pub struct Pooled {
    client: Client,
    _place: tokio::sync::OwnedSemaphorePermit,
}

impl std::ops::Deref for Pooled {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

impl std::fmt::Debug for Pg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pg({})", self.at)
    }
}

impl Pg {
    /// From the URL (or `key=value` string) and an extra CA. Nothing is
    /// connected yet.
    pub fn new(url: &str, ca_file: Option<&Path>) -> Result<Arc<Pg>, PgError> {
        // Its error may quote the string, password and all: not repeated.
        let mut config: Config = url.parse().map_err(|_| {
            PgError::Config(
                "the database URL cannot be read (postgres://USER:PASSWORD@HOST:PORT/DB, \
                 special characters in the password percent-encoded)"
                    .into(),
            )
        })?;
        // `user:pa@ss@host`: the rest of the password reads as the host.
        let at_in_host = config.get_hosts().iter().any(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.contains('@'),
            tokio_postgres::config::Host::Unix(_) => false,
        });
        if at_in_host {
            return Err(PgError::Config(
                "the database URL has an @ in its password: percent-encode it as %40".into(),
            ));
        }
        config.connect_timeout(CONNECT_TIMEOUT);
        // A store that hangs must fail, not wait: a claim or a write that
        // waits forever pages nobody and queues nothing. The server ends a
        // statement, a lock wait or an idle transaction; TCP notices a
        // dead peer within seconds, not hours.
        let mut options = config.get_options().unwrap_or("").to_string();
        options.push_str(
            " -c statement_timeout=5000 -c lock_timeout=4000 -c idle_in_transaction_session_timeout=15000",
        );
        config.options(options.trim());
        config.keepalives_idle(std::time::Duration::from_secs(30));
        config.tcp_user_timeout(std::time::Duration::from_secs(15));
        let at = scrub(&config, describe(&config));
        // TLS unless the operator says otherwise, and never "prefer": a
        // server that offers none is refused rather than used in the clear.
        let tls = if config.get_ssl_mode() == SslMode::Disable {
            None
        } else {
            config.ssl_mode(SslMode::Require);
            Some(tls_connector(ca_file)?)
        };
        Ok(Arc::new(Pg {
            config,
            tls,
            at,
            idle: Mutex::new(Vec::new()),
            open: Arc::new(tokio::sync::Semaphore::new(OPEN)),
        }))
    }

    /// A connection from the pool (or a new one); give it back with `put`.
    pub async fn get(&self) -> Result<Pooled, PgError> {
        let place = self
            .open
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| PgError::Config("the pool is closed".into()))?;
        while let Some(c) = self.idle.lock().await.pop() {
            if !c.is_closed() {
                return Ok(Pooled {
                    client: c,
                    _place: place,
                });
            }
        }
        let err = |e: tokio_postgres::Error| self.error(&e);
        let client = match &self.tls {
            None => {
                let (client, conn) = self.config.connect(NoTls).await.map_err(err)?;
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                client
            }
            Some(tls) => {
                let (client, conn) = self.config.connect(tls.clone()).await.map_err(err)?;
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                client
            }
        };
        Ok(Pooled {
            client,
            _place: place,
        })
    }

    /// Listens on `channel` for as long as the process lives, setting `news`
    /// on each notification, and once after each (re)connection: what was
    /// written while not listening is then read by id.
    pub async fn listen(&self, channel: &str, news: Arc<std::sync::atomic::AtomicBool>) {
        loop {
            let listened = match &self.tls {
                None => match self.config.connect(NoTls).await {
                    Ok((client, conn)) => drive(client, conn, channel, &news).await,
                    Err(e) => Err(e),
                },
                Some(tls) => match self.config.connect(tls.clone()).await {
                    Ok((client, conn)) => drive(client, conn, channel, &news).await,
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = listened {
                tracing::debug!(store = %self.at, error = %plain(&e), "not listening; trying again");
            }
            news.store(true, std::sync::atomic::Ordering::Relaxed);
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    pub async fn put(&self, pooled: Pooled) {
        let mut idle = self.idle.lock().await;
        if idle.len() < IDLE && !pooled.client.is_closed() {
            idle.push(pooled.client);
        }
    }

    pub fn error(&self, e: &tokio_postgres::Error) -> PgError {
        let why = scrub(&self.config, plain(e));
        // The server refused the data or the statement (a value it cannot
        // store, a constraint, a schema it does not have): trying again
        // will not help. Anything else (connection, timeout) may pass.
        let refused = e
            .code()
            .is_some_and(|c| ["22", "23", "42"].contains(&&c.code()[..2]));
        let at = self.at.clone();
        if refused {
            PgError::Refused { at, why }
        } else {
            PgError::Db { at, why }
        }
    }
}

/// Runs one listening connection until it ends.
async fn drive<S, T>(
    client: Client,
    mut conn: tokio_postgres::Connection<S, T>,
    channel: &str,
    news: &std::sync::atomic::AtomicBool,
) -> Result<(), tokio_postgres::Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use std::future::Future;
    use std::sync::atomic::Ordering;
    use tokio_postgres::AsyncMessage;
    let listen = format!("LISTEN {channel}");
    let mut asked = std::pin::pin!(client.batch_execute(&listen));
    let mut listening = false;
    loop {
        // The LISTEN goes out through the connection polled here.
        let message = std::future::poll_fn(|cx| {
            if !listening {
                if let std::task::Poll::Ready(r) = asked.as_mut().poll(cx) {
                    listening = true;
                    if let Err(e) = r {
                        return std::task::Poll::Ready(Some(Err(e)));
                    }
                    // Listening now: what came before is read by id.
                    news.store(true, Ordering::Relaxed);
                }
            }
            conn.poll_message(cx)
        })
        .await;
        match message {
            Some(Ok(AsyncMessage::Notification(_))) => news.store(true, Ordering::Relaxed),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => return Ok(()),
        }
    }
}

/// The error and its cause, in one line (tokio-postgres says only "db
/// error" at the top).
fn plain(e: &tokio_postgres::Error) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

/// The text with the password taken out, wherever it shows (a password
/// with an unencoded `@` reads as part of the host).
fn scrub(config: &Config, text: String) -> String {
    match config.get_password().map(String::from_utf8_lossy) {
        Some(pw) if !pw.is_empty() => text.replace(pw.as_ref(), "***"),
        _ => text,
    }
}

/// `user@host:port/db`: where, never the password.
pub fn describe(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or("?"),
        config.get_dbname().unwrap_or("?")
    )
}

fn tls_connector(
    ca_file: Option<&Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, PgError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        use rustls::pki_types::pem::PemObject;
        let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| PgError::Config(format!("store.ca_file {}: {e}", path.display())))?;
        for cert in certs {
            let cert = cert
                .map_err(|e| PgError::Config(format!("store.ca_file {}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| PgError::Config(format!("store.ca_file {}: {e}", path.display())))?;
        }
    }
    // rustls is built with ring only: its default provider is ring.
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_in_no_message() {
        for url in [
            // Not read as a URL: the key=value parser would quote it whole.
            "\"postgres://oncall:s3cretPW@db:5432/oncall?sslmode=disable\"",
            "jdbc:postgresql://oncall:s3cretPW@db:5432/oncall?sslmode=disable",
        ] {
            let e = Pg::new(url, None).unwrap_err().to_string();
            assert!(!e.contains("s3cretPW"), "{e}");
            assert!(e.contains("cannot be read"), "{e}");
        }
        // An unencoded @ in the password reads as part of the host.
        let e = Pg::new(
            "postgres://oncall:s3cret@PW@db.example:5432/oncall?sslmode=disable",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(!e.contains("s3cret") && !e.contains("PW@"), "{e}");
        assert!(e.contains("percent-encode"), "{e}");
    }
}
