//! End to end: the real binary in tmux with `slos:` in its config and a
//! real Prometheus whose recording rules hold the SLO series. `O` shows
//! each SLO's SLI, budget and burn rates, and the query Prometheus refused
//! with its reason; the demo shows its own numbers, marked as the demo's.

use crate::common;

use common::slos::{CONFIG, RULES};
use common::tmux::Session;
use common::{Alertmanagers, Prometheus};

fn console(home: &std::path::Path, args: &str, tag: &str) -> Session {
    let name = format!("oncall-e2eslo-{tag}-{}", std::process::id());
    let cmd = format!(
        "cd {h} && env -u ALERTMANAGER_URL -u ONCALL_CONFIG HOME={h} XDG_STATE_HOME={h}/s USER=erin \
         TERM=xterm-256color {bin} --config {h}/oncall.yaml --state-dir {h}/state {args}; echo EXITED=$?; sleep 30",
        h = home.display(),
        bin = env!("CARGO_BIN_EXE_oncall"),
    );
    Session::start(&name, 100, 24, &cmd, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pane_shows_what_prometheus_measures() {
    let ams = Alertmanagers::start(1);
    let prom = Prometheus::start_with_rules(&[], RULES);
    let home = common::temp_dir("e2e-slo");
    std::fs::write(home.join("oncall.yaml"), CONFIG).unwrap();
    let args = format!("--alertmanager {} --prometheus {}", ams.urls[0], prom.url);
    let s = console(&home, &args, "prom");
    s.wait_for("the console", |t| t.contains("refreshed"));
    s.press(&["O"]);
    let host = prom.url.trim_start_matches("http://");
    // The recording rules need a second or two to exist; Ctrl-r reads again.
    let screen = s.wait_for("the SLOs measured", |t| {
        if !t.contains("BURNING") {
            s.press(&["C-r"]);
        }
        t.contains(&format!("SLOs (3) · from {host}")) && t.contains("BURNING >14.4×")
    });
    for want in [
        "99.95 %",
        "50.0 %",
        "1h 20.0× · 5m 15.0× BURNING >14.4×",
        "-50.0 %",
        "exhausted",
        "parse error",
    ] {
        assert!(screen.contains(want), "{want:?} not on screen:\n{screen}");
    }
    // Tiny and back: no panic, the pane still there.
    s.resize(30, 8);
    s.wait_for("the narrow pane", |t| t.contains("BUDGET"));
    s.resize(100, 24);
    s.press(&["Escape"]);
    s.wait_for("back to the list", |t| !t.contains("ERROR BUDGET LEFT"));
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fills_the_pane_with_its_own_numbers() {
    let home = common::temp_dir("e2e-slo-demo");
    std::fs::write(home.join("oncall.yaml"), "").unwrap();
    let s = console(&home, "--demo", "demo");
    s.wait_for("the demo", |t| t.contains("DEMO"));
    s.press(&["O"]);
    let screen = s.wait_for("the demo's SLOs", |t| t.contains("SLOs (3) · DEMO numbers"));
    for want in ["fraud-availability", "35.0 %", "BURNING >14.4×", "-18.0 %"] {
        assert!(screen.contains(want), "{want:?} not on screen:\n{screen}");
    }
    s.press(&["q"]);
    s.wait_for("a clean exit", |t| t.contains("EXITED=0"));
}
