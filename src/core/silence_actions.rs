//! The silence form and the silences pane's writes: open the form
//! (prefilled from the selection, or from the silence being edited), submit
//! it, expire a silence after a yes, extend one.

use std::time::Duration;

use super::ack_actions::{besides_lines, plural, request, short_id};
use super::msg::Effect;
use super::panes::silence_form::SilenceForm;
use super::state::{Confirm, Pane, State, StatusLevel};
use super::targets::{all_clusters, cluster_of_source, clusters_of_alerts, matchers_for, targets};
use crate::model::duration::format_duration;
use crate::model::{Alert, MatchOp, Matcher};
use crate::source::alertmanager_writes::{WriteOp, WriteRequest};
use crate::source::cluster::Cluster;

/// `s`: the form, prefilled from the selection (or from the silence being edited).
pub fn open_form(state: &mut State) {
    if state.pane == Pane::Silences {
        return edit_silence(state);
    }
    let (matchers, clusters, chosen) = match targets(state) {
        Some((_, idx, _)) => {
            let alerts: Vec<&Alert> = idx.iter().map(|&i| &state.alerts[i]).collect();
            let mut clusters = clusters_of_alerts(state, &idx);
            if clusters.is_empty() {
                clusters = all_clusters(state);
            }
            let chosen = alerts.iter().map(|a| a.fingerprint.to_string()).collect();
            (matchers_for(&alerts, &state.alerts).0, clusters, chosen)
        }
        None => (vec![], all_clusters(state), vec![]),
    };
    let selected: Vec<String> = clusters.iter().map(|c| c.name.clone()).collect();
    let mut form = SilenceForm::new(
        matchers,
        format_duration(state.silence_duration.as_secs()),
        state.author.clone(),
        state.require_comment,
        form_clusters(state, &selected),
    );
    form.chosen = chosen;
    show_form(state, form);
}

/// Every cluster, with these selected.
fn form_clusters(state: &State, selected: &[String]) -> Vec<(String, bool)> {
    all_clusters(state)
        .into_iter()
        .map(|c| {
            let on = selected.contains(&c.name);
            (c.name, on)
        })
        .collect()
}

fn show_form(state: &mut State, mut form: SilenceForm) {
    if form.clusters.is_empty() {
        state.say(
            StatusLevel::Warn,
            "no Alertmanager configured: nowhere to create a silence",
        );
        return;
    }
    form.preview(&state.alerts);
    state.form = Some(form);
}

fn edit_silence(state: &mut State) {
    let Some(s) = state.selected_silence().cloned() else {
        state.say(StatusLevel::Warn, "no silence selected");
        return;
    };
    let cluster: Vec<String> = cluster_of_source(state, &s.source)
        .into_iter()
        .map(|c| c.name)
        .collect();
    let mut form = SilenceForm::new(
        s.matchers.clone(),
        s.ends_at.format("%Y-%m-%d %H:%M").to_string(),
        state.author.clone(),
        state.require_comment,
        form_clusters(state, &cluster),
    );
    let now = state.now;
    form.comment = s.comment.clone();
    if s.is_active(now) || s.starts_at > now {
        form.id = Some(s.id.clone());
        form.starts_at = Some(s.starts_at);
    }
    if s.ends_at <= now {
        form.until = format_duration(state.silence_duration.as_secs());
    }
    show_form(state, form);
}

/// Enter on the form's submit line.
pub fn submit_form(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else {
        return vec![];
    };
    let draft = match form.draft(state.now) {
        Ok(d) => d,
        Err(e) => {
            form.error = Some(e);
            return vec![];
        }
    };
    // Matchers that select alerts besides the ones the form was opened for
    // are named, and sent only when Enter is pressed again.
    let besides: Vec<&Alert> = form.besides.iter().map(|&i| &state.alerts[i]).collect();
    if !besides.is_empty() && !form.besides_confirmed {
        let mut text = format!(
            "Enter again to send: also silences {} not selected:",
            plural(besides.len(), "alert")
        );
        for line in besides_lines(&besides, &state.alerts) {
            text.push_str(&format!("\n{}", line.trim_start()));
        }
        form.error = Some(text);
        form.besides_confirmed = true;
        return vec![];
    }
    form.error = None;
    form.submitting = true;
    let selected: Vec<String> = form
        .clusters
        .iter()
        .filter(|c| c.1)
        .map(|c| c.0.clone())
        .collect();
    let jobs: Vec<(Cluster, WriteOp)> = all_clusters(state)
        .into_iter()
        .filter(|c| selected.contains(&c.name))
        .map(|c| {
            // An id is only known to its own cluster.
            let mut d = draft.clone();
            if d.id.is_some() && !state.silence_in_cluster(d.id.as_deref(), &c) {
                d.id = None;
            }
            (c, WriteOp::Silence(d))
        })
        .collect();
    let what = format!("silence of {}", name_of(&draft.matchers));
    vec![Effect::Write(WriteRequest {
        what,
        from_form: true,
        jobs,
    })]
}

/// A short name for what matchers select: the alertname, or the first matcher.
fn name_of(matchers: &[Matcher]) -> String {
    let main = matchers
        .iter()
        .find(|m| m.name == "alertname" && m.op == MatchOp::Eq)
        .map(|m| m.value.clone())
        .unwrap_or_else(|| matchers[0].to_string());
    match matchers.len() {
        1 => main,
        n => format!("{main} (+{} matchers)", n - 1),
    }
}

/// `e` in the silences pane: expire the selected silence, after a yes.
pub fn expire(state: &mut State) -> Vec<Effect> {
    if state.pane != Pane::Silences {
        state.say(StatusLevel::Info, "expire works in the silences pane (S)");
        return vec![];
    }
    let Some(s) = state.selected_silence().cloned() else {
        state.say(StatusLevel::Warn, "no silence selected");
        return vec![];
    };
    if !s.is_active(state.now) && s.starts_at <= state.now {
        state.say(StatusLevel::Info, "that silence has already ended");
        return vec![];
    }
    let jobs = cluster_of_source(state, &s.source)
        .into_iter()
        .map(|c| (c, WriteOp::Expire(vec![s.id.clone()])))
        .collect();
    let kind = if s.is_ack(&state.ack_prefix) {
        "ack"
    } else {
        "silence"
    };
    state.confirm = Some(Confirm {
        picks: Vec::new(),
        title: format!("Expire {kind} {}?", short_id(&s.id)),
        lines: vec![
            crate::model::matcher::format_matchers(&s.matchers),
            format!("by {}: {}", s.created_by, s.comment),
            "The alerts it silences notify again at once.".into(),
        ],
        yes: vec![Effect::Write(WriteRequest {
            what: format!("expiry of {kind} {}", short_id(&s.id)),
            from_form: false,
            jobs,
        })],
        no: None,
    });
    vec![]
}

/// `x` in the silences pane, after the duration is typed.
pub fn extend(state: &mut State, by: Duration) -> Vec<Effect> {
    let Some(s) = state.selected_silence().cloned() else {
        state.say(StatusLevel::Warn, "no silence selected");
        return vec![];
    };
    let jobs = cluster_of_source(state, &s.source)
        .into_iter()
        .map(|c| {
            (
                c,
                WriteOp::Extend {
                    id: s.id.clone(),
                    by,
                },
            )
        })
        .collect();
    state.say(
        StatusLevel::Info,
        format!(
            "extending {} by {}…",
            short_id(&s.id),
            format_duration(by.as_secs())
        ),
    );
    request(format!("extension of {}", short_id(&s.id)), jobs)
}

impl State {
    /// True when a silence of this id was reported by a member of `cluster`.
    pub fn silence_in_cluster(&self, id: Option<&str>, cluster: &Cluster) -> bool {
        let Some(id) = id else { return false };
        cluster.members.iter().any(|&m| {
            self.sources
                .get(m)
                .is_some_and(|s| s.silences.iter().any(|x| x.id == id))
        })
    }
}
