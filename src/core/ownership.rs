//! Who owns an alert, as the list says it in every row and as `:mine` and
//! `:unowned` select: an ack, an incident, an escalation level that paged
//! somebody, a silence. Pure queries on the state.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::escalations::EscalationRow;
use super::state::{AckState, State};
use super::triage::Owners;
use crate::model::{Alert, LabelText};

/// Fingerprints somebody owns (acked, silenced, or linked to an open
/// incident), and those the user owns (their ack or silence, or an
/// incident they respond to).
pub fn owners(state: &State) -> Owners {
    let mut owned: HashSet<LabelText> = HashSet::new();
    let mut mine: HashSet<LabelText> = HashSet::new();
    let my_silences: HashSet<&str> = state
        .silences
        .iter()
        .filter(|s| s.created_by == state.author && s.is_active(state.now))
        .map(|s| s.id.as_str())
        .collect();
    for a in &state.alerts {
        if a.is_silenced() {
            owned.insert(a.fingerprint.clone());
            if a.silenced_by
                .iter()
                .any(|id| my_silences.contains(id.as_str()))
            {
                mine.insert(a.fingerprint.clone());
            }
        }
    }
    for i in state.incidents.iter().filter(|i| i.is_open()) {
        let responds = i.responders.contains(&state.author);
        for (fp, _) in &i.alerts {
            owned.insert(fp.as_str().into());
            if responds {
                mine.insert(fp.as_str().into());
            }
        }
    }
    Owners {
        owned: Arc::new(owned),
        mine: Arc::new(mine),
    }
}

/// What the state column says about an alert, most important first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A page for it that no notifier delivered, at this level.
    PageFailed(usize),
    /// Acked by whom, and how long is left (`12m`).
    Acked {
        by: String,
        left: String,
    },
    AckEnded,
    /// The open incident it is linked to.
    Incident(String),
    /// The level its escalation reached, whom it pages, and whether this
    /// console delivered the page (`L2 paged carol`) or only saw it fall
    /// due (`L2 due carol`).
    Paged {
        level: usize,
        to: String,
        delivered: bool,
    },
    /// A silence (not an ack) by whom.
    SilencedBy(String),
}

/// Per escalation group (alertname): the highest level reached and whom
/// it paged, from the escalation rows a tick or a merge computed already
/// (kept in `triage.paged`: the list draws every frame, and walking every
/// alert through the policies each frame would cost more than the frame).
pub fn paged_levels_in(
    state: &State,
    rows: &[EscalationRow],
) -> HashMap<String, (usize, String, bool)> {
    rows.iter()
        .filter(|r| r.standing.held_by.is_none())
        .filter_map(|r| {
            let last = r.standing.reached.last()?;
            let policy = state.policies.iter().find(|p| p.name == r.policy)?;
            let target = policy.levels.get(last.level)?.targets.first()?;
            // Paged only once a delivery is known (this console's, or the
            // paging engine's read from its outcomes); a level that fell due
            // otherwise (another console pages it, a failed page before a
            // restart, a wall that never pages) is `due`, as the escalation
            // pane says.
            let key = last.key(&r.policy, &r.group, r.standing.started);
            Some((
                r.group.clone(),
                (
                    last.level + 1,
                    on_call_now(state, target),
                    state.paged_at.contains_key(&key),
                ),
            ))
        })
        .collect()
}

/// Who a target is now: the person on call when it names a rotation.
fn on_call_now(state: &State, target: &str) -> String {
    state
        .schedules
        .iter()
        .find(|s| s.name == target)
        .and_then(|s| s.at(state.now))
        .map_or_else(|| target.to_string(), |on| on.user)
}

/// Everything that says who owns `alert`, most important first.
pub fn owner_of(
    state: &State,
    alert: &Alert,
    paged: &HashMap<String, (usize, String, bool)>,
) -> Vec<Owner> {
    let mut out = Vec::new();
    if let Some(f) = state.failed_page_of(alert) {
        out.push(Owner::PageFailed(f.page.note.level));
    }
    let ack = state.ack_state(alert);
    match ack {
        AckState::Acked(s) => out.push(Owner::Acked {
            by: crate::sanitize::line(&s.created_by).into_owned(),
            left: super::ack_actions::time_left(s.ends_at, state.now),
        }),
        AckState::Ended(_) => out.push(Owner::AckEnded),
        AckState::None => {}
    }
    if let Some(i) = state.incident_of(&alert.fingerprint) {
        out.push(Owner::Incident(i.id.clone()));
    }
    if let Some((level, to, delivered)) = paged.get(alert.alertname()) {
        if out.iter().all(|o| !matches!(o, Owner::PageFailed(_))) {
            out.push(Owner::Paged {
                level: *level,
                to: crate::sanitize::line(to).into_owned(),
                delivered: *delivered,
            });
        }
    }
    let ack_id = match ack {
        AckState::Acked(s) => Some(s.id.as_str()),
        _ => None,
    };
    if let Some(s) = state
        .silences_of(alert)
        .find(|s| Some(s.id.as_str()) != ack_id && !s.is_ack(&state.ack_prefix))
    {
        out.push(Owner::SilencedBy(
            crate::sanitize::line(&s.created_by).into_owned(),
        ));
    }
    out
}

impl Owner {
    /// The words, longest form first, then shorter ones for narrow columns.
    pub fn forms(&self) -> Vec<String> {
        match self {
            Owner::PageFailed(l) => vec![format!("PAGE FAILED L{l}"), "PAGE FAILED".into()],
            Owner::Acked { by, left } => vec![
                format!("acked by {by}, {left} left"),
                format!("acked {by} {left}"),
            ],
            Owner::AckEnded => vec!["ack ended".into()],
            Owner::Incident(id) => vec![id.clone()],
            Owner::Paged {
                level,
                to,
                delivered,
            } => {
                let verb = if *delivered { "paged" } else { "due" };
                vec![format!("L{level} {verb} {to}")]
            }
            Owner::SilencedBy(by) => vec![format!("silenced by {by}")],
        }
    }
}
