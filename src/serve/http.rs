//! The smallest HTTP/1.1 server that answers a scraper and a health check:
//! `GET /healthz` and `GET /metrics`, one request per connection, the
//! request head read with a bound and a deadline. The answers come from the
//! serve loop (`Ask`), which alone holds the engine.

use crate::store::paging_store::PagingStore;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::Ask;

/// A request head longer than this is refused.
const MAX_HEAD: usize = 8 * 1024;
/// A client that sends its request slower than this is dropped.
const READ_DEADLINE: Duration = Duration::from_secs(5);

pub async fn serve(listener: TcpListener, asks: mpsc::Sender<Ask>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, say: wait rather than spin.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let asks = asks.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(READ_DEADLINE * 2, one(stream, asks)).await;
        });
    }
}

async fn one(mut stream: TcpStream, asks: mpsc::Sender<Ask>) -> std::io::Result<()> {
    let Some(path) = read_path(&mut stream).await? else {
        return respond(&mut stream, 400, "text/plain", "bad request\n").await;
    };
    match path.as_str() {
        "/healthz" => {
            let (tx, rx) = oneshot::channel();
            if asks.send(Ask::Health(tx)).await.is_err() {
                return respond(&mut stream, 503, "text/plain", "stopping\n").await;
            }
            let Ok((mut trouble, dir, store)) = rx.await else {
                return respond(&mut stream, 503, "text/plain", "stopping\n").await;
            };
            if let Some(e) = match (&store, dir) {
                (PagingStore::Postgres(_), _) => store_answers(&store).await.err(),
                (_, Some(dir)) => store_writable(&dir).await.err(),
                (_, None) => None,
            } {
                trouble.push(format!("store: {e}"));
            }
            let ok = trouble.is_empty();
            let body = if ok {
                "ok\n".to_string()
            } else {
                trouble.join("\n") + "\n"
            };
            let status = if ok { 200 } else { 503 };
            respond(&mut stream, status, "text/plain; charset=utf-8", &body).await
        }
        "/metrics" => {
            let (tx, rx) = oneshot::channel();
            if asks.send(Ask::Metrics(tx)).await.is_err() {
                return respond(&mut stream, 503, "text/plain", "stopping\n").await;
            }
            let body = rx.await.unwrap_or_default();
            respond(&mut stream, 200, "text/plain; version=0.0.4", &body).await
        }
        _ => {
            respond(
                &mut stream,
                404,
                "text/plain",
                "not found: /healthz or /metrics\n",
            )
            .await
        }
    }
}

/// Whether the team store answers now (within the read deadline).
async fn store_answers(store: &PagingStore) -> Result<(), String> {
    match tokio::time::timeout(READ_DEADLINE, store.read_lease()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(format!(
            "{}: no answer within {}s",
            store.describe(),
            READ_DEADLINE.as_secs()
        )),
    }
}

/// Whether the state dir takes a write now, probed on the I/O threads so a
/// slow disk holds up this answer only, not the engine.
async fn store_writable(dir: &std::path::Path) -> Result<(), String> {
    let probe = dir.join(".healthz");
    let write = tokio::task::spawn_blocking(move || {
        std::fs::write(&probe, b"ok")?;
        std::fs::remove_file(&probe)
    });
    match tokio::time::timeout(READ_DEADLINE, write).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(format!("{}: {e}", dir.display())),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "{}: a write took over {}s",
            dir.display(),
            READ_DEADLINE.as_secs()
        )),
    }
}

/// The path of a `GET` request (query string dropped), once its head has
/// arrived; `None` for anything else.
async fn read_path(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = match tokio::time::timeout(READ_DEADLINE, stream.read(&mut buf)).await {
            Ok(r) => r?,
            Err(_) => return Ok(None),
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next().unwrap_or("").split_whitespace();
    match (words.next(), words.next()) {
        (Some("GET"), Some(target)) => {
            Ok(Some(target.split('?').next().unwrap_or(target).to_string()))
        }
        _ => Ok(None),
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Service Unavailable",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}
