//! `oncall runbook run`: a runbook run step by step in a plain terminal,
//! with the console's stepper (list and show are in runbook_show.rs).

use std::process::ExitCode;

use super::incident::{fail, journal};
use super::runbook_prompt::{ask, Signals};
use super::runbook_show::find;
pub use super::runbook_show::{list, show};
use crate::cli::RunbookRunArgs;
use crate::config::Settings;
use crate::model::runbook::StepKind;
use crate::model::{Event, EventKind, Labels};
use crate::runbook::exec::{self, ExecEvent, ExecOutcome, ExecRequest};
use crate::runbook::stepper::{StepStatus, Stepper, Taken};
use crate::runbook::{record, session, session_vars, vars};
use crate::sanitize;
use crate::source::{SourceKind, SourceSpec};
use crate::store::journal::Journal;
use tokio::signal::unix::SignalKind;

/// Reads one answer from the terminal (None at end of input).
struct Recorder {
    journal: Option<(Journal, String)>,
    author: String,
}

impl Recorder {
    fn note(
        &mut self,
        s: &Stepper,
        i: usize,
        status: StepStatus,
        taken: Option<&Taken>,
        summary: Option<&str>,
    ) {
        let Some((j, id)) = self.journal.as_mut() else {
            return;
        };
        let mut e = Event::new(
            chrono::Utc::now(),
            &self.author,
            EventKind::RunbookStep,
            record::step_text(s, i, status, summary, taken),
        );
        e.data = record::step_data(s, i, status, taken, summary);
        if let Err(e) = j.append(id, &[e]) {
            eprintln!(
                "oncall: warning: not recorded on {id}: {}",
                sanitize::line(&e.to_string())
            );
        }
    }
}

pub async fn run(settings: &Settings, args: &RunbookRunArgs) -> ExitCode {
    let book = match find(settings, &args.name) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (labels, fingerprint, alertname) = match &args.alert {
        Some(m) => match super::incident::matching_alerts(settings, m).await {
            // Several alerts would be a guess at whose labels run: refuse.
            Ok((alerts, _)) if alerts.len() > 1 => {
                let names: Vec<String> = alerts
                    .iter()
                    .take(10)
                    .map(|a| format!("  {}", sanitize::line(&super::incident::alert_words(a))))
                    .collect();
                eprintln!("{}", names.join("\n"));
                return fail(format!(
                    "--alert {m:?} selects {} alerts; narrow it to one (add a label such as instance= or pod=)",
                    alerts.len()
                ));
            }
            Ok((alerts, _)) => {
                let a = &alerts[0];
                eprintln!(
                    "oncall: variables from {}",
                    sanitize::line(&super::incident::alert_words(a))
                );
                (
                    Labels::clone(&a.labels),
                    a.fingerprint.to_string(),
                    a.alertname().to_string(),
                )
            }
            Err(code) => return code,
        },
        None => (Labels::new(), String::new(), String::new()),
    };
    let mut s = Stepper::new(book, &fingerprint, &alertname, &labels);
    if args.dry_run {
        return super::runbook_dry_run::dry_run(&s);
    }
    let session = RunSession::new(&crate::core::runbook::session_name(&s));
    // One handler for the whole run: Ctrl-c stops a step, or quits at a
    // question; SIGTERM and SIGHUP (the SSH session dropped) stop the step's
    // group before oncall goes, so nothing runs on unwatched.
    let mut sigint = match Signals::new() {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot take Ctrl-c: {e}")),
    };
    let mut rec = Recorder {
        journal: None,
        author: settings.author.clone(),
    };
    if let Some(id) = &args.incident {
        let j = match journal(settings) {
            Ok(j) => j,
            Err(code) => return code,
        };
        match j.load(id) {
            Ok((events, _)) => {
                if record::resume(&mut s, &events) {
                    eprintln!(
                        "oncall: resuming the run recorded on {}",
                        sanitize::line(id)
                    );
                }
            }
            Err(e) => return fail(e),
        }
        rec.journal = Some((j, id.clone()));
    }
    while let Some(i) = s.current {
        if let Some(options) = s.choice.clone() {
            for (k, (label, goto)) in options.iter().enumerate() {
                eprintln!(
                    "  {}  {} → {}",
                    k + 1,
                    sanitize::line(label),
                    s.target_name(*goto)
                );
            }
            if args.yes {
                return fail("a choice is needed here and --yes cannot make it; run without --yes");
            }
            let Some(n) = ask("choose 1-9 (q quits):", &mut sigint)
                .await
                .and_then(|a| a.parse::<usize>().ok())
            else {
                return ExitCode::from(1);
            };
            if let Some(t) = s.choose(n.wrapping_sub(1)) {
                let was = s.status(i);
                rec.note(&s, i, was, Some(&t), None);
            }
            continue;
        }
        step_lines(&s, i).iter().for_each(|l| eprintln!("{l}"));
        let query = s.step(i).is_some_and(|st| st.kind == StepKind::Query);
        let prometheus = settings
            .sources
            .iter()
            .find(|x| x.kind == SourceKind::Prometheus);
        if !s.runnable(i) || (query && prometheus.is_none()) {
            let answer = if args.yes {
                Some("s".into())
            } else {
                ask(
                    "manual step: d done, f failed, s skip, q quit:",
                    &mut sigint,
                )
                .await
            };
            let status = match answer.as_deref() {
                Some("d") => StepStatus::Done,
                Some("f") => StepStatus::Failed,
                Some("s") => StepStatus::Skipped,
                _ => return ExitCode::from(1),
            };
            let taken = s.mark(i, status);
            rec.note(&s, i, status, taken.as_ref(), None);
            if status == StepStatus::Failed {
                return ExitCode::from(1);
            }
            continue;
        }
        let command = s
            .step(i)
            .and_then(|st| st.command.clone())
            .unwrap_or_default();
        let env = match vars::command_env(&s.runbook, &s.labels, &s.captured, &command) {
            Ok(env) => crate::core::runbook::with_prometheus(
                env,
                prometheus.map(|p| crate::source::redact_url(&p.url)),
            ),
            Err(e) => return fail(format!("step {} not run: {e}", i + 1)),
        };
        var_lines(&s, i, &command, &env, false)
            .iter()
            .for_each(|l| eprintln!("{l}"));
        let expanded = match query {
            true => match vars::expand_query(&command, &env) {
                Ok(q) => q,
                Err(e) => return fail(format!("step {} not run: {e}", i + 1)),
            },
            false => String::new(),
        };
        if !args.yes {
            match ask("run it? y yes, s skip, q quit:", &mut sigint)
                .await
                .as_deref()
            {
                Some("y") | Some("yes") => {}
                Some("s") => {
                    let taken = s.mark(i, StepStatus::Skipped);
                    rec.note(&s, i, StepStatus::Skipped, taken.as_ref(), None);
                    continue;
                }
                _ => return ExitCode::from(1),
            }
        }
        let timeout = s
            .step(i)
            .and_then(|st| st.timeout)
            .unwrap_or(settings.stepper.timeout);
        s.start(i);
        rec.note(&s, i, StepStatus::Running, None, None);
        let outcome = match prometheus.filter(|_| query) {
            Some(spec) => run_query(&mut s, i, spec, &expanded, timeout).await,
            None => {
                execute(
                    &mut s,
                    i,
                    ExecRequest {
                        command,
                        env,
                        timeout,
                        workdir: None,
                        session: session.file.clone(),
                    },
                    &mut sigint,
                )
                .await
            }
        };
        let (status, text, taken) = s.finish_with(i, &outcome);
        let ok = status == StepStatus::Done;
        eprintln!("── step {}: {}", i + 1, sanitize::line(&text));
        if outcome.session_lost {
            eprintln!("{}", crate::core::runbook::LOST);
        }
        rec.note(&s, i, status, taken.as_ref(), Some(&text));
        if let Some(t) = &taken {
            eprintln!("── branch: {}", sanitize::line(&t.text));
        }
        if !ok {
            return ExitCode::from(1);
        }
    }
    eprintln!("oncall: runbook {} finished", sanitize::line(&s.runbook.id));
    ExitCode::SUCCESS
}

/// The run's one shell session, removed when the run ends (it may hold
/// what a step exported).
struct RunSession {
    file: Option<std::path::PathBuf>,
}

impl RunSession {
    fn new(name: &str) -> RunSession {
        let file = session::dir().ok().map(|d| session::file(&d, name));
        RunSession { file }
    }
}

impl Drop for RunSession {
    fn drop(&mut self) {
        if let Ok(dir) = session::dir() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A `promql` step: its series printed, as the console shows them.
async fn run_query(
    s: &mut Stepper,
    i: usize,
    spec: &SourceSpec,
    query: &str,
    timeout: std::time::Duration,
) -> ExecOutcome {
    let (lines, outcome) = crate::runbook::query_step::run_step(Some(spec), timeout, query).await;
    for line in lines {
        println!("{}", sanitize::line(&line));
        s.output(i, line);
    }
    outcome
}

/// Runs one command, printing its output as it comes; Ctrl-c stops its process group.
async fn execute(s: &mut Stepper, i: usize, req: ExecRequest, sigint: &mut Signals) -> ExecOutcome {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let handle = exec::spawn(req, tx);
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(ExecEvent::Output { line, .. }) => {
                    println!("{}", sanitize::line(&line));
                    s.output(i, line);
                }
                Some(ExecEvent::Done(o)) => return o,
                None => return ExecOutcome { error: Some("the executor stopped".into()), ..ExecOutcome::default() },
            },
            kind = sigint.any() => {
                eprintln!("oncall: stopping step {} (SIGTERM to its process group)", i + 1);
                if kind == SignalKind::interrupt() {
                    handle.kill();
                } else {
                    // oncall itself is being ended: the group goes first.
                    handle.kill_now(std::time::Duration::from_secs(2));
                    handle.kill();
                }
            }
        }
    }
}

/// The step as the terminal shows it before it runs (sanitized).
pub(super) fn step_lines(s: &Stepper, i: usize) -> Vec<String> {
    let Some(st) = s.step(i) else { return vec![] };
    let mut out = vec![format!(
        "\n── Step {}/{} · {} · {}: {}",
        i + 1,
        s.runs.len(),
        st.role.word(),
        st.id,
        sanitize::line(&st.title)
    )];
    if !st.description.trim().is_empty() {
        let lines = sanitize::lines(&st.description).into_iter();
        out.extend(lines.map(|l| format!("   {l}")));
    }
    if let Some(why) = st
        .manual_why
        .as_deref()
        .filter(|_| st.kind == StepKind::Manual)
    {
        out.push(format!("   by hand: {}", sanitize::line(why)));
    }
    if let Some(c) = &st.command {
        // A command to do by hand is shown without a prompt: oncall won't run it.
        let prompt = if st.kind == StepKind::Manual {
            "|"
        } else {
            "$"
        };
        let lines = sanitize::lines(c).into_iter().enumerate();
        out.extend(lines.map(|(k, l)| format!("   {} {l}", if k == 0 { prompt } else { " " })));
    }
    if let Some(e) = &st.expected {
        let lines = sanitize::lines(e).into_iter().enumerate();
        out.extend(
            lines
                .map(|(k, l)| format!("   {} {l}", if k == 0 { "expected:" } else { "         " })),
        );
    }
    out
}

/// The variables a command names, with their values, and those unset.
pub(super) fn var_lines(
    s: &Stepper,
    i: usize,
    command: &str,
    env: &[(String, String)],
    in_order: bool,
) -> Vec<String> {
    let named = vars::referenced(command);
    let mut out: Vec<String> = env
        .iter()
        .filter(|(k, _)| named.contains(k))
        .map(|(k, v)| format!("   {k}={}", sanitize::line(v)))
        .collect();
    let own = vars::self_provided(command);
    out.extend(
        named
            .iter()
            .filter(|n| !env.iter().any(|(k, _)| k == *n) && !own.contains(n))
            .map(|n| match session_vars::from_session(s, i, n, in_order) {
                Some(said) => format!("   {said}"),
                None => format!("   {n} is not set"),
            }),
    );
    out
}
