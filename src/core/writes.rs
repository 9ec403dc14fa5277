//! Ack, unack, silence, expire, extend and resolve: what each selects, where
//! it is written (one member of each Alertmanager cluster), and what the
//! status line says when Alertmanager answers.

use std::time::Duration;

use super::rows::{visible, Row};
use super::silence_form::SilenceForm;
use super::state::{Confirm, Health, Pane, State, StatusLevel};
use super::update::{say, Effect};
use crate::model::duration::{format_age, format_duration};
use crate::model::{
    ack_comment, active_ack, label_matchers, Alert, MatchOp, Matcher, SilenceDraft,
};
use crate::source::cluster::{group, Cluster};
use crate::source::write::{WriteOp, WriteReport, WriteRequest};
use crate::source::SourceKind;

/// The alerts an action applies to: the detail view's alert, the selected
/// alert, or the listed alerts of the selected group. Also a name for them
/// and, for a group, its key.
pub fn targets(state: &State) -> Option<(String, Vec<usize>, Option<String>)> {
    if state.pane == Pane::Detail {
        let fp = state.detail.as_deref()?;
        let i = state.alerts.iter().position(|a| a.fingerprint == fp)?;
        return Some((state.alerts[i].alertname().to_string(), vec![i], None));
    }
    if state.pane != Pane::Alerts {
        return None;
    }
    match state.rows.get(state.cursor)? {
        Row::Alert { index }
        | Row::Group {
            single: Some(index),
            ..
        } => Some((
            state.alerts[*index].alertname().to_string(),
            vec![*index],
            None,
        )),
        Row::Group { key, count, .. } => {
            let members: Vec<usize> = (0..state.alerts.len())
                .filter(|&i| {
                    let a = &state.alerts[i];
                    a.labels
                        .get(&state.group_by)
                        .map(String::as_str)
                        .unwrap_or("")
                        == key
                        && visible(a, &state.filter, state.show_silenced, state.show_inhibited)
                })
                .collect();
            Some((
                format!("{key} ({count} alerts)"),
                members,
                Some(key.clone()),
            ))
        }
    }
}

/// Matchers that select exactly these alerts: one alert's labels; for a
/// group, the labels they share, plus `=~"a|b"` for a label whose values differ.
pub fn matchers_for(alerts: &[&Alert]) -> Vec<Matcher> {
    let Some(first) = alerts.first() else {
        return vec![];
    };
    if alerts.len() == 1 {
        return label_matchers(&first.labels);
    }
    let mut out = Vec::new();
    for (name, value) in &first.labels {
        let mut values: Vec<&str> = Vec::new();
        for a in alerts {
            match a.labels.get(name) {
                Some(v) if !values.contains(&v.as_str()) => values.push(v),
                Some(_) => {}
                None => {
                    values.clear();
                    break;
                }
            }
        }
        match values.len() {
            0 => {}
            1 => out.push(Matcher::literal(name, MatchOp::Eq, value)),
            _ => {
                values.sort_unstable();
                let re: Vec<String> = values.iter().map(|v| regex::escape(v)).collect();
                if let Ok(m) = Matcher::new(name, MatchOp::Re, &re.join("|")) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// The Alertmanager clusters that hold these alerts, each with its members
/// in the order to try (healthy first).
fn clusters_of_alerts(state: &State, alerts: &[usize]) -> Vec<Cluster> {
    let reporters: Vec<&str> = alerts
        .iter()
        .flat_map(|&i| state.alerts[i].sources.iter().map(String::as_str))
        .collect();
    clusters_where(state, |name| reporters.contains(&name))
}

/// Every member of each cluster that has a member for which `pick` holds.
fn clusters_where(state: &State, pick: impl Fn(&str) -> bool) -> Vec<Cluster> {
    let names = state.clusters();
    let is_am = |i: usize| state.sources[i].kind == SourceKind::Alertmanager;
    let chosen: Vec<&String> = (0..state.sources.len())
        .filter(|&i| is_am(i) && pick(&state.sources[i].name))
        .map(|i| &names[i])
        .collect();
    let mut members: Vec<usize> = (0..state.sources.len())
        .filter(|&i| is_am(i) && chosen.contains(&&names[i]))
        .collect();
    members.sort_by_key(|&i| !matches!(state.health(i), Health::Ok));
    group(&names, members)
}

/// All Alertmanager clusters (for a silence of alerts no Alertmanager holds yet).
pub fn all_clusters(state: &State) -> Vec<Cluster> {
    clusters_where(state, |_| true)
}

fn cluster_of_source(state: &State, source: &str) -> Vec<Cluster> {
    clusters_where(state, |name| name == source)
}

fn request(what: String, jobs: Vec<(Cluster, WriteOp)>) -> Vec<Effect> {
    vec![Effect::Write(WriteRequest {
        what,
        from_form: false,
        jobs,
    })]
}

pub fn ack(state: &mut State, text: &str) -> Vec<Effect> {
    let Some((name, idx, group_key)) = targets(state) else {
        say(
            state,
            StatusLevel::Warn,
            "select an alert or a group to ack",
        );
        return vec![];
    };
    let now = state.now;
    let unacked: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| active_ack(&state.silences, &state.alerts[i].labels, now).is_none())
        .collect();
    if unacked.is_empty() {
        let s = active_ack(&state.silences, &state.alerts[idx[0]].labels, now);
        let text = match s {
            Some(s) => format!("{name} is already {}", ack_words(s, now)),
            None => format!("nothing to ack in {name}"),
        };
        say(state, StatusLevel::Info, text);
        return vec![];
    }
    if group_key.as_deref() == Some("") {
        say(
            state,
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
        say(
            state,
            StatusLevel::Warn,
            format!(
                "{name} is not in any Alertmanager yet (pending in Prometheus): nothing to ack"
            ),
        );
        return vec![];
    }
    let alerts: Vec<&Alert> = idx.iter().map(|&i| &state.alerts[i]).collect();
    let draft = SilenceDraft {
        id: None,
        matchers: matchers_for(&alerts),
        starts_at: now,
        ends_at: now + chrono::Duration::from_std(state.ack_duration).unwrap_or_default(),
        created_by: state.author.clone(),
        comment: ack_comment(text),
    };
    let jobs = clusters
        .into_iter()
        .map(|c| (c, WriteOp::Ack(draft.clone())))
        .collect();
    say(
        state,
        StatusLevel::Info,
        format!(
            "acking {name} for {}…",
            format_duration(state.ack_duration.as_secs())
        ),
    );
    request(format!("ack of {name}"), jobs)
}

/// "acked by bob, 12m left"
pub fn ack_words(s: &crate::model::Silence, now: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "acked by {}, {} left",
        s.created_by,
        time_left(s.ends_at, now)
    )
}

/// Time left, rounded to the nearest unit: a fresh 15m ack says 15m, not 14m.
pub fn time_left(end: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let secs = (end - now).num_seconds().max(0);
    format_age(if secs >= 60 { secs + 30 } else { secs })
}

pub fn unack(state: &mut State) -> Vec<Effect> {
    let Some((name, idx, _)) = targets(state) else {
        say(
            state,
            StatusLevel::Warn,
            "select an acked alert or group to unack",
        );
        return vec![];
    };
    let now = state.now;
    let mut ids: Vec<(String, String)> = Vec::new();
    for &i in &idx {
        let labels = &state.alerts[i].labels;
        for s in &state.silences {
            if s.is_ack()
                && s.is_active(now)
                && s.covers(labels)
                && !ids.iter().any(|(id, _)| *id == s.id)
            {
                ids.push((s.id.clone(), s.source.clone()));
            }
        }
    }
    if ids.is_empty() {
        say(state, StatusLevel::Info, format!("{name} is not acked"));
        return vec![];
    }
    let mut jobs: Vec<(Cluster, WriteOp)> = Vec::new();
    for (id, source) in ids {
        state.unacked_here.insert(id.clone());
        for c in cluster_of_source(state, &source) {
            match jobs.iter_mut().find(|(j, _)| j.name == c.name) {
                Some((_, WriteOp::Expire(list))) => list.push(id.clone()),
                _ => jobs.push((c, WriteOp::Expire(vec![id.clone()]))),
            }
        }
    }
    say(
        state,
        StatusLevel::Info,
        format!("removing the ack of {name}…"),
    );
    request(format!("unack of {name}"), jobs)
}

/// `r`: asks first, and says plainly that Prometheus will send it again.
pub fn resolve(state: &mut State) -> Vec<Effect> {
    let Some((name, idx, _)) = targets(state) else {
        say(state, StatusLevel::Warn, "select an alert to resolve");
        return vec![];
    };
    let clusters = clusters_of_alerts(state, &idx);
    if clusters.is_empty() {
        say(
            state,
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
        title: format!("Resolve {name}?"),
        lines: vec![
            "Alertmanager marks it resolved now and sends the resolved notification.".into(),
            "If its Prometheus rule still fires, Prometheus sends it again within a".into(),
            "minute and it comes back: fix the cause, or silence it instead (s).".into(),
        ],
        request: WriteRequest {
            what: format!("resolve of {name}"),
            from_form: false,
            jobs,
        },
    });
    vec![]
}

/// `s`: the form, prefilled from the selection (or from the silence being edited).
pub fn open_form(state: &mut State) {
    if state.pane == Pane::Silences {
        return edit_silence(state);
    }
    let (matchers, clusters) = match targets(state) {
        Some((_, idx, _)) => {
            let alerts: Vec<&Alert> = idx.iter().map(|&i| &state.alerts[i]).collect();
            let mut clusters = clusters_of_alerts(state, &idx);
            if clusters.is_empty() {
                clusters = all_clusters(state);
            }
            (matchers_for(&alerts), clusters)
        }
        None => (vec![], all_clusters(state)),
    };
    let selected: Vec<String> = clusters.iter().map(|c| c.name.clone()).collect();
    let form = SilenceForm::new(
        matchers,
        format_duration(state.silence_duration.as_secs()),
        state.author.clone(),
        state.require_comment,
        form_clusters(state, &selected),
    );
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
        say(
            state,
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
        say(state, StatusLevel::Warn, "no silence selected");
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
        say(
            state,
            StatusLevel::Info,
            "expire works in the silences pane (S)",
        );
        return vec![];
    }
    let Some(s) = state.selected_silence().cloned() else {
        say(state, StatusLevel::Warn, "no silence selected");
        return vec![];
    };
    if !s.is_active(state.now) && s.starts_at <= state.now {
        say(state, StatusLevel::Info, "that silence has already ended");
        return vec![];
    }
    let jobs = cluster_of_source(state, &s.source)
        .into_iter()
        .map(|c| (c, WriteOp::Expire(vec![s.id.clone()])))
        .collect();
    let kind = if s.is_ack() { "ack" } else { "silence" };
    state.confirm = Some(Confirm {
        title: format!("Expire {kind} {}?", short_id(&s.id)),
        lines: vec![
            crate::model::matcher::format_matchers(&s.matchers),
            format!("by {}: {}", s.created_by, s.comment),
            "The alerts it silences notify again at once.".into(),
        ],
        request: WriteRequest {
            what: format!("expiry of {kind} {}", short_id(&s.id)),
            from_form: false,
            jobs,
        },
    });
    vec![]
}

/// `x` in the silences pane, after the duration is typed.
pub fn extend(state: &mut State, by: Duration) -> Vec<Effect> {
    let Some(s) = state.selected_silence().cloned() else {
        say(state, StatusLevel::Warn, "no silence selected");
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
    say(
        state,
        StatusLevel::Info,
        format!(
            "extending {} by {}…",
            short_id(&s.id),
            format_duration(by.as_secs())
        ),
    );
    request(format!("extension of {}", short_id(&s.id)), jobs)
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
        say(
            state,
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
        say(state, StatusLevel::Error, text);
    }
    vec![Effect::RefreshNow]
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

    /// The silences pane's selected silence.
    pub fn selected_silence(&self) -> Option<&crate::model::Silence> {
        let i = *self.silence_rows.get(self.silence_cursor)?;
        self.silences.get(i)
    }
}
