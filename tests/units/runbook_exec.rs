//! The step executor with real child processes: streaming, exit codes,
//! timeouts and kills of whole process groups, and alert labels that reach
//! a command only as environment variables.

use crate::common;

use common::fixtures::labels;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oncall::model::runbook::{Runbook, VarSpec};
use oncall::runbook::exec::{self, ExecEvent, ExecHandle, ExecOutcome, ExecRequest, Stream};
use oncall::runbook::vars::command_env;
use tokio::sync::mpsc;

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("oncall-exec-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn request(command: &str) -> ExecRequest {
    ExecRequest {
        command: command.to_string(),
        env: Vec::new(),
        timeout: Duration::from_secs(60),
        workdir: None,
        session: None,
    }
}

fn start(req: ExecRequest) -> (ExecHandle, mpsc::Receiver<ExecEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    (exec::spawn(req, tx), rx)
}

/// All events up to `Done`, checking `Done` comes once and is the last.
async fn collect(mut rx: mpsc::Receiver<ExecEvent>) -> (Vec<(Stream, String)>, ExecOutcome) {
    let wait = async {
        let mut lines = Vec::new();
        loop {
            match rx.recv().await.expect("channel closed before Done") {
                ExecEvent::Output { stream, line } => lines.push((stream, line)),
                ExecEvent::Done(outcome) => {
                    assert!(rx.recv().await.is_none(), "an event after Done");
                    return (lines, outcome);
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("no Done within 30 s")
}

async fn run(req: ExecRequest) -> (Vec<(Stream, String)>, ExecOutcome) {
    let (_handle, rx) = start(req);
    collect(rx).await
}

fn lines_of(lines: &[(Stream, String)], which: Stream) -> Vec<&str> {
    lines
        .iter()
        .filter(|(s, _)| *s == which)
        .map(|(_, l)| l.as_str())
        .collect()
}

/// A living (not zombie) process with this pid.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

async fn wait_dead(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} still alive");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn read_pid(file: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(file) {
            if let Ok(pid) = text.trim().parse() {
                return pid;
            }
        }
        assert!(Instant::now() < deadline, "no pid written to {file:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn streams_both_outputs_in_order() {
    let (lines, outcome) = run(request(
        "echo one; echo err1 >&2; echo two; echo err2 >&2; echo three",
    ))
    .await;
    assert_eq!(lines_of(&lines, Stream::Stdout), ["one", "two", "three"]);
    assert_eq!(lines_of(&lines, Stream::Stderr), ["err1", "err2"]);
    assert_eq!(outcome.exit_code, Some(0));
    assert_eq!(outcome.signal, None);
    assert!(!outcome.timed_out && !outcome.killed && outcome.error.is_none());
}

#[tokio::test]
async fn exit_codes() {
    let (_, ok) = run(request("true")).await;
    assert_eq!(ok.exit_code, Some(0));
    let (lines, three) = run(request("echo before; exit 3")).await;
    assert_eq!(three.exit_code, Some(3));
    assert_eq!(lines_of(&lines, Stream::Stdout), ["before"]);
}

#[tokio::test]
async fn partial_last_line_is_delivered() {
    let (lines, outcome) = run(request("printf 'full\\npartial'")).await;
    assert_eq!(lines_of(&lines, Stream::Stdout), ["full", "partial"]);
    assert_eq!(outcome.exit_code, Some(0));
}

#[tokio::test]
async fn long_lines_are_split_and_bytes_kept_raw() {
    let (lines, _) = run(request("head -c 20000 /dev/zero | tr '\\0' a")).await;
    let lens: Vec<usize> = lines.iter().map(|(_, l)| l.len()).collect();
    assert_eq!(lens, [8192, 8192, 20000 - 2 * 8192]);

    // Exactly the limit followed by a newline is one line, not a line and an empty one.
    let (lines, _) = run(request(
        "head -c 8192 /dev/zero | tr '\\0' b; echo; echo next",
    ))
    .await;
    let lens: Vec<usize> = lines.iter().map(|(_, l)| l.len()).collect();
    assert_eq!(lens, [8192, 4]);

    // Invalid UTF-8 becomes U+FFFD; escape sequences are left for the UI.
    let (lines, _) = run(request("printf 'a\\377b\\n\\033[31mred\\r\\n'")).await;
    assert_eq!(
        lines_of(&lines, Stream::Stdout),
        ["a\u{FFFD}b", "\u{1b}[31mred"]
    );
}

#[tokio::test]
async fn timeout_kills_the_group() {
    let mut req = request("sleep 30");
    req.timeout = Duration::from_millis(300);
    let began = Instant::now();
    let (_, outcome) = run(req).await;
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "took {:?}",
        began.elapsed()
    );
    assert!(outcome.timed_out);
    assert!(!outcome.killed);
    assert_eq!(outcome.exit_code, None);
    assert_eq!(outcome.signal, Some(libc::SIGTERM));
}

#[tokio::test]
async fn timeout_escalates_to_sigkill_when_term_is_ignored() {
    let mut req = request("trap '' TERM; sleep 30; echo survived");
    req.timeout = Duration::from_millis(300);
    let began = Instant::now();
    let (lines, outcome) = run(req).await;
    // TERM is ignored, so only the KILL 2 s later ends it.
    assert!(
        began.elapsed() >= exec::KILL_GRACE,
        "took {:?}",
        began.elapsed()
    );
    assert!(
        began.elapsed() < Duration::from_secs(15),
        "took {:?}",
        began.elapsed()
    );
    assert!(outcome.timed_out);
    assert_eq!(outcome.signal, Some(libc::SIGKILL));
    assert!(lines.is_empty(), "{lines:?}");
}

#[tokio::test]
async fn kill_takes_grandchildren_too() {
    let dir = temp_dir("kill");
    let pidfile = dir.join("grandchild.pid");
    let cmd = format!("sleep 100 & echo $! > '{}'; sleep 100", pidfile.display());
    let (handle, rx) = start(request(&cmd));
    let grandchild = read_pid(&pidfile).await;
    assert!(
        alive(grandchild),
        "grandchild {grandchild} should run before the kill"
    );
    assert!(handle.pgid() > 1);
    handle.kill();
    let (_, outcome) = collect(rx).await;
    assert!(outcome.killed);
    assert!(!outcome.timed_out);
    assert_ne!(outcome.exit_code, Some(0));
    wait_dead(grandchild).await;
    wait_dead(handle.pgid()).await;
}

#[tokio::test]
async fn a_background_child_holding_the_pipes_does_not_hang_done() {
    let dir = temp_dir("bg");
    let pidfile = dir.join("bg.pid");
    let cmd = format!("sleep 60 & echo $! > '{}'; echo started", pidfile.display());
    let began = Instant::now();
    let (lines, outcome) = run(request(&cmd)).await;
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "took {:?}",
        began.elapsed()
    );
    assert_eq!(lines_of(&lines, Stream::Stdout), ["started"]);
    assert_eq!(outcome.exit_code, Some(0));
    assert!(!outcome.killed && !outcome.timed_out);
    wait_dead(read_pid(&pidfile).await).await;
}

#[tokio::test]
async fn spawn_failure_is_a_done_with_error() {
    let mut req = request("echo never");
    req.workdir = Some(PathBuf::from("/nonexistent/oncall/workdir"));
    let (handle, rx) = start(req);
    let (lines, outcome) = collect(rx).await;
    assert!(lines.is_empty());
    assert_eq!(handle.pgid(), 0);
    let error = outcome.error.expect("an error");
    assert!(error.contains("could not start"), "{error}");
    assert_eq!(outcome.exit_code, None);
}

#[tokio::test]
async fn workdir_and_env_are_applied() {
    let dir = temp_dir("wd");
    let mut req = request("pwd; echo \"$HOME|$ONCALL_TEST_ONE\"");
    req.workdir = Some(dir.clone());
    req.env = vec![
        ("HOME".into(), "/overridden".into()),
        ("ONCALL_TEST_ONE".into(), "1".into()),
    ];
    let (lines, _) = run(req).await;
    let canonical = dir.canonicalize().expect("canonical");
    assert_eq!(
        lines_of(&lines, Stream::Stdout),
        [canonical.to_str().expect("utf-8 path"), "/overridden|1"]
    );
}

fn runbook(vars: &[(&str, VarSpec)]) -> Runbook {
    common::fixtures::vars_runbook(vars)
}

#[tokio::test]
async fn hostile_label_reaches_the_command_only_as_data() {
    let dir = temp_dir("inject");
    let marker = dir.join("pwned");
    let m = marker.display();
    let value = format!("x$(touch {m})`touch {m}`'\"; touch {m}; ${{IFS}}*");
    let rb = runbook(&[(
        "VAR",
        VarSpec {
            label: Some("payload".into()),
            pattern: Some(".*".into()),
            ..VarSpec::default()
        },
    )]);
    let command = "printf '%s\\n' \"$VAR\"";
    let env = command_env(
        &rb,
        &labels(&[("payload", &value)]),
        &BTreeMap::new(),
        command,
    )
    .expect("the pattern admits it");
    assert!(env.contains(&("VAR".to_string(), value.clone())));
    // The label's own forms are checked by the default rule and, unused, left out.
    assert!(env
        .iter()
        .all(|(n, _)| n != "PAYLOAD" && n != "ONCALL_LABEL_PAYLOAD"));

    let mut req = request(command);
    req.env = env;
    req.workdir = Some(dir.clone());
    let (lines, outcome) = run(req).await;
    assert_eq!(outcome.exit_code, Some(0));
    assert_eq!(lines_of(&lines, Stream::Stdout), [value.as_str()]);
    assert!(!marker.exists(), "the label value was executed");
}

#[tokio::test]
async fn a_command_that_floods_waits_for_its_reader() {
    let (tx, mut rx) = mpsc::channel(16);
    let _h = exec::spawn(request("seq 1 200000"), tx);
    // Nobody reads for a while: the command must be held at its pipe, not
    // have its 200,000 lines buffered in memory.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut n = 0;
    let mut early_done = false;
    while let Ok(ev) = rx.try_recv() {
        n += 1;
        early_done |= matches!(ev, ExecEvent::Done(_));
    }
    assert!(!early_done && n <= 16, "{n} events queued unread");
    let (lines, outcome) = collect(rx).await;
    assert_eq!(outcome.exit_code, Some(0));
    assert_eq!(n + lines.len(), 200_000);
    assert_eq!(lines.last().map(|(_, l)| l.as_str()), Some("200000"));
}

#[tokio::test]
async fn a_step_leads_a_session_of_its_own_so_it_has_no_terminal() {
    // Field 6 of /proc/PID/stat is the session id: a session leader's is its pid.
    let (lines, outcome) = run(request("echo \"$$ $(cut -d' ' -f6 /proc/$$/stat)\"")).await;
    assert_eq!(outcome.exit_code, Some(0));
    let line = &lines[0].1;
    let (pid, sid) = line.split_once(' ').unwrap();
    assert_eq!(pid, sid, "the shell leads its own session: {line}");
    let ours = std::fs::read_to_string("/proc/self/stat").unwrap();
    assert_ne!(ours.split(' ').nth(5), Some(sid), "not our session");
}
