//! `State`: everything the console, the wall and the headless engine know,
//! and the small queries every pane asks of it (the selected alert, an
//! alert's ack, a source's health). Owns the data; changes to it happen only
//! in `update` and the pane modules it calls. May import the leaf types of
//! `core` (sub-states, messages) and the layers below, never a pane's logic,
//! the engine or the UI.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::filter::Filter;
use super::merge_view::MergeState;
use super::msg::Effect;
use super::panes::incident_form::IncidentForm;
use super::panes::runbook::state::RunbookState;
use super::panes::silence_form::SilenceForm;
use super::row_widths::RowWidths;
use super::rows::{Counts, Row};
use crate::config::settings::IncidentSettings;
use crate::model::{active_ack, Alert, AlertRule, AlertState, Silence};
use crate::model::{EventKind, Incident};
use crate::source::cluster::{cluster_names, Member};
use crate::source::SourceKind;

pub use super::activity::silences_of;
pub use super::source_state::{Health, SourceState};
pub use super::status::StatusLevel;

/// Labels that make alerts related in the detail view, unless the config
/// says others (`context: {related_labels: ...}`).
pub const DEFAULT_RELATED_LABELS: &[&str] = &["service", "instance", "cluster"];

pub use super::panes::Pane;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// Free text over the silences pane.
    SilenceFilter,
    /// How long to extend the selected silence by.
    Extend,
    /// A timeline note for the current incident.
    Note,
    /// The one-line resolution of the current incident.
    Resolution,
    /// Event types the timeline shows (`note status`; empty: all).
    TimelineFilter,
}

/// A question the user answers with y or n before a write goes out.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// What `y` does.
    pub yes: Vec<Effect>,
    /// What `n` does when it is a choice of its own (Esc then cancels);
    /// `None`: `n` and Esc cancel.
    pub no: Option<Vec<Effect>>,
    /// What `1`-`9` do, in order, when the question offers numbered
    /// choices (its lines say what each is).
    pub picks: Vec<Vec<Effect>>,
}

/// An alert's ack, as the list and the detail view show it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AckState<'a> {
    None,
    Acked(&'a Silence),
    /// Its ack ran out (or was removed elsewhere) while it still fires.
    Ended(&'a Silence),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputLine {
    pub kind: InputKind,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct State {
    pub now: DateTime<Utc>,
    pub read_only: bool,
    pub demo: bool,
    pub refresh: Duration,
    /// A source that has not answered for this long is stale.
    pub stale_after: Duration,
    pub sources: Vec<SourceState>,
    /// Deduplicated alerts of every source. Replaced by each merge, never
    /// edited in place (`escalation_groups` relies on it).
    pub alerts: Vec<Alert>,
    /// Counts the merges put in place.
    pub alerts_gen: u64,
    /// The alerts' escalation groups, worked out once per alert list.
    pub escalation_groups: super::escalation_groups::GroupsMemo,
    pub silences: Vec<Silence>,
    /// What the alerts pane lists, after filter, grouping and sorting.
    pub rows: Vec<Row>,
    /// The alerts pane's column widths over all `rows` (set with them).
    pub row_widths: RowWidths,
    /// Counts per severity of all `alerts` (set with the rows): the header
    /// shows them on every frame, and counting 10,000 alerts' label maps
    /// was most of a frame.
    pub counts: Counts,
    pub merge: MergeState,
    pub cursor: usize,
    pub pane: Pane,
    /// The previous pane, to return to from help.
    pub back_to: Pane,
    /// Fingerprint of the alert in the detail view.
    pub detail: Option<String>,
    /// The detail view shows a long "What" whole (Enter), not folded.
    pub detail_more: bool,
    pub scroll: u16,
    /// The furthest the detail or help view can scroll (sent by the UI).
    pub scroll_max: u16,
    pub filter: Filter,
    pub filter_error: Option<String>,
    pub input: Option<InputLine>,
    /// The filter in force when `/` was pressed, restored by Esc.
    pub filter_before_edit: Option<Filter>,
    pub group_by: String,
    pub show_silenced: bool,
    pub show_inhibited: bool,
    pub collapsed: HashSet<String>,
    /// Sort, owner view, folding from a size, and what is new (`core::triage`).
    pub triage: super::triage::Triage,
    pub status: Option<(StatusLevel, String, DateTime<Utc>)>,
    /// An error on the status line stays until a key is pressed after it.
    pub status_seen: bool,
    /// Every status message, for `:messages`.
    pub messages: super::messages::Messages,
    /// Rows the alerts list shows at once; sent by the UI on resize.
    pub page_rows: usize,
    pub quit: bool,
    /// Who acks and silences, and the defaults of acks and the silence form.
    pub author: String,
    pub ack_duration: Duration,
    /// What an ack's comment starts with.
    pub ack_prefix: String,
    pub silence_duration: Duration,
    pub require_comment: bool,
    pub form: Option<SilenceForm>,
    pub confirm: Option<Confirm>,
    /// Lines the open question is scrolled by (j/k), when it is taller than the screen.
    pub confirm_scroll: usize,
    /// The silences pane: indices into `silences`, its cursor and filter.
    pub silence_rows: Vec<usize>,
    pub silence_cursor: usize,
    pub silence_filter: String,
    pub writes_in_flight: usize,
    /// Fingerprint → (ack silence id, its planned end) at the last merge,
    /// to notice an ack that runs out or is removed.
    pub acked: HashMap<String, (String, DateTime<Utc>)>,
    /// Acks removed from this console (no "ack ended" alarm for those).
    pub unacked_here: HashSet<String>,
    /// Every incident of the journal, open ones first, newest first.
    pub incidents: Vec<Incident>,
    pub incident_cursor: usize,
    /// The incident the timeline pane shows.
    pub timeline: Option<String>,
    pub timeline_cursor: usize,
    /// Event types the timeline shows; empty: all.
    pub timeline_filter: Vec<EventKind>,
    /// The declare/attach form or the status-update composer.
    pub iform: Option<IncidentForm>,
    /// Set while the journal cannot be written: shown loudly until it works again.
    pub journal_error: Option<String>,
    /// Since when it fails (the header says how long the store is down).
    pub journal_failing_since: Option<DateTime<Utc>>,
    /// Incident writes waiting for the team store (in the outbox).
    pub journal_pending: usize,
    /// The journal is the team store (PostgreSQL), not the state dir.
    pub shared_store: bool,
    /// The journal has been replayed once (observations wait for it).
    pub journal_loaded: bool,
    pub incident_settings: IncidentSettings,
    /// What this console last saw of linked alerts and silences, so an
    /// observation is journaled once (see `core::observe`).
    pub observed: HashMap<String, String>,
    /// Linked alerts gone from every source, and since when (a resolution
    /// once they stay gone for `resolve_grace`).
    pub vanished: HashMap<String, DateTime<Utc>>,
    /// Alerts that fired and went away less than `resolve_grace` ago: if
    /// they come back meanwhile, `oncall stats` counts no new firing.
    pub recently_gone: HashMap<crate::model::LabelText, DateTime<Utc>>,
    pub resolve_grace: Duration,
    /// Alerts that went away with a source that restarted or came back
    /// from being down, and since when: shown as `unknown` for
    /// `resolve_grace` (or until a source reports them again).
    pub unknown: HashMap<crate::model::LabelText, (Alert, DateTime<Utc>)>,
    /// Fingerprints with a declaration in flight (auto-declare).
    pub declaring: HashSet<String>,
    /// Activity-log keys already written (fires and acks); shared with a
    /// merge job, which finds the new ones against it.
    pub activity_seen: Arc<HashSet<super::activity::Seen>>,
    /// New activity the installed merge found, for the observer to journal.
    pub activity_found: Option<Vec<crate::model::Activity>>,
    pub rb: RunbookState,
    /// On-call rotations, for "on call: bob until Mon 09:00".
    pub schedules: Vec<crate::model::schedule::Schedule>,
    /// Escalation policies and the time intervals they are active in.
    pub policies: Vec<crate::model::escalation::Policy>,
    pub intervals: Vec<crate::model::time_interval::TimeInterval>,
    pub escalation_cursor: usize,
    /// Level keys this console already tried to page (the shared record
    /// in the state dir decides who really does).
    pub paged: HashSet<String>,
    /// Level keys this console paged (it won the claim), and when: the
    /// escalation pane says when a level was paged, not only when it fell due.
    pub paged_at: HashMap<String, chrono::DateTime<chrono::Utc>>,
    /// Policy/group → who holds its escalation (None: running), to tell
    /// when a hold ends.
    pub held: HashMap<String, Option<String>>,
    /// Names of the `terminal` notifiers (they ring the bell here).
    pub terminal_notifiers: Vec<String>,
    /// Another process (`oncall serve`) holds the engine lease and pages:
    /// this one does not. Its name, for the escalation pane.
    pub paging_held_by: Option<String>,
    /// Claimed pages no notifier delivered, by their first level key.
    pub failed_pages: std::collections::BTreeMap<String, super::page::FailedPage>,
    /// Levels another console or engine claimed, with when to ask again
    /// (taken over if that one died before delivering them).
    pub claimed_elsewhere: std::collections::BTreeMap<String, (super::page::Page, DateTime<Utc>)>,
    /// When the next escalation level falls due (set as levels are paged).
    pub next_due: Option<DateTime<Utc>>,
    /// How long before a failed page is tried again (`page_retry`).
    pub page_retry: Duration,
    /// Prometheus's picture of the alert in the detail view.
    pub context: Option<super::context::ContextState>,
    /// Labels whose shared values make other alerts "related" (detail view).
    pub related_labels: Vec<String>,
    /// The SLOs and their last readings.
    pub slo: super::panes::slos::state::SloState,
    /// Wall mode (`oncall wall`): the status board's pages; `None` in the console.
    pub wall: Option<super::panes::wall::WallState>,
}

impl State {
    /// The one place where read-only refuses every change to shared state
    /// (actions, and the stepper's numbered choice, which has no action):
    /// true, and said, when it does.
    pub fn refuses(&mut self, what: &str) -> bool {
        if self.read_only {
            let mode = if self.wall.is_some() {
                "wall display (read-only)"
            } else {
                "read-only mode"
            };
            self.say(StatusLevel::Warn, format!("{mode}: {what} refused"));
        }
        self.read_only
    }

    /// A page of this alert's escalation group that no notifier delivered.
    pub fn failed_page_of(&self, alert: &Alert) -> Option<&super::page::FailedPage> {
        if self.failed_pages.is_empty() {
            return None;
        }
        self.failed_pages
            .values()
            .find(|f| f.page.note.group == alert.alertname())
    }

    /// The failing page of a policy's group, if one is.
    pub fn failed_page_for(&self, policy: &str, group: &str) -> Option<&super::page::FailedPage> {
        self.failed_pages
            .values()
            .find(|f| f.page.note.policy == policy && f.page.note.group == group)
    }

    /// The activity keys move to `after`; `went`, the alerts that went away,
    /// are remembered for the grace, and what is back is forgotten.
    pub fn activity_moved(
        &mut self,
        went: Vec<crate::model::LabelText>,
        after: HashSet<super::activity::Seen>,
    ) {
        let now = self.now;
        for fp in went {
            self.recently_gone.entry(fp).or_insert(now);
        }
        let grace = chrono::Duration::from_std(self.resolve_grace).unwrap_or_default();
        if !self.recently_gone.is_empty() {
            let back: HashSet<&crate::model::LabelText> = after
                .iter()
                .filter_map(|s| match s {
                    super::activity::Seen::Fired(fp, _) => Some(fp),
                    super::activity::Seen::Acked(..) => None,
                })
                .collect();
            self.recently_gone
                .retain(|fp, at| now - *at < grace && !back.contains(fp));
        }
        self.activity_seen = Arc::new(after);
    }

    /// The fingerprints gone for less than the grace, for `activity_of`.
    pub fn gone_set(&self) -> HashSet<crate::model::LabelText> {
        let grace = chrono::Duration::from_std(self.resolve_grace).unwrap_or_default();
        self.recently_gone
            .iter()
            .filter(|(_, at)| self.now - **at < grace)
            .map(|(fp, _)| fp.clone())
            .collect()
    }

    /// A message on the status line (it stays a few seconds; warnings
    /// longer; errors until seen) and in the history.
    pub fn say(&mut self, level: StatusLevel, text: impl Into<String>) {
        let text = text.into();
        self.messages.push(self.now, level, text.clone());
        // An error nobody has seen yet is not lost unseen: an info arriving
        // meanwhile (a poll's, a timer's) waits in the history, counted on
        // the badge; a warning or error (an escalation) takes the line and
        // the error it displaced is counted on the badge instead.
        let unseen_error =
            matches!(self.status, Some((StatusLevel::Error, _, _))) && !self.status_seen;
        if unseen_error {
            self.messages.unread += 1;
            if level == StatusLevel::Info {
                return;
            }
        }
        self.status = Some((level, text, self.now));
        self.status_seen = false;
    }

    /// A message for the history only, counted on the header's badge until
    /// read (startup warnings: they must not hold the status line).
    pub fn note(&mut self, level: StatusLevel, text: impl Into<String>) {
        self.messages.push(self.now, level, text.into());
        self.messages.unread += 1;
    }
}

impl State {
    pub fn health(&self, source: usize) -> Health {
        self.sources[source].health(self.now, self.stale_after)
    }

    /// True when the alert's every reporting source is stale or down.
    pub fn is_stale(&self, alert: &Alert) -> bool {
        alert.sources.iter().all(|name| {
            self.sources
                .iter()
                .position(|s| s.name == *name)
                .is_some_and(|i| !matches!(self.health(i), Health::Ok))
        })
    }

    pub fn selected_alert(&self) -> Option<&Alert> {
        match self.rows.get(self.cursor)? {
            Row::Alert { index }
            | Row::Group {
                single: Some(index),
                ..
            } => self.alerts.get(*index),
            Row::Group { .. } => None,
        }
    }

    pub fn detail_alert(&self) -> Option<&Alert> {
        let fp = self.detail.as_deref()?;
        self.alerts.iter().find(|a| a.fingerprint == fp)
    }

    /// Silences (by id) that suppress this alert.
    pub fn silences_of<'a>(&'a self, alert: &'a Alert) -> impl Iterator<Item = &'a Silence> + 'a {
        silences_of(&self.silences, alert)
    }

    /// The Prometheus alerting rule behind an alert, when a configured Prometheus has it.
    pub fn rule_for(&self, alert: &Alert) -> Option<&AlertRule> {
        self.sources
            .iter()
            .flat_map(|s| s.rules.iter())
            .find(|r| r.matches(alert))
    }

    /// Acked (an active ACK! silence covers it), or its ack ended within the
    /// last hour while it still fires, or neither.
    pub fn ack_state<'a>(&'a self, alert: &Alert) -> AckState<'a> {
        if let Some(s) = active_ack(&self.silences, &alert.labels, self.now, &self.ack_prefix) {
            return AckState::Acked(s);
        }
        if alert.state != AlertState::Firing {
            return AckState::None;
        }
        self.silences
            .iter()
            .filter(|s| {
                s.is_ack(&self.ack_prefix)
                    && s.ends_at <= self.now
                    && s.ends_at > alert.starts_at
                    && (self.now - s.ends_at).num_seconds() < 3600
                    && !self.unacked_here.contains(&s.id)
                    && s.covers(&alert.labels)
            })
            .max_by_key(|s| s.ends_at)
            .map_or(AckState::None, AckState::Ended)
    }
}

impl State {
    /// The HA cluster of each source: its configured `cluster:` name, else
    /// the members that gossip with each other (from `/api/v2/status`), else
    /// the source alone. Writes (acks, silences) go to one member per cluster.
    pub fn clusters(&self) -> Vec<String> {
        let members: Vec<Member> = self
            .sources
            .iter()
            .map(|s| Member {
                name: &s.name,
                cluster: s.cluster.as_deref(),
                peer: s.peer.as_ref(),
            })
            .collect();
        cluster_names(&members)
    }

    /// For each source, whether another Alertmanager of its HA cluster
    /// answers for it: the members hold the same alerts, so its alerts
    /// still come through that one, and its trouble is a degraded cluster,
    /// not stale data. Only while every alert on screen that it reported
    /// is reported by an answering source too: a member restarted empty
    /// answers, but does not back the dead one's alerts.
    pub fn covered(&self) -> Vec<bool> {
        let clusters = self.clusters();
        let answering = |i: usize| {
            self.sources[i].kind == SourceKind::Alertmanager && matches!(self.health(i), Health::Ok)
        };
        (0..self.sources.len())
            .map(|i| {
                let name = &self.sources[i].name;
                self.sources[i].kind == SourceKind::Alertmanager
                    && !answering(i)
                    && (0..self.sources.len())
                        .any(|j| j != i && clusters[j] == clusters[i] && answering(j))
                    && !self
                        .alerts
                        .iter()
                        .any(|a| a.sources.iter().any(|n| n == name) && self.is_stale(a))
            })
            .collect()
    }
}
