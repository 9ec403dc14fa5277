//! An incident is the fold of its timeline events: replaying the journal in
//! order rebuilds title, severity, status, linked alerts, responders and
//! milestones. Pure: time comes from the events.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use super::alert::Labels;
use super::timeline::{Event, EventKind};

pub use super::lifecycle::{Milestone, Sev, Status};

/// The durations a postmortem and `oncall stats` report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    /// detected − impact_started
    pub time_to_detect: Option<Duration>,
    /// acknowledged − when it alerted (first alert, or detection set by hand)
    pub time_to_acknowledge: Option<Duration>,
    /// mitigated − impact_started
    pub time_to_mitigate: Option<Duration>,
    /// resolved − impact_started
    pub time_to_resolve: Option<Duration>,
}

/// What the last postmortem write left on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostmortemRecord {
    pub path: String,
    pub hash: String,
}

/// What was last observed of a linked alert, to drop repeated observations
/// (two consoles watching the same incident both record them).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Firing(String),
    Resolved,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub severity: Sev,
    pub status: Status,
    /// Linked alerts in the order they joined, with their labels.
    pub alerts: Vec<(String, Labels)>,
    /// People who acted, in order of first action.
    pub responders: Vec<String>,
    /// The timeline as shown: every event except pins and repeats.
    pub events: Vec<Event>,
    pub pinned: BTreeSet<String>,
    pub resolution: Option<String>,
    pub postmortem: Option<PostmortemRecord>,
    declared: DateTime<Utc>,
    first_alert: Option<DateTime<Utc>>,
    acknowledged: Option<DateTime<Utc>>,
    mitigated: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    set_by_hand: BTreeMap<Milestone, DateTime<Utc>>,
    seen: BTreeMap<String, Seen>,
    silences_seen: BTreeSet<(EventKind, String)>,
}

/// Actors that are machines, not responders.
pub const OBSERVER: &str = "alertmanager";

impl Incident {
    /// Rebuilds an incident from its journal. `None` when the first event
    /// is not a declaration (not an incident journal).
    pub fn replay(id: &str, events: impl IntoIterator<Item = Event>) -> Option<Incident> {
        let mut events = events.into_iter();
        let first = events.next()?;
        let mut incident = Incident::declared(id, &first)?;
        incident.apply(first);
        for e in events {
            incident.apply(e);
        }
        Some(incident)
    }

    fn declared(id: &str, first: &Event) -> Option<Incident> {
        if first.kind != EventKind::Declared {
            return None;
        }
        Some(Incident {
            id: id.to_string(),
            title: first
                .data
                .title
                .clone()
                .unwrap_or_else(|| first.text.clone()),
            severity: first.data.severity.unwrap_or(Sev::Sev3),
            status: first.data.status.unwrap_or(Status::Open),
            alerts: Vec::new(),
            responders: Vec::new(),
            events: Vec::new(),
            pinned: BTreeSet::new(),
            resolution: None,
            postmortem: None,
            declared: first.time,
            first_alert: None,
            acknowledged: None,
            mitigated: None,
            resolved: None,
            set_by_hand: BTreeMap::new(),
            seen: BTreeMap::new(),
            silences_seen: BTreeSet::new(),
        })
    }

    /// Folds one event in. Returns false when the event changed nothing
    /// visible (a repeated observation, a pin of an unknown event).
    pub fn apply(&mut self, e: Event) -> bool {
        let d = &e.data;
        match e.kind {
            EventKind::Declared | EventKind::AlertLinked => {
                if let Some(fp) = &d.fingerprint {
                    self.link(fp, d.labels.clone().unwrap_or_default(), d.starts_at);
                }
                if e.kind == EventKind::Declared && self.status >= Status::Acknowledged {
                    self.acknowledged.get_or_insert(e.time);
                }
            }
            EventKind::AlertFired | EventKind::AlertChanged => {
                let fp = d.fingerprint.clone().unwrap_or_default();
                let now = Seen::Firing(e.text.clone());
                if self.seen.get(&fp) == Some(&now)
                    || (e.kind == EventKind::AlertFired
                        && matches!(self.seen.get(&fp), Some(Seen::Firing(_))))
                {
                    return false;
                }
                self.seen.insert(fp, now);
            }
            EventKind::AlertResolved => {
                let fp = d.fingerprint.clone().unwrap_or_default();
                if self.seen.get(&fp) == Some(&Seen::Resolved) {
                    return false;
                }
                self.seen.insert(fp, Seen::Resolved);
            }
            EventKind::Ack
            | EventKind::Unack
            | EventKind::SilenceCreated
            | EventKind::SilenceExpired => {
                if let Some(id) = &d.silence_id {
                    if !self.silences_seen.insert((e.kind, id.clone())) {
                        return false;
                    }
                }
                if e.kind == EventKind::Ack {
                    self.acknowledged.get_or_insert(e.time);
                }
            }
            EventKind::Status => {
                let Some(status) = d.status else { return false };
                self.set_status(status, e.time);
                if status == Status::Resolved && !e.text.is_empty() {
                    self.resolution = Some(e.text.clone());
                }
            }
            EventKind::Severity => match d.severity {
                Some(s) => self.severity = s,
                None => return false,
            },
            EventKind::Title => match &d.title {
                Some(t) => self.title = t.clone(),
                None => return false,
            },
            EventKind::Milestone => match (d.milestone, d.at) {
                (Some(m), Some(at)) => {
                    self.set_by_hand.insert(m, at);
                }
                _ => return false,
            },
            EventKind::PostmortemWritten => {
                if let (Some(path), Some(hash)) = (&d.path, &d.hash) {
                    self.postmortem = Some(PostmortemRecord {
                        path: path.clone(),
                        hash: hash.clone(),
                    });
                }
            }
            EventKind::Pin | EventKind::Unpin => {
                let Some(target) = &d.target else {
                    return false;
                };
                if !self.events.iter().any(|x| &x.id == target) {
                    return false;
                }
                if e.kind == EventKind::Pin {
                    self.pinned.insert(target.clone());
                } else {
                    self.pinned.remove(target);
                }
                return true;
            }
            _ => {}
        }
        if !matches!(
            e.kind,
            EventKind::AlertFired
                | EventKind::AlertChanged
                | EventKind::AlertResolved
                | EventKind::SilenceExpired
        ) && e.actor != OBSERVER
            && !self.responders.contains(&e.actor)
        {
            self.responders.push(e.actor.clone());
        }
        // Kept in time order: the observer writes an ack it finds with the
        // time the ack was made, after events of later times.
        let at = self.events.partition_point(|x| x.time <= e.time);
        self.events.insert(at, e);
        true
    }

    fn link(&mut self, fp: &str, labels: Labels, starts: Option<DateTime<Utc>>) {
        if !self.alerts.iter().any(|(f, _)| f == fp) {
            self.alerts.push((fp.to_string(), labels));
        }
        self.seen
            .entry(fp.to_string())
            .or_insert(Seen::Firing(String::new()));
        if let Some(s) = starts {
            self.first_alert = Some(self.first_alert.map_or(s, |f| f.min(s)));
        }
    }

    fn set_status(&mut self, status: Status, at: DateTime<Utc>) {
        self.status = status;
        if status >= Status::Acknowledged {
            self.acknowledged.get_or_insert(at);
        }
        if status >= Status::Monitoring {
            self.mitigated.get_or_insert(at);
        }
        self.resolved = (status == Status::Resolved).then_some(at);
        if status != Status::Resolved {
            self.resolution = None;
        }
    }

    pub fn is_open(&self) -> bool {
        self.status != Status::Resolved
    }

    pub fn links(&self, fingerprint: &str) -> bool {
        self.alerts.iter().any(|(f, _)| f == fingerprint)
    }

    /// A linked alert last observed firing (or never observed since linking).
    pub fn alert_firing(&self, fingerprint: &str) -> bool {
        matches!(self.seen.get(fingerprint), Some(Seen::Firing(_)))
    }

    /// The last observed text of a linked alert (`AlertChanged` compares it).
    pub fn alert_seen_text(&self, fingerprint: &str) -> Option<&str> {
        match self.seen.get(fingerprint)? {
            Seen::Firing(t) => Some(t),
            Seen::Resolved => None,
        }
    }

    /// A milestone: set by hand, else derived from the events.
    pub fn milestone(&self, m: Milestone) -> Option<DateTime<Utc>> {
        if let Some(at) = self.set_by_hand.get(&m) {
            return Some(*at);
        }
        match m {
            Milestone::ImpactStarted => Some(self.first_alert.unwrap_or(self.declared)),
            // The first observation: the earliest event the timeline holds
            // (the declaration, or an alert seen firing before it), so time
            // to detect runs from the alert's start to someone seeing it.
            Milestone::Detected => Some(
                self.events
                    .iter()
                    .map(|e| e.time)
                    .min()
                    .unwrap_or(self.declared)
                    .min(self.declared),
            ),
            Milestone::Acknowledged => self.acknowledged,
            Milestone::Declared => Some(self.declared),
            Milestone::Mitigated => self.mitigated.or(self.resolved),
            Milestone::Resolved => self.resolved,
        }
    }

    /// True when the milestone was set by hand.
    pub fn milestone_by_hand(&self, m: Milestone) -> bool {
        self.set_by_hand.contains_key(&m)
    }

    /// When it alerted: a detection set by hand, else its first alert's
    /// start, else its declaration.
    fn alerted(&self) -> DateTime<Utc> {
        self.set_by_hand
            .get(&Milestone::Detected)
            .copied()
            .unwrap_or(self.first_alert.unwrap_or(self.declared))
    }

    /// When the incident started, for "time since start" on the timeline.
    pub fn started(&self) -> DateTime<Utc> {
        self.milestone(Milestone::ImpactStarted)
            .unwrap_or(self.declared)
            .min(self.declared)
    }

    pub fn metrics(&self) -> Metrics {
        let m = |x| self.milestone(x);
        let span = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| Some(b? - a?);
        Metrics {
            time_to_detect: span(m(Milestone::ImpactStarted), m(Milestone::Detected)),
            // From when it alerted (its first alert's start, or a detection
            // set by hand), as acks are counted on call: not from when a
            // person first saw it, which may be after the ack.
            time_to_acknowledge: span(Some(self.alerted()), m(Milestone::Acknowledged)),
            time_to_mitigate: span(m(Milestone::ImpactStarted), m(Milestone::Mitigated)),
            time_to_resolve: span(m(Milestone::ImpactStarted), m(Milestone::Resolved)),
        }
    }

    /// True when an event of this kind about this silence is on the timeline.
    pub fn recorded(&self, kind: EventKind, silence_id: &str) -> bool {
        self.silences_seen.contains(&(kind, silence_id.to_string()))
    }

    pub fn is_pinned(&self, event: &Event) -> bool {
        !event.id.is_empty() && self.pinned.contains(&event.id)
    }
}

/// Formats a duration as `1h02m`, `4m05s`, `2d03h`.
pub fn short_duration(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let (days, h, m, sec) = (s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    if days > 0 {
        format!("{days}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{sec:02}s")
    } else {
        format!("{sec}s")
    }
}
