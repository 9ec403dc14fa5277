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

/// A claim holds while its claimant may still deliver; a level delivered
/// holds for good; one whose claimant died (its hold ran out with no
/// delivery) is taken over, so it is delivered at least once.
#[test]
fn a_level_not_delivered_is_taken_over_when_its_hold_runs_out() {
    use oncall::store::page_claims::{record, CLAIM_TERM};
    let d = dir("takeover");
    let t0 = Utc::now();
    let key = vec!["p/g@5/0/0".to_string()];
    let term = chrono::Duration::from_std(CLAIM_TERM).unwrap();
    assert!(claim(&d, &key, "engine-a", t0).unwrap());
    assert!(!claim(&d, &key, "engine-b", t0 + term / 2).unwrap(), "held");
    // A died with no outcome written: past the term, B takes it.
    assert!(claim(&d, &key, "engine-b", t0 + term).unwrap());
    // B fails, holding it until its next try...
    let t1 = t0 + term;
    let next = t1 + chrono::Duration::seconds(60);
    record(&d, &key, "engine-b", t1, Err("pager: refused".into()), next).unwrap();
    assert!(!claim(&d, &key, "console", t1 + chrono::Duration::seconds(30)).unwrap());
    // ...and dies: after that, a console takes it and delivers.
    let t2 = next + chrono::Duration::seconds(1);
    assert!(claim(&d, &key, "console", t2).unwrap());
    record(&d, &key, "console", t2, Ok(()), t2).unwrap();
    let much_later = t2 + chrono::Duration::days(1);
    assert!(
        !claim(&d, &key, "anyone", much_later).unwrap(),
        "delivered: for good"
    );
    let text = std::fs::read_to_string(d.join("paged.jsonl")).unwrap();
    assert_eq!(
        text.lines().count(),
        5,
        "every claim and outcome is kept:\n{text}"
    );
    assert!(text.contains("\"outcome\":\"failed\"") && text.contains("pager: refused"));
    let _ = std::fs::remove_dir_all(&d);
}

/// A line written before claims had a term holds for good, as it did.
#[test]
fn an_old_claim_without_a_term_holds() {
    let d = dir("legacy");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("paged.jsonl"),
        "{\"key\":\"p/g@1/0/0\",\"time\":\"2026-11-22T03:00:00Z\",\"by\":\"alice\"}\n",
    )
    .unwrap();
    let later = Utc::now() + chrono::Duration::days(30);
    assert!(!claim(&d, &["p/g@1/0/0".to_string()], "bob", later).unwrap());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn outcomes_count_failures_and_keep_the_first_delivery() {
    use oncall::store::page_claims;
    let dir = dir("outcomes");
    let t0 = chrono::Utc::now();
    let later = t0 + chrono::Duration::seconds(40);
    assert!(
        page_claims::outcomes(&dir).unwrap().is_empty(),
        "no file yet"
    );
    let k = vec!["p/G@1/0/0".to_string()];
    assert!(page_claims::claim(&dir, &k, "serve", t0).unwrap());
    page_claims::record(&dir, &k, "serve", t0, Err("pager: 500".into()), later).unwrap();
    let o = &page_claims::outcomes(&dir).unwrap()[&k[0]];
    assert_eq!(
        (o.failures, o.reason.as_deref(), o.until),
        (1, Some("pager: 500"), Some(later))
    );
    assert_eq!(o.delivered, None);
    page_claims::record(&dir, &k, "serve", later, Ok(()), later).unwrap();
    let o = &page_claims::outcomes(&dir).unwrap()[&k[0]];
    assert_eq!(
        (o.failures, o.delivered, o.by.as_str()),
        (1, Some(later), "serve")
    );
    let _ = std::fs::remove_dir_all(dir);
}
