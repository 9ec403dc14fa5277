//! Secrets stay secret: an authenticated console session (bearer tokens from
//! a file and from the environment, basic auth with a password file, and a
//! wrong token that fails every poll) with the most verbose logging, then
//! the log file, the screen and `oncall alerts`' stderr are searched for
//! every secret and its Base64 form.

use crate::common;

use std::process::Command;

use common::faults::{FaultServer, TOKEN};
use common::tmux::Session;

const WRONG: &str = "wr0ng-71c3a9d0e2f4";
const PASSWORD: &str = "s3cret";

/// Every form in which a secret could leak.
fn secrets() -> Vec<String> {
    vec![
        TOKEN.into(),
        WRONG.into(),
        oncall::base64::encode(format!("alice:{PASSWORD}").as_bytes()),
        // "s3cret" alone is short; with its user it is unmistakable.
        format!("alice:{PASSWORD}"),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(&s), "{what} holds the secret {s:?}:\n{text}");
    }
}

#[test]
fn tokens_and_passwords_never_reach_the_log_or_the_screen() {
    let server = FaultServer::start();
    let dir = common::temp_dir("secrets");
    std::fs::write(dir.join("token"), format!("{TOKEN}\n")).unwrap();
    std::fs::write(dir.join("password"), format!("{PASSWORD}\n")).unwrap();
    let auth = format!("{}/auth", server.base());
    let config = format!(
        "refresh: 1s\nalertmanagers:\n\
         \x20 - {{name: from-file, url: '{auth}', bearer_token_file: {d}/token}}\n\
         \x20 - {{name: from-env, url: '{auth}', bearer_token_env: ONCALL_TEST_TOKEN}}\n\
         \x20 - {{name: basic, url: '{auth}', basic_auth: {{username: alice, password_file: {d}/password}}}}\n\
         \x20 - {{name: wrong, url: '{auth}', bearer_token_env: ONCALL_TEST_WRONG}}\n",
        d = dir.display()
    );
    std::fs::write(dir.join("oncall.yaml"), config).unwrap();

    let name = format!("oncall-secrets-{}", std::process::id());
    let cmd = format!(
        "cd {d} && env -u ALERTMANAGER_URL HOME={d} XDG_STATE_HOME={d}/s ONCALL_LOG=trace \
         ONCALL_TEST_TOKEN={TOKEN} ONCALL_TEST_WRONG={WRONG} TERM=xterm-256color \
         {bin} --config {d}/oncall.yaml; echo EXITED=$?; sleep 30",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
    );
    let s = Session::start(&name, 200, 30, &cmd, Some(dir.clone()));
    let screen = s.wait_for("three sources in, the wrong one refused", |t| {
        t.contains("from-file ok")
            && t.contains("from-env ok")
            && t.contains("basic ok")
            && t.contains("wrong down: HTTP 401: Unauthorized")
    });
    assert_clean("the screen", &screen);
    // A few more failing polls, each logged.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_clean("the screen", &s.screen());
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));

    let log = std::fs::read_to_string(dir.join("s/oncall/oncall.log")).expect("the log file");
    assert!(log.contains("console starting"), "{log}");
    assert!(
        log.contains("poll failed") && log.contains("wrong"),
        "the failing polls are logged, so the search below means something:\n{log}"
    );
    assert_clean("the log", &log);

    // The one-shot command: its error names the source, not the token.
    let out = Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args(["alerts", "--config"])
        .arg(dir.join("oncall.yaml"))
        .env_remove("ALERTMANAGER_URL")
        .env("HOME", &dir)
        .env("XDG_STATE_HOME", dir.join("s"))
        .env("ONCALL_TEST_TOKEN", TOKEN)
        .env("ONCALL_TEST_WRONG", WRONG)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "partial: {stderr}");
    assert!(
        stderr.contains("wrong") && stderr.contains("401"),
        "{stderr}"
    );
    assert_clean("oncall alerts' stderr", &stderr);
    assert_clean(
        "oncall alerts' stdout",
        &String::from_utf8_lossy(&out.stdout),
    );
}
