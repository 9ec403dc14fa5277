//! `oncall runbook run --dry-run`: every step with what it would run and
//! see, then the run's whole shell session as one script. Nothing runs.

use std::process::ExitCode;

use super::runbook::{step_lines, var_lines};
use crate::model::runbook::StepKind;
use crate::runbook::stepper::Stepper;
use crate::runbook::vars;
use crate::sanitize;

/// `--dry-run`: every step in file order, with what it would run and see,
/// then the whole session as one shell would run it.
pub fn dry_run(s: &Stepper) -> ExitCode {
    println!(
        "one shell session for the run (bash --noprofile --norc): what a step exports, cd's to, aliases or defines is there for the steps after it"
    );
    for i in 0..s.runs.len() {
        step_lines(s, i).iter().for_each(|l| println!("{l}"));
        let Some(command) = s.step(i).and_then(|st| st.command.clone()) else {
            continue;
        };
        match vars::command_env(&s.runbook, &s.labels, &s.captured, &command) {
            Ok(env) => var_lines(s, i, &command, &env, true)
                .iter()
                .for_each(|l| println!("{l}")),
            Err(e) => println!("   would not run: {}", sanitize::line(&e.to_string())),
        }
    }
    println!("\n── the session, in order (steps done by hand are comments):");
    for line in session_script(s) {
        println!("{}", sanitize::line(&line));
    }
    println!("\ndry run: nothing was run");
    ExitCode::SUCCESS
}

/// The run's session as one script: each step's command under a comment
/// naming it; steps done by hand, and queries, as comments only.
fn session_script(s: &Stepper) -> Vec<String> {
    let mut out = Vec::new();
    for (i, st) in s.runbook.steps.iter().enumerate() {
        let how = match st.kind {
            StepKind::Shell => String::new(),
            StepKind::Query => " (a PromQL query, not shell)".into(),
            StepKind::Manual => format!(
                " (by hand: {})",
                st.manual_why.as_deref().unwrap_or("no command")
            ),
        };
        out.push(format!("# step {} · {}{how}: {}", i + 1, st.id, st.title));
        let Some(c) = &st.command else { continue };
        let shell = st.kind == StepKind::Shell;
        out.extend(c.lines().map(|l| {
            if shell {
                l.to_string()
            } else {
                format!("#   {l}")
            }
        }));
    }
    out
}
