//! Ack, unack and resolve, and what the status line says when Alertmanager
//! answers any write.

use super::msg::Effect;
use super::state::{Confirm, State, StatusLevel};
use super::targets::{cluster_of_source, clusters_of_alerts, matchers_for, name_of, targets};
use crate::model::duration::{format_age, format_duration};
use crate::model::matcher::format_matchers;
use crate::model::{ack_comment, active_ack, Alert, SilenceDraft};
use crate::source::alertmanager_writes::{WriteOp, WriteReport, WriteRequest};
use crate::source::cluster::Cluster;

pub(super) fn request(what: String, jobs: Vec<(Cluster, WriteOp)>) -> Vec<Effect> {
    vec![Effect::Write(WriteRequest {
        what,
        from_form: false,
        jobs,
    })]
}

/// The targets of an action, or a word on the status line when there are none.
fn targets_or_say(state: &mut State, hint: &str) -> Option<(String, Vec<usize>, Option<String>)> {
    let t = targets(state);
    if t.is_none() {
        state.say(StatusLevel::Warn, hint.to_string());
    }
    t
}

pub fn ack(state: &mut State, text: &str) -> Vec<Effect> {
    let Some((name, idx, group_key)) = targets_or_say(state, "select an alert or a group to ack")
    else {
        return vec![];
    };
    let now = state.now;
    let unacked: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| {
            active_ack(
                &state.silences,
                &state.alerts[i].labels,
                now,
                &state.ack_prefix,
            )
            .is_none()
        })
        .collect();
    if unacked.is_empty() {
        return offer_extension(state, &name, &idx);
    }
    if group_key.as_deref() == Some("") {
        state.say(
            StatusLevel::Warn,
            format!(
                "these alerts have no {} label to ack them by; ack them one by one",
                state.group_by
            ),
        );
        return vec![];
    }
    let clusters = clusters_of_alerts(state, &idx);
    if clusters.is_empty() {
        state.say(
            StatusLevel::Warn,
            format!(
                "{name} is not in any Alertmanager yet (pending in Prometheus): nothing to ack"
            ),
        );
        return vec![];
    }
    let alerts: Vec<&Alert> = idx.iter().map(|&i| &state.alerts[i]).collect();
    let (matchers, besides) = matchers_for(&alerts, &state.alerts);
    let besides = besides_lines(&besides, &state.alerts);
    let draft = SilenceDraft {
        id: None,
        matchers,
        starts_at: now,
        ends_at: now + chrono::Duration::from_std(state.ack_duration).unwrap_or_default(),
        created_by: state.author.clone(),
        comment: ack_comment(&state.ack_prefix, text),
    };
    let jobs = clusters
        .into_iter()
        .map(|c| (c, WriteOp::Ack(draft.clone())))
        .collect();
    let duration = format_duration(state.ack_duration.as_secs());
    if !besides.is_empty() {
        // One silence cannot select exactly these: say which others it
        // would ack too, and send it only on a yes.
        let mut lines = vec![format!(
            "An ack of {name} would also ack {} you did not select:",
            plural(besides.len(), "alert")
        )];
        lines.extend(besides);
        lines.push(format!("Matchers: {}", format_matchers(&draft.matchers)));
        state.confirm = Some(Confirm {
            picks: Vec::new(),
            title: format!("Ack {name} and these for {duration}?"),
            lines,
            yes: request(format!("ack of {name}"), jobs),
            no: None,
        });
        return vec![];
    }
    state.say(StatusLevel::Info, format!("acking {name} for {duration}…"));
    request(format!("ack of {name}"), jobs)
}

/// `a` on what is acked already: offer to extend its ack (the same
/// silence, a later end), as kthxbye keeps acks alive.
fn offer_extension(state: &mut State, name: &str, idx: &[usize]) -> Vec<Effect> {
    let now = state.now;
    // Every ack in force on them: an ack is made in each cluster that
    // holds the alerts, and each one is extended.
    let mut acks: Vec<crate::model::Silence> = Vec::new();
    for &i in idx {
        let labels = &state.alerts[i].labels;
        for s in &state.silences {
            let covers = s.is_ack(&state.ack_prefix) && s.is_active(now) && s.covers(labels);
            if covers && !acks.iter().any(|a| a.id == s.id) {
                acks.push(s.clone());
            }
        }
    }
    let Some(first) = acks.first() else {
        state.say(StatusLevel::Info, format!("nothing to ack in {name}"));
        return vec![];
    };
    let by = state.ack_duration;
    let chrono_by = chrono::Duration::from_std(by).unwrap_or_default();
    let mut jobs: Vec<(Cluster, WriteOp)> = Vec::new();
    for s in &acks {
        for c in cluster_of_source(state, &s.source) {
            jobs.push((
                c,
                WriteOp::Extend {
                    id: s.id.clone(),
                    by,
                },
            ));
        }
    }
    let mut lines = vec![format!("{name} is {}.", ack_words(first, now))];
    for s in &acks {
        lines.push(format!(
            "Ack {} would end at {} instead of {}.",
            short_id(&s.id),
            (s.ends_at.max(now) + chrono_by).format("%H:%M UTC"),
            s.ends_at.format("%H:%M UTC")
        ));
    }
    state.confirm = Some(Confirm {
        picks: Vec::new(),
        title: format!(
            "Extend the ack of {name} by {}?",
            format_duration(by.as_secs())
        ),
        lines,
        yes: request(format!("extension of the ack of {name}"), jobs),
        no: None,
    });
    vec![]
}

/// "3 alerts", "1 alert".
pub fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The alerts a write would select besides the chosen ones, a line each
/// (the first four, then how many more).
pub fn besides_lines(besides: &[&Alert], all: &[Alert]) -> Vec<String> {
    let mut lines: Vec<String> = besides
        .iter()
        .take(4)
        .map(|a| {
            let labels: Vec<String> = a
                .labels
                .iter()
                .filter(|(k, _)| *k != "alertname")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!("  {} {}", name_of(a, all), labels.join(" "))
        })
        .collect();
    if besides.len() > 4 {
        lines.push(format!("  … and {} more", besides.len() - 4));
    }
    lines
}

/// "acked by bob, 12m left"
pub fn ack_words(s: &crate::model::Silence, now: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "acked by {}, {} left",
        s.created_by,
        time_left(s.ends_at, now)
    )
}

/// Time left, to the minute and rounded (a fresh 15m ack says 15m, a
/// fresh 2h silence 2h, then 1h59m): never less than it looks.
pub fn time_left(end: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let secs = (end - now).num_seconds().max(0);
    if secs < 60 {
        return format_age(secs);
    }
    let minutes = (secs + 30) / 60;
    let text = format_duration(minutes as u64 * 60);
    // Days: hours are enough.
    if minutes >= 24 * 60 {
        return format_duration((minutes as u64 / 60) * 3600);
    }
    text
}

pub fn unack(state: &mut State) -> Vec<Effect> {
    let Some((name, idx, _)) = targets_or_say(state, "select an acked alert or group to unack")
    else {
        return vec![];
    };
    let now = state.now;
    let mut ids: Vec<(String, String)> = Vec::new();
    for &i in &idx {
        let labels = &state.alerts[i].labels;
        for s in &state.silences {
            if s.is_ack(&state.ack_prefix)
                && s.is_active(now)
                && s.covers(labels)
                && !ids.iter().any(|(id, _)| *id == s.id)
            {
                ids.push((s.id.clone(), s.source.clone()));
            }
        }
    }
    if ids.is_empty() {
        state.say(StatusLevel::Info, format!("{name} is not acked"));
        return vec![];
    }
    let mut jobs: Vec<(Cluster, WriteOp)> = Vec::new();
    for (id, source) in ids {
        for c in cluster_of_source(state, &source) {
            match jobs.iter_mut().find(|(j, _)| j.name == c.name) {
                Some((_, WriteOp::Expire(list))) => list.push(id.clone()),
                _ => jobs.push((c, WriteOp::Expire(vec![id.clone()]))),
            }
        }
    }
    // An ack made for a group also acks the group's other alerts: removing
    // it unacks them too, so that is asked, not done silently.
    let ack_ids: Vec<&str> = jobs
        .iter()
        .flat_map(|(_, op)| match op {
            WriteOp::Expire(ids) => ids.iter().map(String::as_str).collect(),
            _ => vec![],
        })
        .collect();
    let others: Vec<&Alert> = (0..state.alerts.len())
        .filter(|i| !idx.contains(i))
        .map(|i| &state.alerts[i])
        .filter(|a| {
            state
                .silences
                .iter()
                .any(|s| ack_ids.contains(&s.id.as_str()) && s.covers(&a.labels))
        })
        .collect();
    let what = format!("unack of {name}");
    if !others.is_empty() {
        let n = others.len();
        let mut lines = vec![format!(
            "The ack also covers {n} other alert{}, which would be unacknowledged too:",
            if n == 1 { "" } else { "s" }
        )];
        lines.extend(
            others
                .iter()
                .take(4)
                .map(|a| format!("  {} {}", a.alertname(), a.summary())),
        );
        if n > 4 {
            lines.push(format!("  … and {} more", n - 4));
        }
        state.confirm = Some(Confirm {
            picks: Vec::new(),
            title: format!("Remove the ack of {name}?"),
            lines,
            yes: vec![Effect::Write(WriteRequest {
                what,
                from_form: false,
                jobs,
            })],
            no: None,
        });
        return vec![];
    }
    state.say(StatusLevel::Info, format!("removing the ack of {name}…"));
    let effects = request(what, jobs);
    mark_unacked_here(state, &effects);
    effects
}

/// Acks this console is about to take back: their ending is not news to
/// the user (no `ack ended` for them). Marked only when the unack is sent,
/// so one asked about and cancelled still reports a teammate's removal.
pub(super) fn mark_unacked_here(state: &mut State, effects: &[Effect]) {
    for e in effects {
        let Effect::Write(w) = e else { continue };
        if !w.what.starts_with("unack of") {
            continue;
        }
        for (_, op) in &w.jobs {
            if let WriteOp::Expire(ids) = op {
                state.unacked_here.extend(ids.iter().cloned());
            }
        }
    }
}

/// `r`: asks first, and says plainly that Prometheus will send it again.
pub fn resolve(state: &mut State) -> Vec<Effect> {
    let Some((name, idx, _)) = targets_or_say(state, "select an alert to resolve") else {
        return vec![];
    };
    let clusters = clusters_of_alerts(state, &idx);
    if clusters.is_empty() {
        state.say(
            StatusLevel::Warn,
            format!("{name} is not in any Alertmanager: nothing to resolve"),
        );
        return vec![];
    }
    let alerts: Vec<Alert> = idx.iter().map(|&i| state.alerts[i].clone()).collect();
    let jobs = clusters
        .into_iter()
        .map(|c| (c, WriteOp::Resolve(alerts.clone())))
        .collect();
    state.confirm = Some(Confirm {
        picks: Vec::new(),
        title: format!("Resolve {name}?"),
        lines: vec![
            "Alertmanager marks it resolved now and sends the resolved notification.".into(),
            "If its Prometheus rule still fires, Prometheus sends it again within a".into(),
            "minute and it comes back: fix the cause, or silence it instead (s).".into(),
        ],
        yes: vec![Effect::Write(WriteRequest {
            what: format!("resolve of {name}"),
            from_form: false,
            jobs,
        })],
        no: None,
    });
    vec![]
}

pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Alertmanager answered: say what happened in every cluster, loudly if
/// anything failed; the form stays open (with the error) if its write failed.
pub fn wrote(state: &mut State, report: WriteReport) -> Vec<Effect> {
    state.writes_in_flight = state.writes_in_flight.saturating_sub(1);
    let multi = report.results.len() > 1;
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for (cluster, result) in &report.results {
        let prefix = if multi {
            format!("{cluster}: ")
        } else {
            String::new()
        };
        match result {
            Ok(text) => ok.push(format!("{prefix}{text}")),
            Err(e) => failed.push(format!("{cluster}: {e}")),
        }
    }
    if failed.is_empty() {
        state.say(
            StatusLevel::Info,
            format!("{}: {}", report.what, ok.join(" · ")),
        );
        if report.from_form {
            state.form = None;
        }
    } else {
        let done = if ok.is_empty() {
            String::new()
        } else {
            format!(" (done: {})", ok.join(" · "))
        };
        let text = format!("{} failed: {}{done}", report.what, failed.join("; "));
        if report.from_form {
            if let Some(f) = state.form.as_mut() {
                f.submitting = false;
                f.error = Some(text.clone());
            }
        }
        state.say(StatusLevel::Error, text);
    }
    vec![Effect::RefreshNow, Effect::RefreshSoon]
}
