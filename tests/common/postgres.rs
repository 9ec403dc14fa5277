//! A real PostgreSQL for the team store's tests: initdb in a temporary
//! directory, a server on a free loopback port with password (SCRAM)
//! authentication, stopped and removed on drop. As root it runs as the
//! `postgres` user (initdb refuses root).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, temp_dir};

const INSTALL: &str = "install with: apt-get install postgresql";

/// The superuser's password in every test server: tests look for it in
/// logs and output, where it must never appear.
pub const PASSWORD: &str = "s3cret-Pg-Passw0rd";

pub struct PgServer {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .filter(|p| p.join("initdb").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    if let Some(dir) = found.pop() {
        return dir;
    }
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        if Path::new(dir).join("initdb").exists() {
            return PathBuf::from(dir);
        }
    }
    panic!("PostgreSQL's initdb not found (under /usr/lib/postgresql/*/bin or on PATH); {INSTALL}");
}

/// `cmd` as the `postgres` user when this process is root.
fn as_server_user(program: &Path) -> Command {
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl PgServer {
    pub fn start() -> PgServer {
        let bin = bin_dir();
        let dir = temp_dir("pg");
        let data = dir.join("data");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = as_server_user(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "oncall",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .unwrap_or_else(|e| panic!("cannot run initdb: {e}; {INSTALL}"));
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_file(&pwfile);
        let port = free_port();
        std::fs::File::create(dir.join("postgres.log")).unwrap();
        std::fs::set_permissions(
            dir.join("postgres.log"),
            std::fs::Permissions::from_mode(0o666),
        )
        .unwrap();
        let child = spawn_server(&dir, port);
        let mut server = PgServer { port, dir, child };
        server.wait_ready();
        server
    }

    /// Starts the server again after `stop`, on the same port and data.
    pub fn start_again(&mut self) {
        self.child = spawn_server(&self.dir, self.port);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("postgres exited with {status}:\n{}", self.log());
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                // Accepting connections is not yet accepting queries.
                let ok = Command::new(bin_dir().join("pg_isready"))
                    .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                    .output()
                    .is_ok_and(|o| o.status.success());
                if ok {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("postgres not ready within 30s:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default()
    }

    /// The URL of database `db` (created with `create_db`), no TLS (loopback).
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://oncall:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// A fresh, empty database.
    pub async fn create_db(&self, db: &str) -> String {
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connecting to the test server: {e}\n{}", self.log()));
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE \"{db}\""))
            .await
            .unwrap();
        self.url(db)
    }

    /// Runs SQL in database `db`.
    pub async fn sql(&self, db: &str, sql: &str) {
        let (client, conn) = tokio_postgres::connect(&self.url(db), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(sql).await.unwrap();
    }

    /// Stops the server now (a fast shutdown), as an outage would.
    pub fn stop(&mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let _ = self.child.wait();
    }
}

fn spawn_server(dir: &Path, port: u16) -> Child {
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("postgres.log"))
        .unwrap();
    as_server_user(&bin_dir().join("postgres"))
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
        .arg("-k")
        .arg(dir)
        .args(["-c", "fsync=off", "-c", "max_connections=100"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start postgres: {e}; {INSTALL}"))
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
