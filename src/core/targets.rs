//! What an action applies to (the alert, or the listed alerts of a group),
//! the matchers that select exactly those alerts, and the Alertmanager
//! clusters a write about them goes to.

use super::rows::{visible, Row};
use super::state::{Health, Pane, State};
use crate::model::matcher::escape_regex;
use crate::model::{label_matchers, Alert, LabelText, MatchOp, Matcher};
use crate::source::cluster::{group, Cluster};
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
                    a.labels.get(state.group_by.as_str()).unwrap_or("") == key
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
    for (name, value) in first.labels.iter() {
        let mut values: Vec<&str> = Vec::new();
        for a in alerts {
            match a.labels.get(name) {
                Some(v) if !values.contains(&v) => values.push(v),
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
                let re: Vec<String> = values.iter().map(|v| escape_regex(v)).collect();
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
pub fn clusters_of_alerts(state: &State, alerts: &[usize]) -> Vec<Cluster> {
    let reporters: Vec<&str> = alerts
        .iter()
        .flat_map(|&i| state.alerts[i].sources.iter().map(LabelText::as_str))
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

pub fn cluster_of_source(state: &State, source: &str) -> Vec<Cluster> {
    clusters_where(state, |name| name == source)
}
