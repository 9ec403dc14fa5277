//! `oncall completions bash|zsh|fish` and `oncall man`, generated from the
//! command-line definition: every command is in them, bash accepts the
//! script, and groff renders the page.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::cli::{oncall, stderr, stdout};

const COMMANDS: &[&str] = &[
    "alerts",
    "ack",
    "unack",
    "silence",
    "incident",
    "postmortem",
    "stats",
    "runbook",
    "check",
    "schedule",
    "wall",
    "completions",
    "man",
];

/// Runs `program args` with `input` on stdin; its status and output.
fn run_with_input(program: &str, args: &[&str], input: &str) -> (bool, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e} (install it: apt-get install {program})"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn completions_for_bash_zsh_and_fish_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = oncall(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for c in COMMANDS {
            assert!(script.contains(c), "{shell} completions lack {c}");
        }
        match shell {
            "bash" => {
                let (ok, said) = run_with_input("bash", &["-n"], &script);
                assert!(ok, "bash refuses the script: {said}");
                assert!(script.contains("complete -F _oncall"), "{script}");
            }
            "zsh" => assert!(script.starts_with("#compdef oncall"), "{script}"),
            _ => assert!(script.contains("complete -c oncall"), "{script}"),
        }
    }
    // A shell it does not know is a usage error.
    let out = oncall(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_man_page_renders_and_lists_every_command() {
    let out = oncall(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH oncall 1"), "{page}");
    let (ok, text) = run_with_input("groff", &["-man", "-Tutf8", "-ww"], &page);
    assert!(ok, "groff refuses the page: {text}");
    assert!(!text.contains("warning"), "groff warns: {text}");
    assert!(
        text.contains("terminal console for the person holding the pager"),
        "{text}"
    );
    for c in COMMANDS {
        assert!(text.contains(c), "the man page lacks {c}");
    }
}
