//! Small builders the pure tests share: a one-Alertmanager console state,
//! a poll of it, and a runbook with nothing but variables.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use oncall::core::{update, Effect, Msg, State};
use oncall::model::runbook::{Format, Runbook, VarSpec};
use oncall::model::{Alert, Labels};
use oncall::source::{Auth, Snapshot, SourceKind, SourceSpec, Tls};

pub fn am_spec(name: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind: SourceKind::Alertmanager,
        url: "http://am".into(),
        cluster: None,
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

/// A console on one Alertmanager named `source`, acting as alice.
pub fn one_source(source: &str, now: DateTime<Utc>) -> State {
    let mut s = State::new(&[am_spec(source)], now, Duration::from_secs(15));
    s.author = "alice".into();
    s
}

/// The source answers with these alerts, now.
pub fn poll_alerts(s: &mut State, alerts: Vec<Alert>) -> Vec<Effect> {
    poll(
        s,
        0,
        Snapshot {
            alerts: alerts.into(),
            ..Snapshot::default()
        },
    )
}

/// Source number `source` answers with `snap`, now.
pub fn poll(s: &mut State, source: usize, snap: Snapshot) -> Vec<Effect> {
    let at = s.now;
    update(
        s,
        Msg::Polled {
            source,
            at,
            result: Ok(snap),
        },
    )
}

/// A runbook with these `vars:` and no steps.
pub fn vars_runbook(vars: &[(&str, VarSpec)]) -> Runbook {
    Runbook {
        id: "test".into(),
        title: "Test".into(),
        path: PathBuf::from("test.md"),
        format: Format::Markdown,
        alerts: Vec::new(),
        vars: vars
            .iter()
            .map(|(n, s)| (n.to_string(), s.clone()))
            .collect(),
        context: Vec::new(),
        steps: Vec::new(),
    }
}

/// A label (or annotation) set from pairs.
pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}
