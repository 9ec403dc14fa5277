//! Enter in the runbook pane: the questions before a step runs. Which
//! incident records it (declaring one, after asking), then exactly what
//! will run and with which variables.

use super::incidents::{declaration, JournalOp};
use super::msg::Effect;
use super::panes::incident_form::Linked;
use super::runbook::StepMsg;
use super::state::{Confirm, State, StatusLevel};
use crate::model::runbook::{StepKind, StepRole};
use crate::runbook::exec::ExecRequest;
use crate::runbook::stepper::took;
use crate::runbook::vars;

/// Enter: run the shown step (asks which incident records it first).
pub fn run(state: &mut State) -> Vec<Effect> {
    let Some(s) = &state.rb.stepper else {
        return vec![];
    };
    let i = state.rb.cursor;
    if let Some((_, r)) = state.rb.running {
        let msg = format!("step {} is still running (Ctrl-c stops it)", r + 1);
        state.say(StatusLevel::Warn, msg);
        return vec![];
    }
    let Some(step) = s.step(i) else { return vec![] };
    if step.kind == StepKind::Manual || step.command.is_none() {
        state.say(
            StatusLevel::Info,
            "a manual step: do it, then mark it d done, f failed or > skipped",
        );
        return vec![];
    }
    // A label that may not reach the command stops it before any question.
    let command = step.command.clone().unwrap_or_default();
    if let Err(e) = vars::command_env(&s.runbook, &s.labels, &s.captured, &command) {
        return not_run(state, i, &e.to_string());
    }
    if state.rb.incident.is_some() {
        return confirm(state, i, true);
    }
    let fp = s.fingerprint.clone();
    // One open incident links the alert: the run is recorded there. With
    // several, the question below asks which.
    if let Some(id) = state.run_incident() {
        state.rb.incident = Some(id);
        return confirm(state, i, true);
    }
    let linked = state
        .incidents
        .iter()
        .any(|inc| inc.is_open() && inc.links(&fp));
    if state.rb.unrecorded && !linked {
        return confirm(state, i, false);
    }
    let Some(alert) = state.alerts.iter().find(|a| a.fingerprint == fp).cloned() else {
        return confirm(state, i, false);
    };
    let sev = state
        .incident_settings
        .severity_for(alert.labels.get("severity"));
    let title = super::incidents::alert_text(&alert);
    let (first, more) = declaration(state, &[Linked::of(&alert, title.clone())], &title, sev);
    state.rb.awaiting_incident = Some(i);
    let (offered, picks) = super::runbook_record::record_picks(state, i, &fp);
    let mut lines = vec![if linked {
        format!(
            "Several open incidents link {}: which one records this run?",
            alert.alertname()
        )
    } else if offered.is_empty() {
        format!("No incident is open for {}.", alert.alertname())
    } else {
        format!("No open incident links {} yet.", alert.alertname())
    }];
    lines.extend(offered);
    lines.extend([
        format!("y  declare {sev} \"{title}\" and record every step on its timeline"),
        "n  run without recording (nothing to resume from after a restart)".into(),
        "Esc  do not run".into(),
    ]);
    state.confirm = Some(Confirm {
        picks,
        title: "Record this runbook run on an incident?".into(),
        lines,
        yes: vec![Effect::Journal(JournalOp::Declare {
            first: Box::new(first),
            more,
            unless_linked: vec![fp],
            show: false,
        })],
        no: Some(vec![Effect::Step(StepMsg::Confirm {
            step: i,
            recorded: false,
        })]),
    });
    vec![]
}

/// The journal declared the incident a step was waiting for.
pub fn declared(state: &mut State, id: &str) -> Vec<Effect> {
    let Some(i) = state.rb.awaiting_incident.take() else {
        return vec![];
    };
    state.rb.incident = Some(id.to_string());
    confirm(state, i, true)
}

/// Says why step `i` does not run; nothing is sent.
fn not_run(state: &mut State, i: usize, why: &str) -> Vec<Effect> {
    state.say(StatusLevel::Error, format!("step {} not run: {why}", i + 1));
    vec![]
}

/// The demo runs no runbook command: the user's kube context is real. It
/// prints what would run instead, so the whole flow can still be tried.
fn demo_stand_in(mut request: ExecRequest) -> ExecRequest {
    request
        .env
        .push(("ONCALL_STEP_COMMAND".into(), request.command.clone()));
    request.command =
        "printf 'demo: nothing ran. Outside the demo this step runs:\\n%s\\n' \"$ONCALL_STEP_COMMAND\"".into();
    request
}

/// One shell session per run: a runbook on one alert.
pub fn session_name(s: &crate::runbook::stepper::Stepper) -> String {
    format!("{}-{}", s.runbook.id, s.fingerprint)
}

/// The configured Prometheus a step may query (none in the demo).
fn prometheus_url(state: &State) -> Option<String> {
    if state.demo {
        return None;
    }
    state
        .sources
        .iter()
        .find(|s| s.kind == crate::source::SourceKind::Prometheus)
        .map(|s| s.url.clone())
}

/// Steps learn the configured Prometheus as `ONCALL_PROMETHEUS_URL`.
pub fn with_prometheus(
    mut env: Vec<(String, String)>,
    url: Option<String>,
) -> Vec<(String, String)> {
    if let Some(url) = url {
        env.retain(|(k, _)| k != vars::PROMETHEUS_VAR);
        env.push((vars::PROMETHEUS_VAR.to_string(), url));
        env.sort();
    }
    env
}

fn needs_confirm(state: &State, i: usize) -> bool {
    let Some(step) = state.rb.stepper.as_ref().and_then(|s| s.step(i)) else {
        return true;
    };
    // The runbook file cannot waive the question; only the user's config can, and only for diagnosis.
    match step.role {
        StepRole::Mitigation | StepRole::Other => true,
        StepRole::Diagnosis => step.confirm == Some(true) || state.rb.settings.confirm_diagnosis,
    }
}

/// Shows the exact command and the variables it receives, or runs it when
/// the config lets diagnosis steps run without asking.
pub(super) fn confirm(state: &mut State, i: usize, recorded: bool) -> Vec<Effect> {
    state.rb.awaiting_incident = None;
    if !recorded {
        state.rb.incident = None;
        state.rb.unrecorded = true;
    }
    let Some(s) = &state.rb.stepper else {
        return vec![];
    };
    let Some(step) = s.step(i) else { return vec![] };
    let command = step.command.clone().unwrap_or_default();
    let env = vars::command_env(&s.runbook, &s.labels, &s.captured, &command)
        .map(|env| with_prometheus(env, prometheus_url(state)))
        .map_err(|e| e.to_string());
    let env = match env {
        Ok(env) => env,
        Err(e) => return not_run(state, i, &e),
    };
    let timeout = step.timeout.unwrap_or(state.rb.settings.timeout);
    // A query changes nothing: it runs at once, its variables filled in.
    if step.kind == StepKind::Query {
        let query = match vars::expand_query(&command, &env) {
            Ok(q) => q,
            Err(e) => return not_run(state, i, &e),
        };
        let request = ExecRequest {
            command: query,
            env: vec![],
            timeout,
            workdir: None,
            session: None,
        };
        return vec![Effect::Step(StepMsg::Run { step: i, request })];
    }
    let request = ExecRequest {
        command: command.clone(),
        env,
        timeout,
        workdir: None,
        // The run's session by name; the engine keeps the file (core does no I/O).
        session: Some(session_name(s).into()),
    };
    let run = Effect::Step(StepMsg::Run {
        step: i,
        request: if state.demo {
            demo_stand_in(request.clone())
        } else {
            request.clone()
        },
    });
    if !needs_confirm(state, i) {
        return vec![run];
    }
    let mut lines = vec![if state.demo {
        format!(
            "{} step · the demo only shows it (nothing runs):",
            step.role.word()
        )
    } else {
        format!(
            "{} step · runs in this run's bash session:",
            step.role.word()
        )
    }];
    lines.extend(command.lines().map(|l| format!("│ {l}")));
    lines.push(String::new());
    let named = vars::referenced(&command);
    let (used, rest): (Vec<_>, Vec<_>) = request.env.iter().partition(|(k, _)| named.contains(k));
    if used.is_empty() {
        lines.push("It names no variables.".into());
    } else {
        lines.push("Variables it names:".into());
        lines.extend(used.iter().map(|(k, v)| format!("• {k}={v}")));
    }
    let own = vars::self_provided(&command);
    for missing in named
        .iter()
        .filter(|n| !request.env.iter().any(|(k, _)| k == *n) && !own.contains(n))
    {
        lines.push(
            match crate::runbook::session_vars::from_session(s, i, missing, false) {
                Some(said) => format!("• {said}"),
                None => format!("• {missing} is not set (no such label or var)"),
            },
        );
    }
    // The rest of what it receives, with values; the ONCALL_LABEL_ copies
    // repeat the labels, so they are named once.
    type Vars<'a> = Vec<&'a (String, String)>;
    let (long, short): (Vars, Vars) = rest
        .into_iter()
        .partition(|(k, _)| k.starts_with(vars::LABEL_PREFIX));
    let mut more: Vec<String> = short.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if !long.is_empty() {
        let and = if more.is_empty() { "" } else { "and " };
        more.push(format!(
            "{and}{}<NAME> for each of the {} labels",
            vars::LABEL_PREFIX,
            long.len()
        ));
    }
    if !more.is_empty() {
        lines.push(format!("Also in its environment: {}", more.join("  ")));
    }
    lines.push(format!(
        "Timeout {} · Ctrl-c stops it · {}",
        took(timeout),
        state
            .rb
            .incident
            .as_deref()
            .map_or("not recorded".to_string(), |id| format!("recorded on {id}"))
    ));
    state.confirm = Some(Confirm {
        picks: Vec::new(),
        title: format!("Run step {}/{}: {}?", i + 1, s.runs.len(), step.title),
        lines,
        yes: vec![run],
        no: None,
    });
    vec![]
}
