//! `oncall runbook list|show`: the runbooks the console finds, printed.

use std::process::ExitCode;

/// Prints a line; a closed pipe (`oncall runbook show X | head`) ends the
/// output quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use super::incident::fail;
use crate::cli::RunbookShowArgs;
use crate::config::Settings;
use crate::model::runbook::{BranchCond, Runbook, StepKind};
use crate::runbook::load_all;
use crate::runbook::matching::find_by_name;
use crate::sanitize;

fn loaded(settings: &Settings) -> Vec<Runbook> {
    let l = load_all(&settings.runbook_dirs);
    for e in &l.errors {
        eprintln!(
            "oncall: warning: runbook not loaded: {}",
            sanitize::line(&e.to_string())
        );
    }
    l.runbooks
}

pub(super) fn find(settings: &Settings, name: &str) -> Result<Runbook, ExitCode> {
    let all = loaded(settings);
    match find_by_name(name, &all) {
        Some(r) => Ok(r.clone()),
        None => {
            let ids: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
            Err(fail(format!(
                "no runbook {name:?}; known: {}",
                ids.join(", ")
            )))
        }
    }
}

pub fn list(settings: &Settings) -> ExitCode {
    let all = loaded(settings);
    let w = all.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    out!("{:w$}  {:5}  ALERTS / TITLE", "ID", "STEPS");
    for r in &all {
        let about = if r.alerts.is_empty() {
            r.title.clone()
        } else {
            r.alerts.join(",")
        };
        out!(
            "{:w$}  {:>5}  {}",
            sanitize::line(&r.id),
            r.steps.len(),
            sanitize::line(&about)
        );
    }
    ExitCode::SUCCESS
}

fn indented(text: &str, lead: &str) {
    // Continuation lines line up under the first, without its prompt.
    let rest = " ".repeat(lead.chars().count());
    for (k, l) in sanitize::lines(text).into_iter().enumerate() {
        out!("{}{l}", if k == 0 { lead } else { &rest });
    }
}

pub fn show(settings: &Settings, args: &RunbookShowArgs) -> ExitCode {
    let r = match find(settings, &args.name) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let path = r.path.display().to_string();
    out!("{} ({})", sanitize::line(&r.title), sanitize::line(&path));
    if !r.alerts.is_empty() {
        out!("alerts: {}", sanitize::line(&r.alerts.join(", ")));
    }
    for (name, v) in &r.vars {
        let from = v.label.clone().unwrap_or_else(|| name.to_ascii_lowercase());
        let default = v
            .default
            .as_deref()
            .map(|d| format!(", default {d:?}"))
            .unwrap_or_default();
        out!(
            "var {name}: label {}{}",
            sanitize::line(&from),
            sanitize::line(&default)
        );
    }
    for (heading, text) in &r.context {
        out!("\n## {}", sanitize::line(heading));
        indented(text, "");
    }
    out!("\n## Steps");
    for (i, s) in r.steps.iter().enumerate() {
        out!(
            "\n{}. [{}] {}: {}",
            i + 1,
            s.role.word(),
            s.id,
            sanitize::line(&s.title)
        );
        if !s.description.is_empty() {
            indented(&s.description, "   ");
        }
        match (&s.command, s.kind) {
            (Some(c), StepKind::Manual) => {
                let why = s.manual_why.as_deref().unwrap_or("done by hand");
                out!("   (manual step: {})", sanitize::line(why));
                indented(c, "   | ");
            }
            (Some(c), StepKind::Query) => indented(c, "   promql> "),
            (Some(c), _) => indented(c, "   $ "),
            (None, _) => out!("   (manual step)"),
        }
        if let Some(e) = &s.expected {
            indented(e, "   expected: ");
        }
        if let Some(t) = &s.troubleshooting {
            indented(t, "   if not: ");
        }
        for c in &s.capture {
            out!("   capture {} from /{}/", c.var, sanitize::line(&c.regex));
        }
        for b in &s.next {
            let cond = match &b.cond {
                BranchCond::When(e) => format!("when {e}"),
                BranchCond::Label(l) => format!("choice {l:?}"),
                BranchCond::Always => "then".into(),
            };
            out!("   → {} goto {}", sanitize::line(&cond), b.goto);
        }
    }
    ExitCode::SUCCESS
}
