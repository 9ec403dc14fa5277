//! The fault-injecting HTTP server: a tiny local server that answers badly
//! in every way a proxy, a broken server or a slow network does. The first
//! path segment picks the fault (`http://127.0.0.1:P/truncated/...`), or,
//! under `/switch/`, the fault the test last chose with `FaultServer::set`,
//! so one source URL can be good, then broken, then good again.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long `slow` and `late` hold their answer (beyond any test timeout).
pub const SLOW: Duration = Duration::from_secs(3);

/// Bytes the `huge` fault promises and streams: more than any sane answer.
pub const HUGE: u64 = 100 * 1024 * 1024;

#[derive(Default)]
struct Shared {
    mode: Mutex<String>,
    /// `flap`: how many alert lists were asked for (even ones fail, so the
    /// first answer after a good one is bad).
    flaps: AtomicUsize,
    /// false: the port refuses connections.
    up: AtomicBool,
}

pub struct FaultServer {
    pub port: u16,
    shared: Arc<Shared>,
}

impl FaultServer {
    pub fn start() -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        *shared.mode.lock().unwrap() = "good".into();
        shared.up.store(true, Ordering::SeqCst);
        let s = shared.clone();
        std::thread::spawn(move || serve(listener, port, s));
        FaultServer { port, shared }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The URL whose answers follow `set`.
    pub fn switch_url(&self) -> String {
        format!("{}/switch", self.base())
    }

    /// Chooses what `/switch/` answers from now on (a fault name, or `good`,
    /// or `refused` to close the port).
    pub fn set(&self, mode: &str) {
        *self.shared.mode.lock().unwrap() = mode.to_string();
        let up = mode != "refused";
        if self.shared.up.swap(up, Ordering::SeqCst) != up {
            // The accept loop closes or binds the port within a few ms.
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Accepts while up; while "refused", the listener is closed for real (the
/// kernel answers RST) and bound again on the same port when it comes back.
fn serve(listener: TcpListener, port: u16, shared: Arc<Shared>) {
    let mut listener = Some(listener);
    loop {
        let up = shared.up.load(Ordering::SeqCst);
        match (&listener, up) {
            (Some(_), false) => listener = None,
            (None, true) => listener = TcpListener::bind(("127.0.0.1", port)).ok(),
            _ => {}
        }
        let Some(l) = &listener else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        l.set_nonblocking(true).unwrap();
        match l.accept() {
            Ok((conn, _)) => {
                conn.set_nonblocking(false).unwrap();
                let s = shared.clone();
                std::thread::spawn(move || answer(conn, &s));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// One alert, in Alertmanager's v2 shape, named after the fault server.
pub const GOOD_ALERTS: &str = r#"[{"fingerprint":"f1a2c3","labels":{"alertname":"FromFlaky","severity":"warning"},"annotations":{"summary":"flaky source alert"},"startsAt":"2026-11-22T02:00:00Z","endsAt":"2026-11-22T05:00:00Z","updatedAt":"2026-11-22T02:00:00Z","generatorURL":"","receivers":[{"name":"team"}],"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#;

fn answer(mut conn: TcpStream, shared: &Shared) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    // Read a POST's body: closing with unread bytes makes the kernel send a
    // reset, which the client may see before the answer.
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<u64>().ok())?
        })
        .unwrap_or(0);
    let _ = std::io::copy(&mut (&conn).take(length), &mut std::io::sink());
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let mut segs = path.trim_start_matches('/').split('/');
    let mut fault = segs.next().unwrap_or("").to_string();
    if fault == "switch" {
        fault = shared.mode.lock().unwrap().clone();
    }
    let api = path.split("/api/").nth(1).unwrap_or("");
    if fault == "flap" {
        // Only the alert list flaps, so one poll is one good or bad answer.
        let bad = api.starts_with("v2/alerts")
            && shared
                .flaps
                .fetch_add(1, Ordering::SeqCst)
                .is_multiple_of(2);
        fault = if bad { "500" } else { "good" }.into();
    }
    let json = "application/json";
    let (status, ctype, body): (u16, &str, String) = match fault.as_str() {
        "good" if api.starts_with("v2/alerts") => (200, json, GOOD_ALERTS.into()),
        "good" if api.starts_with("v2/silences") => (200, json, "[]".into()),
        "good" => (404, "text/plain", "404 page not found".into()),
        // The alerts answer, the silences call fails.
        "no-silences" if api.starts_with("v2/alerts") => (200, json, GOOD_ALERTS.into()),
        "no-silences" => (500, "text/plain", "silences are down".into()),
        "500" => (
            500,
            "text/plain",
            "internal error:\n  boom in the datastore\n".into(),
        ),
        "502" => (
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>".into(),
        ),
        "503" => (
            503,
            "text/plain",
            "upstream connect error or disconnect/reset before headers".into(),
        ),
        "malformed" => (200, json, r#"[{"fingerprint": nope}]"#.into()),
        "truncated" => (
            200,
            json,
            r#"[{"fingerprint":"abc","labels":{"alertname":"Dis"#.into(),
        ),
        "shape" => (200, json, r#"{"alerts": []}"#.into()),
        "shape-fields" => (200, json, r#"[{"labels": {"a": 1}}]"#.into()),
        "html" => (
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><body><form>Sign in</form></body></html>".into(),
        ),
        "html-no-type" => (
            200,
            "text/plain",
            "\n  <html><body>Sign in</body></html>".into(),
        ),
        "prom-error" => (
            503,
            json,
            r#"{"status":"error","errorType":"unavailable","error":"TSDB not ready"}"#.into(),
        ),
        "auth" if authorized(&head) => (200, json, "[]".into()),
        "auth" => (401, "text/plain", "Unauthorized".into()),
        "slow" | "late" => {
            std::thread::sleep(SLOW);
            (200, json, "[]".into())
        }
        "reset" => return reset_mid_body(conn),
        "huge" => return huge(conn, false),
        "huge-chunked" => return huge(conn, true),
        _ => (404, "text/plain", "404 page not found".into()),
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Promises 4 kB, sends a part, then aborts with a TCP RST (linger 0), as a
/// crashing server or a middlebox does.
fn reset_mid_body(mut conn: TcpStream) {
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n[{{\"fingerprint\":\"ab"
    );
    let _ = conn.flush();
    std::thread::sleep(Duration::from_millis(50));
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    use std::os::fd::AsRawFd;
    // SAFETY: a valid socket fd and a correctly sized option value.
    unsafe {
        libc::setsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// A 100 MB JSON array of blanks, streamed until the client stops reading;
/// `chunked` sends no Content-Length, so a size cap must hold while reading,
/// not only on the header.
fn huge(mut conn: TcpStream, chunked: bool) {
    let length = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {HUGE}")
    };
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n\r\n"
    );
    let chunk = vec![b' '; 1 << 16];
    let mut sent = 0u64;
    while sent < HUGE {
        let n = chunk.len().min((HUGE - sent) as usize);
        let ok = if chunked {
            write!(conn, "{n:x}\r\n")
                .and_then(|_| conn.write_all(&chunk[..n]))
                .and_then(|_| conn.write_all(b"\r\n"))
        } else {
            conn.write_all(&chunk[..n])
        };
        if ok.is_err() {
            return;
        }
        sent += n as u64;
    }
}

/// A bearer token the `auth` fault accepts, distinct enough to grep logs for.
pub const TOKEN: &str = "t0ken-9f8e7d6c5b4a";

/// The bearer tokens and basic credentials (alice:s3cret) the `auth` fault accepts.
pub fn authorized(head: &str) -> bool {
    head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l == "authorization: bearer t0ken"
            || l == format!("authorization: bearer {TOKEN}")
            || l == "authorization: basic ywxpy2u6cznjcmv0"
    })
}
