//! What the wall board shows, as plain values computed from the state: the
//! overall colour, the tallies, the firing groups oldest first, the oldest
//! unacknowledged critical, the sources in trouble, open incidents and SLO
//! tiles. The view only lays these out.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::core::state::{AckState, Health, State};
use crate::model::{Alert, AlertState, Incident, Severity};

/// The board's colour from the data alone (a stale board is never green:
/// see [`Board::stale`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Green,
    Amber,
    Red,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TroubleKind {
    /// No answer yet.
    Connecting = 0,
    /// Never answered; the last try failed.
    Down = 1,
    /// Answered before, not lately.
    Stale = 2,
}

/// A source that is not plainly healthy.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceTrouble {
    pub source: usize,
    pub name: String,
    pub kind: TroubleKind,
    /// Its last answer, or (never answered) when the board started.
    pub since: DateTime<Utc>,
    pub reason: String,
    /// Silent for longer than the stale limit: the board says STALE,
    /// unless it is `covered`.
    pub over_limit: bool,
    /// Another member of its HA cluster answers (`State::covered`): the
    /// board keeps its colour from the data, but is never green.
    pub covered: bool,
}

impl SourceTrouble {
    /// Whether the board takes its colour away for it.
    pub fn blinds(&self) -> bool {
        !self.covered && (self.over_limit || self.kind == TroubleKind::Connecting)
    }

    /// Past the limit, but another member answers for its cluster.
    pub fn degrades(&self) -> bool {
        self.covered && (self.over_limit || self.kind == TroubleKind::Connecting)
    }
}

/// Counts of the alerts the board counts: firing, or acked while firing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Critical and error.
    pub critical: usize,
    /// Of those, the ones nobody acked.
    pub critical_unacked: usize,
    pub warning: usize,
    /// Info and alerts without a severity.
    pub info: usize,
    /// Of the alerts at or above the threshold.
    pub acked: usize,
    pub unacked: usize,
    /// Gone with a restarted source, maybe still firing (at the threshold
    /// or above): not counted as firing, and the board is not green on them.
    pub unknown: usize,
}

/// One alertname's firing alerts.
#[derive(Clone, Debug, PartialEq)]
pub struct WallGroup<'a> {
    pub alertname: &'a str,
    /// The worst of its alerts.
    pub severity: Severity,
    pub alerts: usize,
    pub acked: usize,
    /// When its oldest alert started.
    pub since: DateTime<Utc>,
    /// Who acked its alerts, first ack first.
    pub ackers: Vec<&'a str>,
    /// It holds the oldest unacknowledged critical.
    pub oldest_unacked: bool,
}

/// An SLO tile: name, error budget remaining, and whether a burn-rate
/// alert condition holds (from `core::slo`).
#[derive(Clone, Debug, PartialEq)]
pub struct SloTile {
    pub name: String,
    /// Fraction of the error budget left, 0.0–1.0 (negative: overspent).
    pub budget_remaining: Option<f64>,
    pub burning: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Board<'a> {
    pub level: Level,
    /// A source never answered, or has been silent past the limit, and no
    /// member of its cluster answers for it: the board shows its banner
    /// instead of a colour.
    pub stale: bool,
    pub troubles: Vec<SourceTrouble>,
    pub tally: Tally,
    pub groups: Vec<WallGroup<'a>>,
    pub oldest: Option<&'a Alert>,
    pub incidents: Vec<&'a Incident>,
    pub slos: Vec<SloTile>,
    /// The newest answer of any source.
    pub last_refresh: Option<DateTime<Utc>>,
}

fn red(s: Severity) -> bool {
    matches!(s, Severity::Critical | Severity::Error)
}

/// Whether the board counts the alert, and if so whether it is acked:
/// firing alerts, and alerts that fire under an ack. Pending, silenced and
/// inhibited alerts are not counted.
fn counted(state: &State, a: &Alert) -> Option<bool> {
    let acked = matches!(state.ack_state(a), AckState::Acked(_));
    match a.state {
        AlertState::Firing => Some(acked),
        AlertState::Suppressed if acked && !a.is_inhibited() => Some(true),
        _ => None,
    }
}

fn at_threshold(state: &State, s: Severity) -> bool {
    let threshold = state
        .wall
        .as_ref()
        .map_or(Severity::Warning, |w| w.threshold);
    s <= threshold
}

/// Sources that are not healthy, with how long and whether past the limit.
pub fn source_troubles(state: &State) -> Vec<SourceTrouble> {
    let started = state.wall.as_ref().map_or(state.now, |w| w.started);
    let limit = chrono::Duration::from_std(state.stale_after).unwrap_or(chrono::Duration::MAX);
    let covered = state.covered();
    (0..state.sources.len())
        .filter_map(|i| {
            let (kind, since, reason) = match state.health(i) {
                Health::Ok => return None,
                Health::Connecting => (TroubleKind::Connecting, started, String::new()),
                Health::Down { reason } => (TroubleKind::Down, started, reason),
                Health::Stale { since, reason } => (TroubleKind::Stale, since, reason),
            };
            let over_limit = kind == TroubleKind::Down || state.now - since > limit;
            Some(SourceTrouble {
                source: i,
                name: state.sources[i].name.clone(),
                kind,
                since,
                reason,
                over_limit,
                covered: covered[i],
            })
        })
        .collect()
}

/// The firing groups (critical and warning, and down to the threshold),
/// oldest first.
pub fn board_groups(state: &State) -> Vec<WallGroup<'_>> {
    let shown = |s: Severity| s <= Severity::Warning || at_threshold(state, s);
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<WallGroup> = Vec::new();
    for a in &state.alerts {
        let Some(acked) = counted(state, a) else {
            continue;
        };
        let sev = a.severity();
        if !shown(sev) {
            continue;
        }
        let name = a.alertname();
        let i = *index.entry(name).or_insert_with(|| {
            groups.push(WallGroup {
                alertname: name,
                severity: sev,
                alerts: 0,
                acked: 0,
                since: a.starts_at,
                ackers: Vec::new(),
                oldest_unacked: false,
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.alerts += 1;
        g.severity = g.severity.min(sev);
        g.since = g.since.min(a.starts_at);
        if acked {
            g.acked += 1;
            if let AckState::Acked(s) = state.ack_state(a) {
                if !g.ackers.contains(&s.created_by.as_str()) {
                    g.ackers.push(s.created_by.as_str());
                }
            }
        }
    }
    groups.sort_by(|a, b| a.since.cmp(&b.since).then(a.alertname.cmp(b.alertname)));
    if let Some(oldest) = oldest_unacked(state) {
        if let Some(g) = groups
            .iter_mut()
            .find(|g| g.alertname == oldest.alertname())
        {
            g.oldest_unacked = true;
        }
    }
    groups
}

/// The oldest critical (or error) alert that fires with nobody's ack.
fn oldest_unacked(state: &State) -> Option<&Alert> {
    state
        .alerts
        .iter()
        .filter(|a| red(a.severity()) && counted(state, a) == Some(false))
        .min_by_key(|a| a.starts_at)
}

fn tally(state: &State) -> Tally {
    let mut t = Tally::default();
    for a in &state.alerts {
        if a.state == AlertState::Unknown && at_threshold(state, a.severity()) {
            t.unknown += 1;
        }
        let Some(acked) = counted(state, a) else {
            continue;
        };
        let sev = a.severity();
        match sev {
            Severity::Critical | Severity::Error => {
                t.critical += 1;
                t.critical_unacked += usize::from(!acked);
            }
            Severity::Warning => t.warning += 1,
            Severity::Info | Severity::None => t.info += 1,
        }
        if at_threshold(state, sev) {
            if acked {
                t.acked += 1;
            } else {
                t.unacked += 1;
            }
        }
    }
    t
}

/// SLO tiles, one per configured SLO; with none the board gives their
/// room to the other sections.
pub fn slo_tiles(state: &State) -> Vec<SloTile> {
    crate::core::slo::slo_rows(state, state.now)
        .into_iter()
        .map(|r| SloTile {
            burning: r.burns.iter().any(|b| b.burning),
            name: r.name,
            budget_remaining: r.budget,
        })
        .collect()
}

pub fn board(state: &State) -> Board<'_> {
    let troubles = source_troubles(state);
    let stale = troubles.iter().any(SourceTrouble::blinds);
    let tally = tally(state);
    let mut level = Level::Green;
    for a in &state.alerts {
        let sev = a.severity();
        if counted(state, a).is_none() || !at_threshold(state, sev) {
            continue;
        }
        if red(sev) {
            level = Level::Red;
            break;
        }
        level = Level::Amber;
    }
    if level == Level::Green && tally.unknown > 0 {
        // Not known to be resolved: not all clear either.
        level = Level::Amber;
    }
    Board {
        level,
        stale,
        troubles,
        tally,
        groups: board_groups(state),
        oldest: oldest_unacked(state),
        incidents: state.incidents.iter().filter(|i| i.is_open()).collect(),
        slos: slo_tiles(state),
        last_refresh: state.sources.iter().filter_map(|s| s.last_ok).max(),
    }
}
