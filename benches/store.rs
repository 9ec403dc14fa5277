//! The team store's budgets, on a real PostgreSQL started here (as the
//! tests start it; `apt-get install postgresql` provides it):
//!
//!     cargo bench --bench store            # full sizes, judged
//!     cargo test --benches                 # quick: small sizes, not judged
//!
//! - a note written on machine A is read on machine B: p99 ≤ 2 s over 200
//!   notes (B's journal thread as the console runs it: a flag looked at
//!   every 100 ms, a read by id on a notification);
//! - 10,000 events appended by 4 writers at once: none lost, none doubled;
//! - replaying an incident of 10,000 events ≤ 200 ms.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use oncall::config::source_spec::Secret;
use oncall::config::store_spec::StoreSpec;
use oncall::config::Settings;
use oncall::model::{Event, EventData, EventKind, Incident, Sev};
use oncall::store::journal::{Declared, Journal};

/// The tests' PostgreSQL server; it asks its parent for these two.
#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)]
mod postgres;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("oncall-bench-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn settings(url: &str, tag: &str) -> (Settings, std::path::PathBuf) {
    let home = temp_dir(tag);
    let args = oncall::cli::GlobalArgs {
        alertmanagers: vec!["http://127.0.0.1:9".into()],
        state_dir: Some(home.clone()),
        ..Default::default()
    };
    let mut s = oncall::config::from_args(&args).unwrap();
    let url_file = home.join("db-url");
    std::fs::write(&url_file, url).unwrap();
    s.store = StoreSpec::Postgres {
        url: Secret::File(url_file),
        ca_file: None,
    };
    (s, home)
}

fn declare(j: &mut Journal, title: &str) -> String {
    let first = Event::new(Utc::now(), "bench", EventKind::Declared, title).with(EventData {
        title: Some(title.into()),
        severity: Some(Sev::Sev2),
        ..EventData::default()
    });
    match j.declare(first, &[], &[]).unwrap() {
        Declared::New(id) => id,
        Declared::Exists(id) => id,
    }
}

fn note(text: String) -> Event {
    Event::new(Utc::now(), "bench", EventKind::Note, text)
}

fn verdict(ok: bool, quick: bool) -> &'static str {
    match (quick, ok) {
        (true, _) => "not judged (quick)",
        (false, true) => "ok",
        (false, false) => "OVER BUDGET",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = std::env::var("ONCALL_BENCH_QUICK").is_ok_and(|v| v == "1")
        || args.iter().any(|a| a == "--quick")
        || !args.iter().any(|a| a == "--bench");
    let (notes, events) = if quick { (10, 400) } else { (200, 10_000) };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = postgres::PgServer::start();
    let url = rt.block_on(server.create_db("bench"));
    let (s, dir) = settings(&url, "store");
    let open = || Journal::for_settings(&s, &dir).unwrap();
    let mut over = false;

    // 1. A's note on B.
    let mut a = open();
    let mut b = open();
    let id = declare(&mut a, "latency");
    let _ = b.read_new();
    let mut lat = Vec::new();
    for n in 0..notes {
        let text = format!("note {n}");
        a.append(&id, &[note(text.clone())]).unwrap();
        let start = Instant::now();
        'seen: loop {
            if b.wants_read() {
                let read = b.read_new().unwrap();
                if read
                    .batches
                    .iter()
                    .flat_map(|(_, e)| e)
                    .any(|e| e.text == text)
                {
                    break 'seen;
                }
            }
            std::thread::sleep(b.tail_every());
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "note {n} never arrived"
            );
        }
        lat.push(start.elapsed());
    }
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).clamp(1, lat.len()) - 1];
    let ok = p(0.99) <= Duration::from_secs(2);
    over |= !ok && !quick;
    println!(
        "note on A read on B       p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  over {} notes   budget p99 ≤ 2 s: {}",
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
        lat.len(),
        verdict(ok, quick)
    );

    // 2. Four writers at once.
    let id = declare(&mut a, "writers");
    let per = events / 4;
    let start = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..4 {
            let (open, id) = (&open, &id);
            scope.spawn(move || {
                let mut j = open();
                for n in 0..per {
                    j.append(id, &[note(format!("w{w} n{n}"))]).unwrap();
                }
            });
        }
    });
    let took = start.elapsed();
    let (all, _) = a.load(&id).unwrap();
    let texts: HashSet<&str> = all.iter().skip(1).map(|e| e.text.as_str()).collect();
    let ok = all.len() == events + 1 && texts.len() == events;
    over |= !ok;
    println!(
        "{events} events, 4 writers  {:>7.1} s ({:.0} events/s), {} stored, {} distinct   none lost or doubled: {}",
        took.as_secs_f64(),
        events as f64 / took.as_secs_f64(),
        all.len() - 1,
        texts.len(),
        if ok { "ok" } else { "LOST OR DOUBLED" }
    );

    // 3. Replaying that incident.
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let (events, _) = a.load(&id).unwrap();
        let incident = Incident::replay(&id, events).unwrap();
        times.push(start.elapsed());
        assert!(incident.events.len() > per);
    }
    times.sort();
    let median = times[times.len() / 2];
    let ok = median <= Duration::from_millis(200);
    over |= !ok && !quick;
    println!(
        "replay of {} events      median {:>7.1} ms over 5 runs   budget ≤ 200 ms: {}",
        events + 1,
        median.as_secs_f64() * 1e3,
        verdict(ok, quick)
    );
    let _ = std::fs::remove_dir_all(dir);
    drop(server);
    if over {
        std::process::exit(1);
    }
}
