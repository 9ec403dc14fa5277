//! `/metrics` in Prometheus' text format and `/healthz`, read off the
//! engine's state and counters at the moment of the scrape.

use std::fmt::Write;

use crate::core::escalations::escalation_rows;
use crate::core::{Health, State};
use crate::engine::Engine;
use crate::model::AlertState;

/// What keeps the engine from being healthy now, but the state dir's
/// write probe (done by the HTTP side): a source that has not answered
/// within its stale limit, a journal write that failed. Empty: healthy.
pub fn health(engine: &Engine) -> Vec<String> {
    let state = &engine.state;
    let mut trouble = Vec::new();
    for (i, s) in state.sources.iter().enumerate() {
        match state.health(i) {
            Health::Ok => {}
            Health::Connecting => trouble.push(format!("{}: no answer yet", s.name)),
            Health::Down { reason } => trouble.push(format!("{}: down: {reason}", s.name)),
            Health::Stale { since, reason } => trouble.push(format!(
                "{}: no good answer for {}s: {reason}",
                s.name,
                (state.now - since).num_seconds()
            )),
        }
    }
    if let Some(e) = &state.journal_error {
        trouble.push(format!("store: {e}"));
    }
    trouble
        .iter()
        .map(|t| crate::sanitize::line(t).into_owned())
        .collect()
}

/// A label value as the text format wants it.
fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

pub fn render(engine: &Engine) -> String {
    let state = &engine.state;
    let stats = &engine.stats;
    let mut out = String::with_capacity(4096);
    family(
        &mut out,
        "oncall_build_info",
        "gauge",
        "The running oncall's version.",
    );
    let _ = writeln!(
        out,
        "oncall_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    sources(&mut out, engine);
    alerts(&mut out, state);
    family(
        &mut out,
        "oncall_escalation_levels_due",
        "gauge",
        "Escalation groups with a level that fell due, is not paged yet, and nothing holds.",
    );
    let due = escalation_rows(state)
        .iter()
        .filter(|r| {
            r.standing.held_by.is_none()
                && r.standing.reached.iter().any(|d| {
                    !state
                        .paged
                        .contains(&d.key(&r.policy, &r.group, r.standing.started))
                })
        })
        .count();
    let _ = writeln!(out, "oncall_escalation_levels_due {due}");
    family(
        &mut out,
        "oncall_escalation_levels_paged_total",
        "counter",
        "Levels this engine paged (at least one notifier delivered).",
    );
    let _ = writeln!(
        out,
        "oncall_escalation_levels_paged_total {}",
        stats.levels_paged
    );
    family(
        &mut out,
        "oncall_escalation_levels_failed_total",
        "counter",
        "Levels whose every notifier failed.",
    );
    let _ = writeln!(
        out,
        "oncall_escalation_levels_failed_total {}",
        stats.levels_failed
    );
    family(
        &mut out,
        "oncall_pages_failing",
        "gauge",
        "Claimed pages no notifier has delivered yet (tried again every page_retry).",
    );
    let _ = writeln!(out, "oncall_pages_failing {}", state.failed_pages.len());
    family(
        &mut out,
        "oncall_deliveries_total",
        "counter",
        "Page deliveries by notifier and result.",
    );
    for ((notifier, result), n) in &stats.deliveries {
        let _ = writeln!(
            out,
            "oncall_deliveries_total{{notifier=\"{}\",result=\"{result}\"}} {n}",
            esc(notifier)
        );
    }
    family(
        &mut out,
        "oncall_store_errors_total",
        "counter",
        "Writes to the state dir that failed.",
    );
    let _ = writeln!(out, "oncall_store_errors_total {}", stats.store_errors);
    family(
        &mut out,
        "oncall_engine_paging",
        "gauge",
        "1 while this engine holds the lease and pages; 0 while another does.",
    );
    let _ = writeln!(
        out,
        "oncall_engine_paging {}",
        state.paging_held_by.is_none() as u8
    );
    out
}

fn sources(out: &mut String, engine: &Engine) {
    let state = &engine.state;
    let stats = &engine.stats;
    let label = |i: usize| {
        let s = &state.sources[i];
        format!("source=\"{}\",kind=\"{}\"", esc(&s.name), s.kind.name())
    };
    family(
        out,
        "oncall_source_up",
        "gauge",
        "1 while the source answered within its stale limit.",
    );
    for i in 0..state.sources.len() {
        let up = matches!(state.health(i), Health::Ok) as u8;
        let _ = writeln!(out, "oncall_source_up{{{}}} {up}", label(i));
    }
    family(
        out,
        "oncall_source_last_success_timestamp_seconds",
        "gauge",
        "When the source last answered well (Unix time).",
    );
    for (i, s) in state.sources.iter().enumerate() {
        if let Some(ok) = s.last_ok {
            let _ = writeln!(
                out,
                "oncall_source_last_success_timestamp_seconds{{{}}} {}",
                label(i),
                ok.timestamp()
            );
        }
    }
    // Each family's samples together, as the text format wants them.
    let n = state.sources.len();
    let per_source = stats.sources.iter().enumerate().take(n);
    family(
        out,
        "oncall_source_polls_total",
        "counter",
        "Polls of the source.",
    );
    for (i, s) in per_source.clone() {
        let _ = writeln!(out, "oncall_source_polls_total{{{}}} {}", label(i), s.polls);
    }
    family(
        out,
        "oncall_source_poll_errors_total",
        "counter",
        "Polls of the source that failed.",
    );
    for (i, s) in per_source.clone() {
        let _ = writeln!(
            out,
            "oncall_source_poll_errors_total{{{}}} {}",
            label(i),
            s.errors
        );
    }
    family(
        out,
        "oncall_source_poll_duration_seconds",
        "gauge",
        "How long the last poll took, request and decode.",
    );
    for (i, s) in per_source {
        if let Some(took) = s.last_took {
            let _ = writeln!(
                out,
                "oncall_source_poll_duration_seconds{{{}}} {:.6}",
                label(i),
                took.as_secs_f64()
            );
        }
    }
}

fn alerts(out: &mut String, state: &State) {
    family(
        out,
        "oncall_alerts",
        "gauge",
        "Alerts from every source, deduplicated, by state.",
    );
    for (word, st) in [
        ("firing", AlertState::Firing),
        ("pending", AlertState::Pending),
        ("suppressed", AlertState::Suppressed),
        ("unknown", AlertState::Unknown),
    ] {
        let n = state.alerts.iter().filter(|a| a.state == st).count();
        let _ = writeln!(out, "oncall_alerts{{state=\"{word}\"}} {n}");
    }
}
