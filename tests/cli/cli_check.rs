//! `oncall check` as the real binary: runbook dirs written to temp dirs, a
//! broken config, and a real Prometheus whose alerting rules are compared
//! with the runbooks.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::cli::{get, stderr, stdout, Home};
use common::{eventually, find_binary, free_port, Proc};

/// A HOME with an empty working directory inside it (removed with it).
pub(crate) struct Env {
    pub(crate) home: Home,
    pub(crate) cwd: PathBuf,
}

impl Env {
    pub(crate) fn new() -> Env {
        let home = Home::new();
        let cwd = home.0.join("work");
        std::fs::create_dir_all(&cwd).unwrap();
        Env { home, cwd }
    }

    /// A runbook dir `name` inside the HOME holding these files.
    pub(crate) fn dir(&self, name: &str, files: &[(&str, &str)]) -> String {
        let dir = self.home.0.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        dir.display().to_string()
    }

    pub(crate) fn run(&self, a: &[&str]) -> Output {
        let out = self
            .home
            .command(a)
            .current_dir(&self.cwd)
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
}

/// The last line of stdout: the summary.
fn summary(o: &Output) -> String {
    stdout(o).lines().last().unwrap_or_default().to_string()
}

const GOOD_YAML: &str = r#"title: E2E good
vars:
  NAMESPACE: {label: namespace, default: ml-serving}
steps:
  - step_id: probe
    automation_script: |
      echo "stage=db"
    capture: {STAGE: 'stage=(\w+)'}
    next:
      - {when: 'STAGE == "db"', goto: db}
  - step_id: app
    action: Look at the app.
    next: [{goto: end}]
  - step_id: db
    automation_script: kubectl -n "$NAMESPACE" get pods
"#;

const GOOD_MD: &str = "---\nalerts: [E2EDiskFull]\n---\n# Disk full\n\n## Meaning\n\n\
    The disk fills.\n\n## Diagnosis\n\n### Usage\n\n```sh\ndf -h /\n```\n\n\
    ## Mitigation\n\nDelete old logs.\n";

/// Line 11 opens a fence that is never closed.
const UNCLOSED_MD: &str = "# Broken\n\n## Meaning\n\nSomething.\n\n## Diagnosis\n\n\
    ### Look\n\n```sh\nkubectl get pods\n\n## Mitigation\n\nNothing.\n";

/// Step `probe` (line 3) goes to a step that does not exist; `orphan`
/// (line 9) is reached by nothing, since `app` always ends.
const BAD_FLOW: &str = r#"title: Bad flow
steps:
  - step_id: probe
    automation_script: echo hi
    next: [{label: Go on, goto: app}, {label: Elsewhere, goto: nowhere}]
  - step_id: app
    action: Look.
    next: [{goto: end}]
  - step_id: orphan
    action: Never reached.
"#;

#[test]
fn good_runbooks_pass_and_broken_ones_are_each_named_with_file_and_line() {
    let env = Env::new();
    let good = env.dir(
        "good",
        &[("e2egood.yaml", GOOD_YAML), ("diskfull.md", GOOD_MD)],
    );
    let out = env.run(&["check", "--runbooks", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).lines().count(),
        1,
        "only the summary: {}",
        stdout(&out)
    );
    let line = summary(&out);
    assert!(
        line.starts_with("checked the config, ")
            && line.ends_with(" themes and 2 runbooks: 0 errors, 0 warnings"),
        "{line}"
    );

    let bad = env.dir(
        "bad",
        &[
            ("e2egood.yaml", GOOD_YAML),
            ("broken.md", UNCLOSED_MD),
            ("flow.yaml", BAD_FLOW),
        ],
    );
    let out = env.run(&["check", "--runbooks", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 3, "{text}");
    let has = |prefix: String, words: &str| {
        assert!(
            errors
                .iter()
                .any(|l| l.starts_with(&prefix) && l.contains(words)),
            "{prefix} … {words} in {text}"
        )
    };
    has(format!("error: {bad}/broken.md:11: "), "never closed");
    has(
        format!("error: {bad}/flow.yaml:3: step probe: "),
        "goto \"nowhere\"",
    );
    has(
        format!("error: {bad}/flow.yaml:9: step orphan: "),
        "no path from the first step",
    );
    assert!(
        !text.contains("e2egood"),
        "the good one has no problem: {text}"
    );
    // The broken Markdown is not counted as loaded; the other two are.
    assert!(
        summary(&out).ends_with(" themes and 2 runbooks: 3 errors, 0 warnings"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_broken_config_is_one_error_and_the_rest_is_still_checked() {
    let env = Env::new();
    let config = env
        .home
        .config("refresh: 15s\nalertmanagerz:\n  - url: http://127.0.0.1:9\n");
    let bad = env.dir("bad", &[("flow.yaml", BAD_FLOW), ("diskfull.md", GOOD_MD)]);
    let out = env.run(&["check", "--config", &config, "--runbooks", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let config_error = text
        .lines()
        .find(|l| l.contains("alertmanagerz"))
        .unwrap_or_else(|| panic!("the unknown key named: {text}"));
    assert!(config_error.starts_with("error: "), "{config_error}");
    assert!(
        config_error.contains(&format!("{config}:2: ")),
        "{config_error}"
    );
    // The runbooks were checked all the same.
    assert!(text.contains("flow.yaml:3: step probe"), "{text}");
    assert!(text.contains("flow.yaml:9: step orphan"), "{text}");
    let line = summary(&out);
    assert!(
        line.starts_with("checked the config, ")
            && line.ends_with(" themes and 2 runbooks: 3 errors, 0 warnings"),
        "{line}"
    );
    // Built-in themes are checked even without a config: at least dark,
    // light, high-contrast and monochrome.
    let themes: usize = line
        .trim_start_matches("checked the config, ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(themes >= 4, "{line}");

    // A broken theme file in ./themes is an error too, next to the config's.
    std::fs::create_dir_all(env.cwd.join("themes")).unwrap();
    std::fs::write(
        env.cwd.join("themes").join("e2ebroken.yaml"),
        "colours: [\n",
    )
    .unwrap();
    let good = env.dir("good", &[("diskfull.md", GOOD_MD)]);
    let out = env.run(&["check", "--config", &config, "--runbooks", &good]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("error: theme ") && l.contains("e2ebroken.yaml")),
        "{text}"
    );
    assert!(
        summary(&out).ends_with(&format!(
            "{} themes and 1 runbook: 2 errors, 0 warnings",
            themes + 1
        )),
        "{}",
        summary(&out)
    );
}

/// A Prometheus loading `rules`, killed and removed on drop.
struct Prom {
    url: String,
    _proc: Proc,
    dir: PathBuf,
}

impl Prom {
    fn start(dir: &Path, rules: &str) -> Prom {
        let bin = find_binary(&["prometheus"]);
        std::fs::create_dir_all(dir).unwrap();
        let rules_file = dir.join("rules.yml");
        std::fs::write(&rules_file, rules).unwrap();
        std::fs::write(
            dir.join("prometheus.yml"),
            format!(
                "global:\n  evaluation_interval: 1s\n  scrape_interval: 1m\nrule_files: ['{}']\n",
                rules_file.display()
            ),
        )
        .unwrap();
        let port = free_port();
        let args = vec![
            format!("--config.file={}", dir.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", dir.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
        ];
        let mut proc = Proc::spawn("prometheus", &bin, &args, dir.join("prometheus.log"));
        proc.wait_ready(port, Duration::from_secs(30));
        Prom {
            url: format!("http://127.0.0.1:{port}"),
            _proc: proc,
            dir: dir.to_path_buf(),
        }
    }
}

impl Drop for Prom {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const RULES: &str = r#"
groups:
  - name: e2e-rules
    interval: 1s
    rules:
      - alert: E2EGoodRule
        expr: vector(1)
        for: 10m
        labels: {severity: warning}
        annotations: {runbook_url: https://x/e2egood, summary: has a runbook}
      - alert: E2ENoRunbook
        expr: vector(1)
        for: 10m
        labels: {severity: warning}
        annotations: {summary: has none}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerting_rules_without_a_runbook_are_warnings_and_errors_with_strict() {
    let env = Env::new();
    let prom = Prom::start(&env.home.0.join("prom"), RULES);
    let url = prom.url.clone();
    eventually(
        "Prometheus serves both alerting rules",
        Duration::from_secs(20),
        || {
            let url = url.clone();
            async move {
                let v = get(&format!("{url}/api/v1/rules?type=alert")).await?;
                let n = v["data"]["groups"].as_array().map_or(0, |g| {
                    g.iter()
                        .map(|g| g["rules"].as_array().map_or(0, Vec::len))
                        .sum()
                });
                if n == 2 {
                    Ok(())
                } else {
                    Err(format!("{n} rules: {v}"))
                }
            }
        },
    )
    .await;
    let books = env.dir(
        "books",
        &[("e2egood.yaml", GOOD_YAML), ("diskfull.md", GOOD_MD)],
    );

    let out = env.run(&["check", "--prometheus", &prom.url, "--runbooks", &books]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(
        warnings[0].contains("alert E2ENoRunbook") && warnings[0].contains("has no runbook"),
        "{text}"
    );
    assert!(warnings[0].contains("group e2e-rules"), "{text}");
    assert!(
        !text.contains("E2EGoodRule"),
        "the rule with a runbook_url: {text}"
    );
    assert!(
        summary(&out).ends_with(" themes and 2 runbooks: 0 errors, 1 warning"),
        "{}",
        summary(&out)
    );

    let out = env.run(&[
        "check",
        "--strict",
        "--prometheus",
        &prom.url,
        "--runbooks",
        &books,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("alert E2ENoRunbook"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("E2EGoodRule"), "{}", stdout(&out));

    // Without the runbook the rule points at, both rules are warned about.
    let other = env.dir("other", &[("diskfull.md", GOOD_MD)]);
    let out = env.run(&["check", "--prometheus", &prom.url, "--runbooks", &other]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("alert E2EGoodRule"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("alert E2ENoRunbook"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_variable_neither_declared_nor_captured_is_a_warning_with_its_step() {
    let env = Env::new();
    let book = "title: Loose\nvars:\n  NAMESPACE: {label: namespace, default: ml}\nsteps:\n  - step_id: look\n    automation_script: |\n      out=$(kubectl -n \"$NAMESPACE\" get pod \"$POD\") || exit 1\n      printf '%s\\n' \"$out\" \"${EXTRA:-none}\"\n";
    let dir = env.dir("loose", &[("loose.yaml", book)]);
    let out = env.run(&["check", "--runbooks", &dir]);
    assert_eq!(out.status.code(), Some(0), "a warning, not an error");
    let text = stdout(&out);
    let warning = text
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_default();
    assert!(
        warning.contains("loose.yaml:5: step look: $POD not declared"),
        "{text}"
    );
    assert!(
        !warning.contains("NAMESPACE") && !warning.contains("out") && !warning.contains("EXTRA"),
        "{warning}"
    );
    let strict = env.run(&["check", "--runbooks", &dir, "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn the_context_key_is_checked_like_every_other() {
    let env = Env::new();
    let good = env
        .home
        .config("context: {related_labels: [service, cluster, team]}\n");
    let out = env.run(&["check", "--config", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let typo = env
        .home
        .config("refresh: 15s\ncontext: {related_label: [team]}\n");
    let out = env.run(&["check", "--config", &typo]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("related_label") && text.contains(&format!("{typo}:2: ")),
        "{text}"
    );
}

#[test]
fn slos_are_checked_and_a_bad_one_is_named() {
    let env = Env::new();
    let good = env.home.config(common::slos::CONFIG);
    let out = env.run(&["check", "--config", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let bad = env
        .home
        .config("slos:\n  - {name: checkout, objective: 99.9, window: 30d, ratio: 'sum(r[5m])'}\n");
    let out = env.run(&["check", "--config", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "error: {bad}:1: slos.checkout.ratio: the query does not use {{{{window}}}}"
        )),
        "{text}"
    );
}

/// A webhook notifier whose URL cannot be read fails the check, naming
/// where the URL was to come from (never the URL); readable, it passes.
#[test]
fn a_notifier_without_its_url_fails_the_check() {
    let env = Env::new();
    let url_file = env.home.0.join("pager-url");
    let config = env.home.config(&format!(
        "notifiers:\n  - {{name: pager, type: webhook, url_env: ONCALL_TEST_PAGER_URL}}\n  \
         - {{name: chat, type: webhook, url_file: {}}}\n",
        url_file.display()
    ));
    let out = env.run(&[
        "check",
        "--config",
        &config,
        "--runbooks",
        &env.dir("rb", &[]),
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("notifier pager: environment variable ONCALL_TEST_PAGER_URL is not set"),
        "{text}"
    );
    assert!(text.contains("notifier chat: cannot read"), "{text}");
    std::fs::write(&url_file, "https://hooks.example/T/secret-path\n").unwrap();
    let out = env
        .home
        .command(&[
            "check",
            "--config",
            &config,
            "--runbooks",
            &env.dir("rb", &[]),
        ])
        .current_dir(&env.cwd)
        .env("ONCALL_TEST_PAGER_URL", "http://127.0.0.1:9/hook")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        !text.contains("secret-path"),
        "the URL is a credential: {text}"
    );
}
