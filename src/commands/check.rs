//! `oncall check`: the config, every theme and every runbook validated in
//! one go, one line per problem, exit 1 on errors, so teams can run it in CI.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{CheckArgs, GlobalArgs};
use crate::draw::theme;
use crate::model::runbook::StepKind;
use crate::model::{Alert, AlertState};
use crate::runbook::{check, find_for, load_all, load_dirs, vars};
use crate::sanitize;
use crate::source::{http::HttpClient, prometheus, SourceKind};

#[derive(Default)]
struct Report {
    errors: usize,
    warnings: usize,
}

impl Report {
    fn error(&mut self, text: impl AsRef<str>) {
        self.errors += 1;
        println!("error: {}", sanitize::line(text.as_ref()));
    }
    fn warn(&mut self, text: impl AsRef<str>) {
        self.warnings += 1;
        println!("warning: {}", sanitize::line(text.as_ref()));
    }
}

/// Every problem of the config file in force (`--config`, `ONCALL_CONFIG`
/// or the default path), `file:line: problem` each; and its `runbooks:`
/// dirs, read from what parses.
fn config_problems(global: &GlobalArgs) -> (Vec<String>, Vec<PathBuf>) {
    let path = global
        .config
        .clone()
        .or_else(|| crate::config::config_dir().map(|d| d.join("config.yaml")));
    let Some(path) = path else {
        return (Vec::new(), Vec::new());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => (
            crate::config::all_problems(&text, &path),
            crate::config::runbook_dirs(&text),
        ),
        // Missing or unreadable: `from_args` says so (or does not mind).
        Err(_) => (Vec::new(), Vec::new()),
    }
}

fn theme_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    out.sort();
    out
}

pub async fn run(global: &GlobalArgs, args: &CheckArgs) -> ExitCode {
    let mut r = Report::default();
    // A config that does not load is reported, every problem of it in
    // one run, and the rest still checked.
    let (problems, config_runbooks) = config_problems(global);
    for p in &problems {
        r.error(p);
    }
    let settings = match crate::config::from_args(global) {
        Ok(s) => Some(s),
        Err(_) if !problems.is_empty() => None,
        Err(e) => {
            r.error(e);
            None
        }
    };
    let user_themes = crate::config::config_dir().map(|d| d.join("themes"));
    let mut themes: Vec<String> = theme::BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    for dir in [Some(PathBuf::from("themes")), user_themes.clone()]
        .into_iter()
        .flatten()
    {
        themes.extend(theme_files(&dir).iter().map(|p| p.display().to_string()));
    }
    if let Some(t) = settings.as_ref().and_then(|s| s.theme.clone()) {
        themes.push(t);
    }
    themes.dedup();
    for t in &themes {
        if let Err(e) = theme::check_theme(t, user_themes.as_deref()) {
            r.error(format!("theme {t}: {e}"));
        }
    }
    let loaded = if !args.runbooks.is_empty() {
        load_dirs(&args.runbooks)
    } else {
        // A config with errors still names the team's runbooks.
        let dirs = settings.as_ref().map_or_else(
            || {
                let mut dirs = vec![PathBuf::from("runbooks")];
                dirs.extend(config_runbooks);
                dirs
            },
            |s| s.runbook_dirs.clone(),
        );
        load_all(&dirs)
    };
    for e in &loaded.errors {
        r.error(e.to_string());
    }
    for book in &loaded.runbooks {
        for problem in check::check(book) {
            r.error(problem);
        }
        for w in undeclared(book) {
            r.warn(w);
        }
    }
    if let Some(s) = &settings {
        notifier_urls(s, &mut r);
        rules_without_runbooks(s, &loaded.runbooks, &mut r).await;
    }
    let count = |n: usize, noun: &str| match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    };
    println!(
        "checked the config, {} and {}: {}, {}",
        count(themes.len(), "theme"),
        count(loaded.runbooks.len(), "runbook"),
        count(r.errors, "error"),
        count(r.warnings, "warning")
    );
    if r.errors > 0 || (args.strict && r.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Variables the runbook's commands use that it neither declares nor
/// captures, and that the runbook does not show as one of its alert's
/// labels: they come from a label of that name if the alert has one, or
/// from oncall's own environment, and are unset otherwise. Only what the
/// shell expands counts (not `$k` in a single-quoted Go template).
fn undeclared(book: &crate::model::runbook::Runbook) -> Vec<String> {
    const INHERITED: [&str; 6] = ["HOME", "PATH", "USER", "KUBECONFIG", "PWD", "TMPDIR"];
    let captured: Vec<&str> = book
        .steps
        .iter()
        .flat_map(|s| s.capture.iter().map(|c| c.var.as_str()))
        .collect();
    let labels = crate::runbook::check::labels_shown(book);
    // A run keeps one shell session: what any step sets, a later one sees.
    let own: Vec<String> = book
        .steps
        .iter()
        .filter_map(|s| s.command.as_deref())
        .flat_map(vars::self_provided)
        .collect();
    let mut out = Vec::new();
    for s in &book.steps {
        // A manual step is run by the reader, who fills it in.
        let Some(command) = s.command.as_ref().filter(|_| s.kind != StepKind::Manual) else {
            continue;
        };
        let unknown: Vec<String> = crate::runbook::command_text::expanded(command)
            .into_iter()
            .filter(|n| {
                !book.vars.contains_key(n)
                    && !labels.contains(&n.to_ascii_lowercase())
                    && !captured.contains(&n.as_str())
                    && !own.contains(n)
                    && !INHERITED.contains(&n.as_str())
                    && !n.starts_with("ONCALL_")
            })
            .collect();
        if !unknown.is_empty() {
            out.push(format!(
                "{}:{}: step {}: ${} not declared in vars: (set only if the alert has a label of that name)",
                book.path.display(),
                s.line,
                s.id,
                unknown.join(", $")
            ));
        }
    }
    out
}

/// A webhook whose URL cannot be read would fail at 3 a.m., when a level
/// falls due: its `url_env` or `url_file` must give a URL now.
fn notifier_urls(s: &crate::config::Settings, r: &mut Report) {
    for problem in crate::notify::unreadable(&s.notifiers) {
        r.error(problem);
    }
    // The same for the team store's URL (not connected to here).
    if let Err(e) = crate::store::paging_store::PagingStore::open(&s.store, s.state_dir.as_ref()) {
        r.error(format!("store: {e}"));
    }
}

/// Every alerting rule of the configured Prometheus servers should have a runbook.
async fn rules_without_runbooks(
    s: &crate::config::Settings,
    books: &[crate::model::runbook::Runbook],
    r: &mut Report,
) {
    for spec in s
        .sources
        .iter()
        .filter(|x| x.kind == SourceKind::Prometheus)
    {
        let rules = match HttpClient::new(spec, s.timeout.max(Duration::from_secs(5))) {
            Ok(client) => prometheus::rules(&client, spec).await,
            Err(e) => Err(e),
        };
        let rules = match rules {
            Ok(rules) => rules,
            Err(e) => {
                r.warn(format!(
                    "{}: rules not read, so alerts without a runbook are not known: {e}",
                    spec.name
                ));
                continue;
            }
        };
        let mut seen = std::collections::BTreeSet::new();
        for rule in rules {
            let mut labels = rule.labels.clone();
            labels.insert("alertname".into(), rule.name.as_str().into());
            let mut alert = Alert::new(labels, AlertState::Firing, chrono::Utc::now());
            alert.annotations = rule.annotations.clone();
            if find_for(&alert, books).is_none() && seen.insert(rule.name.clone()) {
                r.warn(format!(
                    "{}: alert {} ({}, group {}) has no runbook",
                    spec.name, rule.name, rule.file, rule.group
                ));
            }
        }
    }
}
