//! Write paths under faults: an HA cluster of one broken member (the fault
//! server, one row per fault) and one real Alertmanager. The write lands on
//! the real member, which then holds it; when every member fails, the
//! status line names each member and its reason, and nothing is claimed.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::faults::FaultServer;
use common::{spec, Alertmanagers};
use oncall::core::{update, Msg, State, StatusLevel};
use oncall::model::{MatchOp, Matcher, SilenceDraft};
use oncall::source::alertmanager_writes::{execute, WriteOp, WriteRequest};
use oncall::source::cluster::Cluster;
use oncall::source::{fetch_once, SourceKind};

const TIMEOUT: Duration = Duration::from_millis(800);

/// The broken member's fault → what the report must say went wrong there
/// when it is the only member.
const MEMBER_FAULTS: &[(&str, &str)] = &[
    (
        "500",
        "500 from broken: internal error: boom in the datastore",
    ),
    ("503", "503 from broken: upstream connect error"),
    (
        "html",
        "broken: answered with an HTML page, not the API (a login proxy?)",
    ),
    (
        "reset",
        "broken: cannot connect: connection reset by the server",
    ),
    ("late", "broken: no answer within 0.8s"),
    ("refused", "broken: cannot connect: connection refused"),
];

fn draft(comment: &str) -> SilenceDraft {
    let now = Utc::now();
    SilenceDraft {
        id: None,
        matchers: vec![Matcher::new("alertname", MatchOp::Eq, "FaultWrite").unwrap()],
        starts_at: now,
        ends_at: now + chrono::Duration::hours(1),
        created_by: "alice".into(),
        comment: comment.into(),
    }
}

fn request(members: Vec<usize>, comment: &str) -> WriteRequest {
    WriteRequest {
        what: format!("silence {comment}"),
        from_form: false,
        jobs: vec![(
            Cluster {
                name: "eu".into(),
                members,
            },
            WriteOp::Silence(draft(comment)),
        )],
    }
}

#[tokio::test]
async fn a_write_skips_a_broken_ha_member_and_lands_on_the_real_one() {
    let ams = Alertmanagers::start(1);
    let server = FaultServer::start();
    let broken = spec(
        "broken",
        SourceKind::Alertmanager,
        &server.switch_url(),
        Some("eu"),
    );
    let specs = vec![broken, ams.spec(0)];
    for (fault, reason) in MEMBER_FAULTS {
        server.set(fault);
        let mut state = State::new(&specs, Utc::now(), Duration::from_secs(15));

        // The broken member first: the write must go on to the real one.
        let report = execute(&specs, TIMEOUT, request(vec![0, 1], fault)).await;
        let (_, result) = &report.results[0];
        assert!(
            result.as_ref().is_ok_and(|t| t.contains("created")),
            "{fault}: {result:?}"
        );
        update(&mut state, Msg::Wrote(report));
        let (level, text, _) = state.status.clone().unwrap();
        assert_eq!(level, StatusLevel::Info, "{fault}: {text}");
        let held = fetch_once(&specs[1], TIMEOUT).await.unwrap().silences;
        assert!(
            held.iter().any(|s| s.comment == *fault),
            "{fault}: the real member holds the silence"
        );

        // The broken member alone: a failure that names it and why.
        let report = execute(&specs, TIMEOUT, request(vec![0], fault)).await;
        update(&mut state, Msg::Wrote(report));
        let (level, text, _) = state.status.clone().unwrap();
        assert_eq!(level, StatusLevel::Error, "{fault}: {text}");
        assert!(
            text.starts_with(&format!("silence {fault} failed: eu: {reason}")),
            "{fault}: {text}"
        );
    }
    server.set("good");
}
