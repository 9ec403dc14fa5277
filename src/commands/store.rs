//! `oncall store status|migrate`: the shared store for operators. With the
//! files store there is nothing to migrate; status says where it is.

use std::process::ExitCode;

use crate::cli::StoreCommand;
use crate::config::store_spec::StoreSpec;
use crate::config::Settings;
use crate::store::journal::FilesJournal;
use crate::store::paging_store::PagingStore;
use crate::store::postgres::journal::PgJournal;
use crate::store::postgres::migrate;

pub async fn run(settings: &Settings, command: &StoreCommand) -> ExitCode {
    let store = match PagingStore::open(&settings.store, settings.state_dir.as_ref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("oncall: store: {e}");
            return ExitCode::from(1);
        }
    };
    let PagingStore::Postgres(p) = &store else {
        println!("store      {}", store.describe());
        println!("schema     none: the files store needs no migration");
        if let Ok(Some(l)) = store.read_lease().await {
            print_lease(&l);
        }
        return ExitCode::SUCCESS;
    };
    match command {
        StoreCommand::Import => import(settings, &p.pg.at),
        StoreCommand::Migrate => match migrate::migrate(&p.pg).await {
            Ok(applied) if applied.is_empty() => {
                println!(
                    "{}: schema at version {}, nothing to do",
                    p.pg.at,
                    migrate::latest()
                );
                ExitCode::SUCCESS
            }
            Ok(applied) => {
                for v in &applied {
                    println!("{}: applied version {v}", p.pg.at);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("oncall: {e}");
                ExitCode::from(1)
            }
        },
        StoreCommand::Status => match migrate::status(&p.pg).await {
            Ok(s) => {
                println!("store      postgres {}", s.at);
                let verdict = if s.version > s.latest {
                    format!(
                        "NEWER than this oncall knows ({}): upgrade oncall",
                        s.latest
                    )
                } else if s.version < s.latest {
                    format!(
                        "behind this oncall ({}): oncall store migrate applies {}",
                        s.latest,
                        s.pending()
                            .iter()
                            .map(|(v, what)| format!("{v} ({what})"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    "up to date".to_string()
                };
                println!("schema     version {} · {verdict}", s.version);
                if s.version >= 1 {
                    if let Ok(Some(l)) = crate::store::postgres::paging::read_lease(&p.pg).await {
                        print_lease(&l);
                    }
                }
                if s.version > s.latest {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("oncall: {e}");
                ExitCode::from(1)
            }
        },
    }
}

fn print_lease(l: &crate::store::engine_lease::Lease) {
    let now = chrono::Utc::now();
    let state = if l.live(now) {
        format!("until {}", l.until.format("%H:%M:%S UTC"))
    } else {
        format!(
            "ran out at {} (nobody pages as engine)",
            l.until.format("%H:%M:%S UTC")
        )
    };
    println!("engine     {} · {state}", crate::sanitize::line(&l.holder));
}

/// The state dir's journals into PostgreSQL.
fn import(settings: &Settings, at: &str) -> ExitCode {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("oncall: {}", crate::sanitize::line(&e.to_string()));
        ExitCode::from(1)
    };
    let Some(dir) = settings.incident_dir() else {
        return fail(&"no state directory to import from; pass --state-dir DIR");
    };
    let files = match FilesJournal::open(&dir) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let (incidents, problems) = match files.load_all() {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    for p in &problems {
        eprintln!("oncall: {p}");
    }
    let mut journals = Vec::new();
    for i in &incidents {
        match files.load(&i.id) {
            Ok((events, _)) => journals.push((i.id.clone(), events)),
            Err(e) => return fail(&e),
        }
    }
    let (activity, _) = files.read_activity().unwrap_or_default();
    let StoreSpec::Postgres { url, ca_file } = &settings.store else {
        return fail(&"store: import needs store: {kind: postgres, ...}");
    };
    let url = match crate::source::http::read_secret(url, "store") {
        Ok(u) => u,
        Err(e) => return fail(&e),
    };
    let mut pg = match PgJournal::open(url.trim(), ca_file.as_deref()) {
        Ok(j) => j,
        Err(e) => return fail(&e),
    };
    let n = journals.len();
    let events: usize = journals.iter().map(|(_, e)| e.len()).sum();
    match pg.import(journals, &activity) {
        Ok(done) => {
            println!(
                "{at}: {} of {n} incidents new, {} of {events} events new, {} of {} activity entries new",
                done.incidents,
                done.events,
                done.activity,
                activity.len()
            );
            for id in &done.clashes {
                println!("{id}: the store holds another incident under this id; not imported");
            }
            if done.clashes.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail(&e),
    }
}
