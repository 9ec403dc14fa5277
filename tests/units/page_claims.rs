//! The shared record of pages: a level is claimed once, by one console,
//! also when several claim at the same moment, and across restarts.

use std::sync::{Arc, Barrier};

use chrono::Utc;
use oncall::store::page_claims::claim;

fn dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("oncall-paged-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn a_level_is_claimed_once() {
    let d = dir("once");
    let keys = vec!["p/g@1/0/0".to_string()];
    assert!(claim(&d, &keys, "alice", Utc::now()).unwrap());
    assert!(
        !claim(&d, &keys, "bob", Utc::now()).unwrap(),
        "a second console loses"
    );
    assert!(
        claim(&d, &["p/g@1/0/1".to_string()], "bob", Utc::now()).unwrap(),
        "the next level is new"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn consoles_claiming_together_page_once() {
    let d = dir("race");
    let barrier = Arc::new(Barrier::new(6));
    let wins: usize = (0..6)
        .map(|i| {
            let (d, b) = (d.clone(), barrier.clone());
            std::thread::spawn(move || {
                b.wait();
                claim(&d, &["p/g@9/0/0".to_string()], &format!("c{i}"), Utc::now()).unwrap()
                    as usize
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .sum();
    assert_eq!(wins, 1);
    let _ = std::fs::remove_dir_all(&d);
}
