//! `oncall schedule` with the real binary: who is on call, with overrides,
//! at a given time, before the rotation starts, and bad schedules refused
//! with the key that is wrong.

use crate::common;

use common::cli::{stderr, stdout, Home};

const SCHEDULES: &str = r#"schedules:
  - {name: fraud-model-oncall, time_zone: America/New_York, turn: 1w, start: "2026-11-02T09:00:00",
     users: [alice, bob, carol], overrides: [{user: dave, start: "2026-12-24T00:00:00", end: "2026-12-26T00:00:00"}]}
  - {name: platform, time_zone: Europe/Berlin, turn: 1d, start: "2026-11-01 08:00", users: [erin, frank]}
"#;

#[test]
fn who_is_on_call_until_when_and_who_is_next() {
    let home = Home::new();
    let config = home.config(SCHEDULES);
    let out = home
        .command(&["--config", &config, "schedule", "--at", "2026-12-25 12:00"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "fraud-model-oncall: dave (override) until Sat 2026-12-26 00:00 EST (05:00 UTC), then"
        ),
        "{text}"
    );
    // Berlin turns hand over at 08:00 CET = 07:00 UTC.
    assert!(
        text.contains("platform: ") && text.contains("08:00 CET (07:00 UTC)"),
        "{text}"
    );

    let one = home
        .command(&[
            "--config",
            &config,
            "schedule",
            "fraud-model-oncall",
            "--at",
            "2026-11-03T12:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&one).trim(),
        "fraud-model-oncall: alice until Mon 2026-11-09 09:00 EST (14:00 UTC), then bob"
    );
}

#[test]
fn before_the_start_and_unknown_names_exit_one_and_say_why() {
    let home = Home::new();
    let config = home.config(SCHEDULES);
    let early = home
        .command(&[
            "--config",
            &config,
            "schedule",
            "fraud-model-oncall",
            "--at",
            "2026-10-01 00:00",
        ])
        .output()
        .unwrap();
    assert_eq!(early.status.code(), Some(1));
    assert!(
        stderr(&early).contains("the rotation starts Mon 2026-11-02 09:00 EST"),
        "{}",
        stderr(&early)
    );
    let unknown = home
        .command(&["--config", &config, "schedule", "nope"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("configured: fraud-model-oncall, platform"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn a_bad_schedule_names_its_key() {
    let home = Home::new();
    for (yaml, needle) in [
        ("schedules:\n  - {name: x, time_zone: Mars/Olympus, turn: 1w, start: \"2026-11-02T09:00:00\", users: [a]}\n", "schedules.x.time_zone"),
        ("schedules:\n  - {name: x, time_zone: UTC, turn: 1w, start: \"next monday\", users: [a]}\n", "schedules.x.start"),
        ("schedules:\n  - {name: x, time_zone: UTC, turn: 1w, start: \"2026-11-02T09:00:00\", users: []}\n", "schedules.x.users"),
        ("schedules:\n  - {name: x, time_zone: UTC, turn: 1w, start: \"2026-11-02T09:00:00\", users: [a], shift: 2}\n", "shift"),
    ] {
        let config = home.config(yaml);
        let out = home.command(&["--config", &config, "schedule"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{yaml}");
        assert!(stderr(&out).contains(needle), "{needle}: {}", stderr(&out));
    }
}
