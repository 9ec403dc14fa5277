//! One shell session per run, with real bash: what a step leaves in its
//! shell is there for the next; a timeout stops the step, not the session;
//! a shell that cannot hand the session on is said, and the next step
//! starts from the session as it was.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oncall::runbook::exec::{self, ExecEvent, ExecOutcome, ExecRequest};
use oncall::runbook::load_dirs;
use tokio::sync::mpsc;

fn session_file(tag: &str) -> (PathBuf, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("oncall-session-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    (dir.join("run.sh"), dir)
}

async fn step(command: &str, session: &PathBuf, timeout: Duration) -> (Vec<String>, ExecOutcome) {
    let (tx, mut rx) = mpsc::channel(1024);
    exec::spawn(
        ExecRequest {
            command: command.to_string(),
            env: vec![("NAMESPACE".into(), "from-label".into())],
            timeout,
            workdir: None,
            session: Some(session.clone()),
        },
        tx,
    );
    let mut lines = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(ExecEvent::Output { line, .. })) => lines.push(line),
            Ok(Some(ExecEvent::Done(o))) => return (lines, o),
            other => panic!("no Done: {other:?}"),
        }
    }
}

const LONG: Duration = Duration::from_secs(20);

#[tokio::test]
async fn exports_cd_aliases_and_functions_carry_from_step_to_step() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/runbook_corpus");
    let rb = load_dirs(&[corpus])
        .runbooks
        .into_iter()
        .find(|r| r.id == "SessionCarriesState")
        .unwrap();
    let (file, dir) = session_file("carry");
    let mut outputs = Vec::new();
    for s in &rb.steps {
        let (lines, o) = step(s.command.as_deref().unwrap(), &file, LONG).await;
        assert_eq!(o.exit_code, Some(0), "{}: {lines:?} {o:?}", s.id);
        assert!(!o.session_lost);
        outputs.push(lines);
    }
    // Step 2's output is what the runbook shows it prints.
    assert_eq!(outputs[1], ["written once"]);
    // Step 3: the function, the cd and the export of step 1, the file step
    // 2 wrote where step 1 cd'd to, the alias; an unset variable stays unset.
    let last = &outputs[2];
    let note = last[0].strip_prefix("note: ").unwrap();
    let (pwd, probe_dir) = note.split_once(' ').unwrap();
    assert_eq!(pwd, probe_dir);
    assert!(probe_dir.starts_with("/tmp/tmp."), "{probe_dir}");
    assert_eq!(last[1..], ["found.txt", "region: "]);
    // The session is ours only: it may hold what a step exported.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    // A label's value is not baked into the session: it comes by environment.
    assert!(!std::fs::read_to_string(&file)
        .unwrap()
        .contains("from-label"));
    std::fs::remove_dir_all(probe_dir).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_timeout_stops_the_step_and_the_session_goes_on() {
    let (file, dir) = session_file("timeout");
    let (_, o) = step("export A=1", &file, LONG).await;
    assert_eq!(o.exit_code, Some(0));
    let (lines, o) = step(
        "export B=2; echo started; sleep 30; echo never",
        &file,
        Duration::from_millis(500),
    )
    .await;
    assert!(o.timed_out, "{o:?}");
    // bash may report the killed `sleep` ("Terminated") as it goes.
    assert_eq!(lines[0], "started");
    assert!(!lines.iter().any(|l| l == "never"), "{lines:?}");
    // Its shell writes the session back on SIGTERM (sent again if the
    // first landed as the shell forked `sleep`), so its export is kept.
    assert!(!o.session_lost, "{o:?}");
    let (lines, o) = step("echo \"$A ${B-} $NAMESPACE\"", &file, LONG).await;
    assert_eq!(o.exit_code, Some(0));
    assert_eq!(lines, ["1 2 from-label"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_shell_that_cannot_hand_on_the_session_is_said_and_the_next_step_starts_from_before() {
    let (file, dir) = session_file("lost");
    let (_, o) = step("export A=before; cd /tmp", &file, LONG).await;
    assert!(!o.session_lost);
    // `exec` replaces the step's shell: nothing of this step is handed on.
    let (_, o) = step("export A=after; cd /; exec true", &file, LONG).await;
    assert_eq!(o.exit_code, Some(0));
    assert!(o.session_lost, "{o:?}");
    let (lines, o) = step("echo \"$A $(pwd)\"; exit 3", &file, LONG).await;
    assert_eq!(lines, ["before /tmp"]);
    // `exit` ends the step with its code; the session is still handed on.
    assert_eq!(o.exit_code, Some(3));
    assert!(!o.session_lost);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn ctrl_c_stops_the_step_and_the_session_goes_on() {
    let (file, dir) = session_file("kill");
    let (_, o) = step("cd /tmp && export A=kept", &file, LONG).await;
    assert_eq!(o.exit_code, Some(0));
    let (tx, mut rx) = mpsc::channel(1024);
    let handle = exec::spawn(
        ExecRequest {
            command: "echo waiting; sleep 30; echo never".into(),
            env: vec![],
            timeout: LONG,
            workdir: None,
            session: Some(file.clone()),
        },
        tx,
    );
    // Ctrl-c in the console or `runbook run` is this kill.
    assert!(matches!(rx.recv().await, Some(ExecEvent::Output { line, .. }) if line == "waiting"));
    handle.kill();
    let o = loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(ExecEvent::Done(o))) => break o,
            Ok(Some(ExecEvent::Output { line, .. })) => assert_ne!(line, "never"),
            other => panic!("{other:?}"),
        }
    };
    assert!(o.killed, "{o:?}");
    assert!(
        !o.session_lost,
        "the stopped step's shell hands the session on: {o:?}"
    );
    // What earlier steps left is there.
    let (lines, _) = step("echo \"$A $(pwd)\"", &file, LONG).await;
    assert_eq!(lines, ["kept /tmp"]);
    std::fs::remove_dir_all(dir).unwrap();
}
