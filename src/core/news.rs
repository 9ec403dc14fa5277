//! What is new on the list: alerts that appeared since the user last
//! looked at it. Looking is a key press on the list: what was on screen
//! when it came has been seen (so a `new` mark stays until the screen
//! holding it has been looked at, not one frame). Also the list's window:
//! which rows are on screen, and how many are cut off above and below.

use super::rows::{visible, Row};
use super::state::{Pane, State};
use crate::model::Alert;

/// The rows on screen in a list of `h` lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub offset: usize,
    pub shown: usize,
    /// Rows cut off above and below.
    pub above: usize,
    pub below: usize,
    /// Whether the first / last line says `↑ N more` / `↓ N more`.
    pub top_line: bool,
    pub bottom_line: bool,
}

/// The window with `cursor` on screen: its row is always shown (stateless
/// scrolling). A list longer than the screen gives its last line to
/// `↓ N more`, and once scrolled its first to `↑ N more`; below 3 lines
/// there is no room for either.
pub fn window(cursor: usize, len: usize, h: usize) -> Window {
    let fits = len <= h || h < 3;
    let mut avail = if fits { h } else { h - 1 };
    let mut offset = cursor.saturating_sub(avail.saturating_sub(1));
    let top_line = !fits && offset > 0;
    if top_line {
        avail -= 1;
        offset = cursor.saturating_sub(avail - 1);
    }
    let shown = avail.min(len.saturating_sub(offset));
    Window {
        offset,
        shown,
        above: offset,
        below: len - offset - shown,
        top_line,
        bottom_line: !fits,
    }
}

pub fn is_new(state: &State, alert: &Alert) -> bool {
    state.triage.primed && state.wall.is_none() && !state.triage.seen.contains(&alert.fingerprint)
}

/// Counts what is new after the alerts changed. Until every source has
/// answered (or failed) once, what arrives is the screen the user starts
/// from, not news.
pub fn recount(state: &mut State) {
    if state.wall.is_some() {
        return;
    }
    if !state.triage.primed {
        let fps = state.alerts.iter().map(|a| a.fingerprint.clone());
        state.triage.seen.extend(fps);
        let connecting = (0..state.sources.len())
            .any(|i| matches!(state.health(i), super::state::Health::Connecting));
        state.triage.primed = !connecting;
        return;
    }
    let present: std::collections::HashSet<&str> = state
        .alerts
        .iter()
        .map(|a| a.fingerprint.as_str())
        .collect();
    state.triage.seen.retain(|fp| present.contains(fp.as_str()));
    let mut new_in = std::collections::HashMap::new();
    let mut new = 0;
    // Only what the list can show: a filtered-out alert could never be looked at.
    for a in &state.alerts {
        if !state.triage.seen.contains(&a.fingerprint)
            && visible(a, &state.filter, state.show_silenced, state.show_inhibited)
        {
            new += 1;
            let key = a.labels.get(&state.group_by).unwrap_or("");
            *new_in.entry(key.to_string()).or_insert(0) += 1;
        }
    }
    state.triage.new = new;
    state.triage.new_in = new_in;
}

/// The user looked at the list: what is on screen now has been seen (a
/// folded group's alerts too: its row said how many were new). Counted
/// down as they are seen: a key press costs the rows on screen, not a
/// walk of every alert (at 50,000 alerts every key, typing included,
/// rebuilt the seen set); only a folded group with news on screen walks
/// the alerts, once, to find its members.
pub fn looked(state: &mut State) {
    if state.triage.new == 0 || state.pane != Pane::Alerts || state.rows.is_empty() {
        return;
    }
    let cursor = state.cursor.min(state.rows.len() - 1);
    let win = window(cursor, state.rows.len(), state.page_rows);
    let mut folded: Vec<String> = Vec::new();
    let mut on_screen: Vec<usize> = Vec::new();
    for row in &state.rows[win.offset..win.offset + win.shown] {
        match row {
            Row::Alert { index }
            | Row::Group {
                single: Some(index),
                ..
            } => on_screen.push(*index),
            Row::Group {
                key,
                collapsed: true,
                ..
            } if state.triage.new_in.get(key).is_some_and(|&n| n > 0) => folded.push(key.clone()),
            Row::Group { .. } => {}
        }
    }
    let triage = &mut state.triage;
    let group_by = &state.group_by;
    let mut seen = |a: &Alert| {
        if triage.seen.insert(a.fingerprint.clone()) {
            let key = a.labels.get(group_by).unwrap_or("");
            if let Some(n) = triage.new_in.get_mut(key) {
                *n = n.saturating_sub(1);
                triage.new = triage.new.saturating_sub(1);
            }
        }
    };
    for a in on_screen.iter().filter_map(|&i| state.alerts.get(i)) {
        seen(a);
    }
    if !folded.is_empty() {
        let visible_now =
            |a: &Alert| visible(a, &state.filter, state.show_silenced, state.show_inhibited);
        for a in state.alerts.iter().filter(|a| visible_now(a)) {
            if folded
                .iter()
                .any(|k| a.labels.get(group_by).unwrap_or("") == k)
            {
                seen(a);
            }
        }
    }
    triage.new_in.retain(|_, n| *n > 0);
}
