//! `oncall check` on configs with several errors: every one reported in
//! one run, each at its file and line, and the rest (the team's runbooks,
//! the names that cross sections) still checked.

use crate::cli_check::Env;
use crate::common::cli::stdout;

/// Three mistakes in three places: one run names each, with its file and line.
#[test]
fn every_config_error_is_reported_in_one_run_with_file_and_line() {
    let env = Env::new();
    let config = env.home.config(
        "refresh: 15s\nalertmanagerz:\n  - url: http://127.0.0.1:9\nack:\n  duration: 15m\n  prefx: ACK!\ntimeout: soon\n",
    );
    let out = env.run(&["check", "--config", &config]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    for (line, what) in [(2, "alertmanagerz"), (6, "prefx"), (7, "timeout")] {
        let found = text
            .lines()
            .find(|l| l.starts_with("error: ") && l.contains(&format!("{config}:{line}: ")));
        let found = found.unwrap_or_else(|| panic!("line {line} ({what}) not reported:\n{text}"));
        assert!(found.contains(what), "{found}");
    }
}

/// Mistakes found while building the settings (a severity, a time zone, a
/// wall threshold) are each reported too, at their section's line.
#[test]
fn every_section_with_a_bad_value_is_reported_in_one_run() {
    let env = Env::new();
    let config = env.home.config(
        "refresh: 15s\nincidents:\n  severity_map: {critical: SEV9}\nschedules:\n  - {name: rota, time_zone: Mars/Olympus, turn: 1w, start: \"2026-11-02T09:00:00\", users: [alice]}\nwall:\n  threshold: loud\n",
    );
    let out = env.run(&["check", "--config", &config]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    for (line, what) in [(2, "SEV9"), (4, "Mars/Olympus"), (6, "loud")] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("error: {config}:{line}: ")) && l.contains(what)),
            "{what} at line {line}:\n{text}"
        );
    }
}

/// A config with a parse error still has its `runbooks:` dirs checked, a
/// level naming a notifier that is not there is reported with the other
/// errors at its line, and a notifiers section left out for its own parse
/// error does not make every level's notify an error too.
#[test]
fn a_config_with_errors_still_checks_its_runbooks_and_its_notify_names() {
    let env = Env::new();
    let rb = env.dir(
        "team-rb",
        &[("broken.yaml", "id: broken\nsteps:\n  - {name: one}\n")],
    );
    let config = env.home.config(&format!(
        "refresh: banana\nrunbooks: [{rb}]\nescalation:\n  - name: e\n    levels:\n      - {{after: 5m, targets: [x], notify: [nope]}}\n"
    ));
    let out = env.run(&["check", "--config", &config]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("error: {config}:1: ")), "{text}");
    assert!(
        text.contains(&format!(
            "error: {config}:3: escalation.e.levels[0].notify: \"nope\""
        )),
        "{text}"
    );
    assert!(
        text.contains("broken.yaml:3"),
        "the team's runbooks:\n{text}"
    );

    let config = env.home.config(
        "escalation:\n  - name: e\n    levels:\n      - {after: 5m, targets: [x], notify: [pager]}\nnotifiers:\n  - {name: pager, type: webhook, url: http://x}\n",
    );
    let text = stdout(&env.run(&["check", "--config", &config]));
    assert!(
        text.contains(&format!("{config}:6: notifiers[0]")),
        "{text}"
    );
    assert!(!text.contains("is not in notifiers"), "{text}");
}
