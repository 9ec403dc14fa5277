//! `oncall page test`: a labelled test page through a real webhook
//! receiver, and a clear failure when nothing answers.

use crate::common::cli::{stderr, stdout, Home};
use crate::common::webhook::{closed_port, Answer, Receiver};

fn config(home: &Home, url: &str) -> String {
    let url_file = home.0.join("pager-url");
    std::fs::write(&url_file, url).unwrap();
    home.config(&format!(
        "notifiers:\n  - {{name: pager, type: webhook, url_file: {}, retries: 0}}\n",
        url_file.display()
    ))
}

#[test]
fn a_test_page_reaches_the_receiver_or_says_it_did_not() {
    let receiver = Receiver::start(vec![Answer::Status(200, "ok")]);
    let home = Home::new();
    let cfg = config(&home, &receiver.url("/hook"));
    let out = home
        .command(&["--config", &cfg, "page", "test", "pager", "--to", "bob"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("test page delivered through webhook pager to bob (1 attempt)"),
        "{}",
        stdout(&out)
    );
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].body.contains("OncallTestPage") && got[0].body.contains("bob"),
        "{}",
        got[0].body
    );

    let cfg = config(&home, &format!("http://127.0.0.1:{}/hook", closed_port()));
    let out = home
        .command(&["--config", &cfg, "page", "test", "pager"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("test page NOT delivered: webhook pager"),
        "{}",
        stderr(&out)
    );

    let out = home
        .command(&["--config", &cfg, "page", "test", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no notifier \"nobody\" in the config (notifiers: pager)"),
        "{}",
        stderr(&out)
    );
}
