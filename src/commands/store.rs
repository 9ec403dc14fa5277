//! `oncall store status|migrate`: the shared store for operators. With the
//! files store there is nothing to migrate; status says where it is.

use std::process::ExitCode;

use crate::cli::StoreCommand;
use crate::config::Settings;
use crate::store::paging_store::PagingStore;
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
