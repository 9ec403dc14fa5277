//! What an action applies to (the alert, or the listed alerts of a group),
//! the matchers that select exactly those alerts, and the Alertmanager
//! clusters a write about them goes to.

use super::rows::{visible, Row};
use super::state::{Health, Pane, State};
use crate::model::matcher::escape_regex;
use crate::model::{Alert, LabelText, MatchOp, Matcher};
use crate::source::cluster::{group, Cluster};
use crate::source::SourceKind;

/// The alerts an action applies to: the detail view's alert, the selected
/// alert, or the listed alerts of the selected group. Also a name for them
/// and, for a group, its key.
pub fn targets(state: &State) -> Option<(String, Vec<usize>, Option<String>)> {
    if state.pane == Pane::Detail {
        let fp = state.detail.as_deref()?;
        let i = state.alerts.iter().position(|a| a.fingerprint == fp)?;
        return Some((name_of(&state.alerts[i], &state.alerts), vec![i], None));
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
            name_of(&state.alerts[*index], &state.alerts),
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

/// An alert's name for questions and the status line: its alertname, and
/// `(no instance)` when another alert of that name has a label it lacks,
/// so two such siblings are told apart.
pub fn name_of(alert: &Alert, all: &[Alert]) -> String {
    let name = alert.alertname();
    let mut lacking: Vec<&str> = Vec::new();
    for other in all.iter().filter(|o| o.alertname() == name) {
        for (label, value) in other.labels.iter() {
            if !value.is_empty() && alert.labels.get(label).is_none() && !lacking.contains(&label) {
                lacking.push(label);
            }
        }
    }
    if lacking.is_empty() {
        return name.to_string();
    }
    lacking.sort_unstable();
    let no: Vec<String> = lacking.iter().map(|l| format!("no {l}")).collect();
    format!("{name} ({})", no.join(", "))
}

/// Matchers that select exactly these alerts of all the current ones
/// (`all`), and the current alerts they still select besides (to be named
/// to the user before anything is sent).
///
/// Each label of the chosen alerts is matched: `=` where they agree, `=~"a|b"`
/// where they differ (`""` among the choices where some lack the label:
/// Alertmanager reads a missing label as empty). An alert that carries a
/// label the chosen ones all lack would still be selected, so `label=""` is
/// added for each such label. What stays selected besides is an alert whose
/// values fall in the chosen alerts' choices in another combination.
pub fn matchers_for<'a>(alerts: &[&Alert], all: &'a [Alert]) -> (Vec<Matcher>, Vec<&'a Alert>) {
    if alerts.is_empty() {
        return (vec![], vec![]);
    }
    let mut names: Vec<&str> = Vec::new();
    for a in alerts {
        for (name, _) in a.labels.iter() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.sort_unstable();
    let mut out: Vec<Matcher> = Vec::new();
    for name in &names {
        let mut values: Vec<&str> = alerts
            .iter()
            .map(|a| a.labels.get(name).unwrap_or(""))
            .collect();
        values.sort_unstable();
        values.dedup();
        if let [only] = values[..] {
            out.push(Matcher::literal(name, MatchOp::Eq, only));
            continue;
        }
        let re: Vec<String> = values.iter().map(|v| escape_regex(v)).collect();
        // Not expected to fail (every value is escaped) but for the regex
        // crate's size limit on a huge group: the label is then left out,
        // which selects more, never less, and the check below names the rest.
        if let Ok(m) = Matcher::new(name, MatchOp::Re, &re.join("|")) {
            out.push(m);
        }
    }
    let chosen = |a: &Alert| alerts.iter().any(|c| c.fingerprint == a.fingerprint);
    let selects = |ms: &[Matcher], a: &Alert| ms.iter().all(|m| m.matches(&a.labels));
    let mut absent: Vec<&str> = Vec::new();
    for a in all.iter().filter(|a| !chosen(a) && selects(&out, a)) {
        for (name, value) in a.labels.iter() {
            if !value.is_empty() && !names.contains(&name) && !absent.contains(&name) {
                absent.push(name);
            }
        }
    }
    absent.sort_unstable();
    out.extend(absent.iter().map(|n| Matcher::literal(n, MatchOp::Eq, "")));
    let besides = all
        .iter()
        .filter(|a| !chosen(a) && selects(&out, a))
        .collect();
    (out, besides)
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
