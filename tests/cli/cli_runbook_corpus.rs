//! Our runbook corpus (`tests/data/runbook_corpus`) through the real
//! binary: `oncall check` warns only about real problems, and `runbook
//! run` keeps one shell session for a run (its dry run shows it).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::cli::{stderr, stdout, Home};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/runbook_corpus")
}

/// `oncall ARGS` under a throwaway HOME, in a working dir inside it.
fn run(home: &Home, a: &[&str]) -> Output {
    let cwd = home.0.join("work");
    std::fs::create_dir_all(&cwd).unwrap();
    let out = home
        .command(a)
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run oncall");
    eprintln!(
        "$ oncall {a:?} → {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    out
}

/// Our corpus in the public runbooks' shapes: `$k` in a single-quoted Go
/// template, `$7` in an awk program, `jq` filters, `$NODE`-style variables
/// the runbook shows as labels, variables an earlier step exported (one
/// shell session per run), `_index.md` pages and nested folders raise
/// nothing; the one variable nothing ever sets does.
#[test]
fn check_on_the_corpus_warns_only_about_real_problems() {
    let home = Home::new();
    let out = run(&home, &["check", "--runbooks", corpus().to_str().unwrap()]);
    let text = stdout(&out) + &stderr(&out);
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning") || l.starts_with("error"))
        .collect();
    assert_eq!(problems.len(), 1, "{text}");
    assert!(
        problems[0].contains("SessionCarriesState.md:32: step step-3: $PROBE_REGION not declared"),
        "{text}"
    );
    let summary = stdout(&out).lines().last().unwrap_or_default().to_string();
    assert!(
        summary.contains("5 runbooks: 0 errors, 1 warning"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(0));
}

/// The corpus's session runbook through the binary: step 1's export, `cd`,
/// alias and function are there in step 3, its file in step 1's directory;
/// the dry run shows the whole session and runs none of it.
#[test]
fn runbook_run_keeps_one_shell_session_and_the_dry_run_shows_it() {
    let home = Home::new();
    let books = home.0.join("work").join("runbooks");
    std::fs::create_dir_all(&books).unwrap();
    let md = corpus().join("storage/disks/SessionCarriesState.md");
    std::fs::copy(md, books.join("SessionCarriesState.md")).unwrap();

    let dry = run(
        &home,
        &["runbook", "run", "SessionCarriesState", "--dry-run"],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let text = stdout(&dry);
    assert!(text.contains("one shell session for the run"), "{text}");
    assert!(
        text.contains("PROBE_DIR: from the session (step 1 sets it)"),
        "{text}"
    );
    let script = text
        .split("── the session, in order")
        .nth(1)
        .expect("the session script");
    assert!(
        script.contains("# step 1 · step-1: Set up where to look, once\nexport PROBE_DIR=\"$(mktemp -d)\"\ncd \"$PROBE_DIR\""),
        "{script}"
    );
    assert!(
        script.contains("# step 3 · step-3: Use what the first step set up\nprobe_note"),
        "{script}"
    );

    let out = run(&home, &["runbook", "run", "SessionCarriesState", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "written once", "{printed}");
    let note = lines[1]
        .strip_prefix("note: ")
        .expect("step 3 ran step 1's function");
    let (pwd, probe) = note.split_once(' ').unwrap();
    assert_eq!(pwd, probe, "step 3 runs where step 1 cd'd to");
    assert_eq!(lines[2..], ["found.txt", "region: "], "{printed}");
    std::fs::remove_dir_all(probe).unwrap();
}
