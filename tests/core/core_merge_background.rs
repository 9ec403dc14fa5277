//! A big poll is merged on a worker thread (`Effect::Merge`): the state
//! keeps the last merged list until the answer is installed, polls that
//! land meanwhile are merged once after it, and the result is the same as
//! a merge done in place. Pure `update()` tests; the "worker" here is a
//! call to `merge_view::compute`, which is all the worker runs.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::fixtures::{am_spec, labels, poll};
use oncall::core::merge_view::{compute, MergeJob};
use oncall::core::{update, Action, Effect, Msg, Row, State};
use oncall::model::{Alert, AlertState};
use oncall::source::Snapshot;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap()
}

fn alerts(names: &[&str]) -> Vec<Alert> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let pod = format!("pod-{i}");
            let l = labels(&[("alertname", *n), ("severity", "critical"), ("pod", &pod)]);
            Alert::new(
                l,
                AlertState::Firing,
                t0() - chrono::Duration::minutes(i as i64),
            )
        })
        .collect()
}

/// An HA pair's console that merges every poll in the background.
fn background() -> State {
    let mut s = State::new(
        &[am_spec("am1"), am_spec("am2")],
        t0(),
        std::time::Duration::from_secs(15),
    );
    s.merge.background_from = 1;
    s
}

fn snap(alerts: Vec<Alert>) -> Snapshot {
    Snapshot {
        alerts: alerts.into(),
        ..Snapshot::default()
    }
}

/// The job an `Effect::Merge` carries, if one is among `effects`.
fn job(effects: Vec<Effect>) -> Option<MergeJob> {
    effects.into_iter().find_map(|e| match e {
        Effect::Merge(j) => Some(*j),
        _ => None,
    })
}

/// Runs the merge a poll asked for, as the event loop and its worker do.
fn finish(s: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    assert!(effects.contains(&Effect::MergeSoon), "{effects:?}");
    let j = job(update(s, Msg::MergeNow)).expect("MergeNow sends out a merge");
    update(s, Msg::Merged(Ok(Box::new(compute(j)))))
}

fn shown(s: &State) -> Vec<String> {
    s.rows
        .iter()
        .filter_map(|r| match r {
            Row::Alert { index } => Some(s.alerts[*index].labels["pod"].to_string()),
            Row::Group {
                single: Some(i), ..
            } => Some(s.alerts[*i].labels["pod"].to_string()),
            Row::Group { .. } => None,
        })
        .collect()
}

#[test]
fn the_last_merged_list_stays_until_the_merge_is_back() {
    let mut s = background();
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B"])));
    assert!(s.alerts.is_empty(), "nothing merged in place");
    assert!(s.rows.is_empty());
    finish(&mut s, asked);
    assert_eq!(s.alerts.len(), 2);
    let mut pods = shown(&s);
    pods.sort();
    assert_eq!(pods, ["pod-0", "pod-1"]);
    assert_eq!(
        s.counts.by_severity[0], 2,
        "the header's counts come with it"
    );
    // Keys work over the list on screen while the next merge is out.
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B", "C"])));
    update(&mut s, Msg::Action(Action::Down));
    assert_eq!(s.alerts.len(), 2);
    finish(&mut s, asked);
    assert_eq!(s.alerts.len(), 3);
}

#[test]
fn polls_landing_while_a_merge_is_out_are_merged_once_after_it() {
    let mut s = background();
    let first = poll(&mut s, 0, snap(alerts(&["A"])));
    let out = job(update(&mut s, Msg::MergeNow)).expect("a merge");
    // Both members answer before the merge is back: no second merge yet.
    assert!(poll(&mut s, 0, snap(alerts(&["A"]))).is_empty());
    assert!(poll(&mut s, 1, snap(alerts(&["A"]))).is_empty());
    assert!(first.contains(&Effect::MergeSoon));
    let after = update(&mut s, Msg::Merged(Ok(Box::new(compute(out)))));
    assert_eq!(
        s.alerts[0].sources.as_slice(),
        ["am1"],
        "the first merge had one member"
    );
    assert_eq!(after.iter().filter(|e| **e == Effect::MergeSoon).count(), 1);
    finish(&mut s, after);
    assert_eq!(s.alerts.len(), 1, "HA copies are one alert");
    assert_eq!(s.alerts[0].sources.as_slice(), ["am1", "am2"]);
}

#[test]
fn the_background_result_is_the_in_place_result() {
    let list = alerts(&["Disk", "Cpu", "Disk", "Mem", "Cpu", "Disk"]);
    let mut here = background();
    here.merge.background_from = usize::MAX;
    assert!(!poll(&mut here, 0, snap(list.clone())).contains(&Effect::MergeSoon));
    poll(&mut here, 1, snap(list.clone()));
    let mut away = background();
    let asked = poll(&mut away, 0, snap(list.clone()));
    finish(&mut away, asked);
    let asked = poll(&mut away, 1, snap(list));
    finish(&mut away, asked);
    assert_eq!(away.alerts, here.alerts);
    assert_eq!(away.rows, here.rows);
    assert_eq!(away.row_widths, here.row_widths);
    assert_eq!(away.counts, here.counts);
}

#[test]
fn the_cursor_stays_on_its_alert_across_a_background_merge() {
    let mut s = background();
    s.group_by = "pod".into();
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B", "C"])));
    finish(&mut s, asked);
    update(&mut s, Msg::Action(Action::Down));
    let on = shown(&s)[s.cursor].clone();
    // A new, older alert sorts first: the cursor follows its alert down.
    let mut more = alerts(&["A", "B", "C"]);
    let mut old = alerts(&["Z"]).remove(0);
    old.labels.insert("pod".into(), "pod-9".into());
    old.fingerprint = "ffff".into();
    old.starts_at = t0() - chrono::Duration::hours(5);
    more.push(old);
    let asked = poll(&mut s, 0, snap(more));
    finish(&mut s, asked);
    assert_eq!(shown(&s)[0], "pod-9");
    assert_eq!(shown(&s)[s.cursor], on);
}

#[test]
fn a_filter_typed_while_the_merge_was_out_applies_to_its_result() {
    let mut s = background();
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B"])));
    finish(&mut s, asked);
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B", "C"])));
    let j = job(update(&mut s, Msg::MergeNow)).expect("a merge");
    s.filter = oncall::core::Filter::parse("alertname=C").expect("a filter");
    oncall::core::update::rebuild(&mut s);
    update(&mut s, Msg::Merged(Ok(Box::new(compute(j)))));
    assert!(asked.contains(&Effect::MergeSoon));
    assert_eq!(shown(&s), ["pod-2"], "rows follow the filter of now");
}

#[test]
fn a_failed_merge_keeps_the_last_list_and_the_next_poll_merges_again() {
    let mut s = background();
    let asked = poll(&mut s, 0, snap(alerts(&["A"])));
    finish(&mut s, asked);
    poll(&mut s, 0, snap(alerts(&["A", "B"])));
    update(&mut s, Msg::MergeNow);
    update(&mut s, Msg::Merged(Err("the merge panicked".into())));
    assert_eq!(s.alerts.len(), 1, "last merged alerts stay");
    let status = s
        .status
        .as_ref()
        .map(|(_, t, _)| t.clone())
        .unwrap_or_default();
    assert!(status.contains("merging the alerts failed"), "{status}");
    let asked = poll(&mut s, 0, snap(alerts(&["A", "B"])));
    finish(&mut s, asked);
    assert_eq!(s.alerts.len(), 2);
}

#[test]
fn small_polls_are_merged_in_place() {
    let mut s = background();
    s.merge.background_from = oncall::core::merge_view::BACKGROUND_FROM;
    let effects = poll(&mut s, 0, snap(alerts(&["A", "B"])));
    assert!(!effects.contains(&Effect::MergeSoon));
    assert_eq!(s.alerts.len(), 2);
}

/// `oncall serve` (a minimum gap between big merges): polls landing within
/// the gap of the last merge wait, and the tick after the gap merges them.
#[test]
fn with_a_gap_polls_landing_together_are_merged_once_after_it() {
    let mut s = background();
    s.merge.min_gap = std::time::Duration::from_secs(15);
    let soon = |fx: &[Effect]| fx.iter().any(|e| matches!(e, Effect::MergeSoon));
    let fx = poll(&mut s, 0, snap(alerts(&["A"])));
    assert!(soon(&fx), "the first poll is merged");
    let first = job(update(&mut s, Msg::MergeNow)).unwrap();
    update(&mut s, Msg::Merged(Ok(Box::new(compute(first)))));
    s.now = t0() + chrono::Duration::seconds(5);
    assert!(
        !soon(&poll(&mut s, 1, snap(alerts(&["A", "B"])))),
        "within the gap"
    );
    s.now = t0() + chrono::Duration::seconds(9);
    assert!(!soon(&poll(&mut s, 0, snap(alerts(&["A", "B", "C"])))));
    assert!(!soon(&update(
        &mut s,
        Msg::Tick(t0() + chrono::Duration::seconds(10))
    )));
    let fx = update(&mut s, Msg::Tick(t0() + chrono::Duration::seconds(15)));
    assert!(soon(&fx), "the tick after the gap merges what waited");
    let later = job(update(&mut s, Msg::MergeNow)).unwrap();
    update(&mut s, Msg::Merged(Ok(Box::new(compute(later)))));
    let mut names: Vec<&str> = s.alerts.iter().map(|a| a.alertname()).collect();
    names.sort();
    assert_eq!(names, ["A", "B", "C"]);
}
