//! One contract, two stores: page claims and the engine lease behave the
//! same in the state dir (files) and in a real PostgreSQL. Each scenario
//! runs against both.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use oncall::config::source_spec::Secret;
use oncall::config::store_spec::StoreSpec;
use oncall::store::page_claims::Claim;
use oncall::store::paging_store::PagingStore;

use crate::common::postgres::PgServer;
use crate::common::temp_dir;

/// A files store in a fresh state dir, and a PostgreSQL store in a fresh
/// database of `server`.
async fn both(server: &PgServer, tag: &str) -> Vec<PagingStore> {
    let dir = temp_dir(&format!("contract-{tag}"));
    let files = PagingStore::open(&StoreSpec::Files, Some(&dir)).unwrap();
    let url = server.create_db(tag).await;
    let url_file = dir.join("db-url");
    std::fs::write(&url_file, url).unwrap();
    let spec = StoreSpec::Postgres {
        url: Secret::File(url_file),
        ca_file: None,
    };
    let pg = PagingStore::open(&spec, None).unwrap();
    vec![files, pg]
}

/// Times around the test's own now (the database keeps a week of claims
/// for `outcomes`).
fn t(secs: i64) -> DateTime<Utc> {
    static BASE: std::sync::OnceLock<DateTime<Utc>> = std::sync::OnceLock::new();
    // Whole seconds: PostgreSQL keeps microseconds, not nanoseconds.
    *BASE.get_or_init(|| chrono::SubsecRound::trunc_subsecs(Utc::now(), 0))
        + Duration::seconds(secs)
}

fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_for_the_files_store_and_postgres() {
    let server = PgServer::start();
    for store in both(&server, "claims").await {
        let what = store.describe();
        let level = keys(&["p/G@1/0/0"]);
        // One claimant at a time; a delivered level is done for everyone.
        assert_eq!(
            store.try_claim(&level, "a", t(0)).await,
            Ok(Claim::Won),
            "{what}"
        );
        assert_eq!(
            store.try_claim(&level, "b", t(1)).await,
            Ok(Claim::Held),
            "{what}"
        );
        store.record(&level, "a", t(2), Ok(()), t(2)).await.unwrap();
        assert_eq!(
            store.try_claim(&level, "b", t(500)).await,
            Ok(Claim::Delivered),
            "{what}"
        );

        // Failed, held until its next try; taken over once that runs out.
        let other = keys(&["p/H@1/0/0"]);
        assert_eq!(
            store.try_claim(&other, "a", t(0)).await,
            Ok(Claim::Won),
            "{what}"
        );
        for at in [1, 2] {
            store
                .record(&other, "a", t(at), Err("pager: 500".into()), t(60))
                .await
                .unwrap();
        }
        assert_eq!(
            store.try_claim(&other, "b", t(30)).await,
            Ok(Claim::Held),
            "{what}"
        );
        assert_eq!(
            store.try_claim(&other, "b", t(61)).await,
            Ok(Claim::Won),
            "{what}"
        );
        let seen = store.outcomes().await.unwrap();
        assert_eq!(seen[&other[0]].failures, 2, "{what}");
        assert_eq!(seen[&other[0]].by, "b", "{what}: the last claimant");
        assert_eq!(
            seen[&other[0]].reason.as_deref(),
            Some("pager: 500"),
            "{what}"
        );
        assert_eq!(seen[&level[0]].delivered, Some(t(2)), "{what}");

        // Levels due together are claimed together, or not at all.
        let pair = keys(&["p/I@1/0/0", "p/I@1/0/1"]);
        assert_eq!(store.try_claim(&pair[..1], "a", t(0)).await, Ok(Claim::Won));
        assert_eq!(
            store.try_claim(&pair, "b", t(1)).await,
            Ok(Claim::Held),
            "{what}"
        );
        assert_eq!(
            store.try_claim(&pair[1..], "b", t(1)).await,
            Ok(Claim::Won),
            "{what}"
        );
    }
}

/// Many claimants at once (threads on files, connections on PostgreSQL):
/// exactly one wins each level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimants_racing_for_a_level_win_it_once() {
    let server = PgServer::start();
    for store in both(&server, "race").await {
        let store = Arc::new(store);
        for round in 0..5 {
            let level = keys(&[&format!("p/Race@{round}/0/0")]);
            let mut tasks = Vec::new();
            for who in 0..8 {
                let (store, level) = (store.clone(), level.clone());
                tasks.push(tokio::spawn(async move {
                    store.try_claim(&level, &format!("c{who}"), t(0)).await
                }));
            }
            let mut won = 0;
            for task in tasks {
                if task.await.unwrap().unwrap() == Claim::Won {
                    won += 1;
                }
            }
            assert_eq!(won, 1, "{}: round {round}", store.describe());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_engine_holds_the_lease_until_its_term_runs_out() {
    let server = PgServer::start();
    for store in both(&server, "lease").await {
        let what = store.describe();
        assert_eq!(store.read_lease().await.unwrap(), None, "{what}");
        assert_eq!(store.hold_lease("a", t(0)).await, Ok(true), "{what}");
        assert_eq!(
            store.hold_lease("b", t(1)).await,
            Ok(false),
            "{what}: a holds it"
        );
        assert_eq!(
            store.hold_lease("a", t(10)).await,
            Ok(true),
            "{what}: a renews"
        );
        assert_eq!(
            store.hold_lease("b", t(39)).await,
            Ok(false),
            "{what}: renewed at 10s"
        );
        assert_eq!(
            store.hold_lease("b", t(41)).await,
            Ok(true),
            "{what}: a's ran out"
        );
        store.release_lease("a").await;
        assert_eq!(
            store.read_lease().await.unwrap().map(|l| l.holder),
            Some("b".to_string()),
            "{what}: a cannot give up b's lease"
        );
        store.release_lease("b").await;
        assert_eq!(store.read_lease().await.unwrap(), None, "{what}");
    }
}
