//! How the alerts list is cut for triage on a noisy night: the sort mode
//! (`:sort`), the owner view (`:mine`, `:unowned`), which groups start
//! folded, and which alerts are new since the list was last looked at.
//! Plain data and pure functions; `update` changes it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::model::{Alert, LabelText};

/// The order of the alerts list. Firing comes before pending and
/// suppressed in every mode, so a mode never buries what fires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortMode {
    /// Most severe first, then oldest first (the order before modes existed).
    #[default]
    Severity,
    Newest,
    Oldest,
    /// Nobody's (no ack, silence or incident) first, then most severe.
    Unacked,
}

impl SortMode {
    pub const ALL: [SortMode; 4] = [
        SortMode::Severity,
        SortMode::Newest,
        SortMode::Oldest,
        SortMode::Unacked,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortMode::Severity => "severity",
            SortMode::Newest => "newest",
            SortMode::Oldest => "oldest",
            SortMode::Unacked => "unacked",
        }
    }

    pub fn parse(text: &str) -> Option<SortMode> {
        SortMode::ALL.into_iter().find(|m| m.name() == text.trim())
    }
}

/// Whose alerts the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OwnerView {
    #[default]
    All,
    /// Acked or silenced by me, or linked to an incident I respond to.
    Mine,
    /// Nobody acked, silenced or linked to an incident.
    Unowned,
}

/// Groups of this many alerts or more start folded, unless the config
/// says otherwise (`fold_groups_from:`; 0 never folds). Ten rows are half
/// of an 80x24 list: a bigger group would push everything else off it.
pub const DEFAULT_FOLD_FROM: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct Triage {
    pub sort: SortMode,
    pub owners: OwnerView,
    pub fold_from: usize,
    /// Large groups the user unfolded (they start folded otherwise).
    pub expanded: HashSet<String>,
    /// Alerts the user has had on screen in the list.
    pub seen: HashSet<LabelText>,
    /// Whether the first alerts arrived (those are not news: they are the
    /// screen the user starts from).
    pub primed: bool,
    /// Alerts on the list that are not `seen`.
    pub new: usize,
    /// Of those, how many per group (a folded group says `3 new`).
    pub new_in: HashMap<String, usize>,
    /// Per escalation group: the level that paged last and whom (the
    /// rows' `L2 paged carol`), set where the escalation is walked.
    pub paged: HashMap<String, (usize, String, bool)>,
}

impl Default for Triage {
    fn default() -> Triage {
        Triage {
            sort: SortMode::default(),
            owners: OwnerView::default(),
            fold_from: DEFAULT_FOLD_FROM,
            expanded: HashSet::new(),
            seen: HashSet::new(),
            primed: false,
            new: 0,
            new_in: HashMap::new(),
            paged: HashMap::new(),
        }
    }
}

/// Who owns what, for the owner view and the `unacked` sort: fingerprints
/// that somebody owns, and those that are the user's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Owners {
    pub owned: Arc<HashSet<LabelText>>,
    pub mine: Arc<HashSet<LabelText>>,
}

/// Whether a group of `count` alerts is folded: folded by hand, or large
/// and not unfolded by hand.
pub fn is_folded(
    key: &str,
    count: usize,
    collapsed: &HashSet<String>,
    expanded: &HashSet<String>,
    fold_from: usize,
) -> bool {
    collapsed.contains(key) || (fold_from > 0 && count >= fold_from && !expanded.contains(key))
}

/// The sort key of an alert in `mode`: smaller first. `owned` is whether
/// somebody owns it (only the `unacked` mode asks).
pub fn sort_key(mode: SortMode, alert: &Alert, owned: bool) -> (u8, u8, i64, i64) {
    let state = match alert.state {
        crate::model::AlertState::Firing => 0,
        crate::model::AlertState::Pending => 1,
        crate::model::AlertState::Suppressed => 2,
        crate::model::AlertState::Unknown => 3,
    };
    let sev = alert.severity() as i64;
    let at = alert.starts_at.timestamp_millis();
    match mode {
        SortMode::Severity => (0, state, sev, at),
        SortMode::Newest => (0, state, -at, sev),
        SortMode::Oldest => (0, state, at, sev),
        SortMode::Unacked => (u8::from(owned), state, sev, at),
    }
}

/// Whether `alert` passes the owner view.
pub fn owner_visible(view: OwnerView, owners: &Owners, alert: &Alert) -> bool {
    match view {
        OwnerView::All => true,
        OwnerView::Mine => owners.mine.contains(&alert.fingerprint),
        OwnerView::Unowned => !owners.owned.contains(&alert.fingerprint),
    }
}
