//! The alerts pane's rows, widths and counts (`rows::view_rows`, which
//! walks the alerts in merged order for speed) against the pane's rules
//! stated the plain way, alert by alert in row order, on random alert sets:
//! groups, their order and members' order, the labels that tell a group's
//! alerts apart, the labels every listed alert shares, and column widths;
//! and the same walked in two halves on two threads, as big lists are.

use crate::common;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use common::proptest_cases as cases;
use oncall::core::rows::{view_rows, view_rows_split, ViewInputs};
use oncall::core::{Filter, Row};
use oncall::model::{Alert, AlertState, Labels, Severity};
use oncall::sanitize::width;
use proptest::prelude::*;

const NAMES: [&str; 5] = ["alertname", "severity", "team", "pod", "zone"];
const VALUES: [&str; 4] = ["a", "bb", "critical", "wärning"];

fn alert_strategy() -> impl Strategy<Value = Alert> {
    let labels = proptest::collection::vec((0..NAMES.len(), 0..VALUES.len()), 0..6);
    let summary = proptest::option::of(0..VALUES.len());
    (labels, 0..4u8, 0..5i64, summary).prop_map(|(pairs, state, start, summary)| {
        let labels: Labels = pairs
            .into_iter()
            .map(|(n, v)| (NAMES[n].into(), VALUES[v].into()))
            .collect();
        let (state, silenced) = match state {
            0 => (AlertState::Firing, false),
            1 => (AlertState::Pending, false),
            2 => (AlertState::Suppressed, true),
            _ => (AlertState::Suppressed, false),
        };
        let mut a = Alert::new(labels, state, Utc.timestamp_opt(start * 60, 0).unwrap());
        if silenced {
            a.silenced_by = vec!["s".into()];
        } else if state == AlertState::Suppressed {
            a.inhibited_by = vec!["i".into()];
        }
        if let Some(s) = summary {
            a.annotations.insert("summary".into(), VALUES[s].into());
        }
        a
    })
}

fn inputs_strategy() -> impl Strategy<Value = ViewInputs> {
    let filter = prop_oneof![
        Just(String::new()),
        Just("team=\"a\"".to_string()),
        Just("bb".to_string()),
    ];
    let collapsed = proptest::collection::hash_set(
        prop_oneof![Just(""), Just("a"), Just("bb"), Just("critical")],
        0..3,
    );
    (filter, 0..3usize, any::<bool>(), any::<bool>(), collapsed).prop_map(
        |(filter, by, show_silenced, show_inhibited, collapsed)| ViewInputs {
            filter: Filter::parse(&filter).expect("the test filters parse"),
            group_by: ["alertname", "team", "pod"][by].to_string(),
            show_silenced,
            show_inhibited,
            collapsed: collapsed.into_iter().map(str::to_string).collect(),
            ..ViewInputs::default()
        },
    )
}

fn rank(a: &Alert) -> u8 {
    match a.state {
        AlertState::Firing => 0,
        AlertState::Pending => 1,
        AlertState::Suppressed => 2,
        AlertState::Unknown => 3,
    }
}

type Key = (u8, Severity, DateTime<Utc>);

/// Widths of the name, labels and summary columns.
type Widths = (usize, usize, usize);

/// The rules, stated plainly: returns rows and (name, labels, summary) widths
/// and the shared labels.
fn plain(alerts: &[Alert], v: &ViewInputs) -> (Vec<Row>, Widths, Vec<(String, String)>) {
    let key_of = |a: &Alert| -> Key { (rank(a), a.severity(), a.starts_at) };
    let shown = |a: &Alert| {
        (v.show_silenced || !a.is_silenced())
            && (v.show_inhibited || !a.is_inhibited() || a.is_silenced())
            && v.filter.matches(a)
    };
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, a) in alerts.iter().enumerate().filter(|(_, a)| shown(a)) {
        let k = a
            .labels
            .get(&v.group_by)
            .map(|s| s.to_string())
            .unwrap_or_default();
        groups.entry(k).or_default().push(i);
    }
    let mut groups: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    for (_, m) in &mut groups {
        m.sort_by_key(|&i| (key_of(&alerts[i]), alerts[i].labels.clone()));
    }
    groups.sort_by(|(ka, a), (kb, b)| {
        key_of(&alerts[a[0]])
            .cmp(&key_of(&alerts[b[0]]))
            .then(ka.cmp(kb))
    });
    let mut rows = Vec::new();
    let mut listed: Vec<(usize, Vec<String>, usize)> = Vec::new(); // alert, distinct, title
    for (key, members) in &groups {
        let single = (members.len() == 1).then(|| members[0]);
        let collapsed = single.is_none() && v.collapsed.contains(key);
        let mut names: HashSet<String> = HashSet::new();
        for &i in members {
            for &j in members {
                for n in alerts[i].labels.keys() {
                    if alerts[j].labels.get(n) != alerts[i].labels.get(n) {
                        names.insert(n.to_string());
                    }
                }
            }
        }
        if let Some(i) = single {
            names.extend(alerts[i].labels.keys().map(|k| k.to_string()));
        }
        let mut distinct: Vec<String> = names
            .into_iter()
            .filter(|n| n != &v.group_by && n != "severity" && n != "alertname")
            .collect();
        distinct.sort();
        rows.push(Row::Group {
            key: key.clone(),
            count: members.len(),
            active: members
                .iter()
                .filter(|&&i| alerts[i].state == AlertState::Firing)
                .count(),
            severity: alerts[members[0]].severity(),
            collapsed,
            distinct: distinct.clone(),
            single,
        });
        if let Some(i) = single {
            listed.push((i, distinct, width(key) + 2));
        } else if !collapsed {
            for &index in members {
                rows.push(Row::Alert { index });
                listed.push((index, distinct.clone(), 0));
            }
        }
    }
    let mut common: Vec<(String, String)> = Vec::new();
    if listed.len() > 1 {
        let first = &alerts[listed[0].0].labels;
        common = first
            .iter()
            .filter(|(k, v)| {
                listed
                    .iter()
                    .all(|(i, ..)| alerts[*i].labels.get(k) == Some(v))
            })
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    }
    let by_name = v.group_by == "alertname";
    let mut w = (0, 0, 0);
    if by_name {
        w.0 = groups.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    }
    for (i, distinct, title) in &listed {
        let a = &alerts[*i];
        if !by_name {
            w.0 = w.0.max(width(a.alertname()));
        }
        let text: Vec<String> = a
            .labels
            .iter()
            .filter(|(n, val)| {
                distinct.iter().any(|d| d == n)
                    && !common.iter().any(|(cn, cv)| cn == n && cv == val)
            })
            .map(|(n, val)| format!("{n}={val}"))
            .collect();
        w.1 = w.1.max(title + width(&text.join(" ")));
        w.2 = w.2.max(width(a.summary()));
    }
    (rows, w, common)
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn rows_widths_and_counts_follow_the_plain_rules(
        alerts in proptest::collection::vec(alert_strategy(), 0..24),
        v in inputs_strategy(),
    ) {
        let (rows, widths, counts) = view_rows(&alerts, &v);
        let (want_rows, (name, labels, summary), common) = plain(&alerts, &v);
        // Walked in two halves, as from `SPLIT_FROM` alerts: the same.
        let halves = view_rows_split(&alerts, &v, true);
        prop_assert_eq!(&halves, &(rows.clone(), widths.clone(), counts.clone()));
        prop_assert_eq!(rows, want_rows);
        prop_assert_eq!((widths.name, widths.labels, widths.summary), (name, labels, summary));
        prop_assert_eq!(widths.common, common);
        let firing = alerts.iter().filter(|a| a.state == AlertState::Firing).count();
        prop_assert_eq!(counts.by_severity.iter().sum::<usize>(), firing);
        prop_assert_eq!(counts.pending + counts.suppressed + firing, alerts.len());
    }
}
