//! Where a `State` starts: from the settings (a console, the wall, the
//! headless engine) or from bare source specs (tests, the benches).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::filter::Filter;
use super::merge_view::MergeState;
use super::panes::runbook::state::RunbookState;
use super::row_widths::RowWidths;
use super::rows::Counts;
use super::state::{Pane, SourceState, State, DEFAULT_RELATED_LABELS};
use crate::config::notifier_spec::NotifierKind;
use crate::config::settings::IncidentSettings;
use crate::config::Settings;
use crate::source::{SourceKind, SourceSpec};

impl State {
    /// The state a console, the wall or the headless engine starts from:
    /// everything the settings say, nothing read from disk or the network
    /// yet (runbooks, remembered peers and the SLOs are the engine's to load).
    pub fn from_settings(settings: &Settings, now: DateTime<Utc>) -> State {
        let mut state = State::new(&settings.sources, now, settings.refresh);
        state.read_only = settings.read_only;
        // The demo's sources are ordinary Alertmanager/Prometheus specs with
        // demo:// URLs: the flag, not their kind, says it is the demo.
        state.demo |= settings.demo;
        state.author = settings.author.clone();
        state.ack_duration = settings.ack_duration;
        state.ack_prefix = settings.ack_prefix.clone();
        state.page_retry = settings.page_retry;
        state.resolve_grace = settings.resolve_grace;
        state.silence_duration = settings.silence_duration;
        state.require_comment = settings.require_comment;
        state.incident_settings = settings.incidents.clone();
        state.shared_store = !settings.demo
            && matches!(
                settings.store,
                crate::config::store_spec::StoreSpec::Postgres { .. }
            );
        state.rb.settings = settings.stepper.clone();
        state.schedules = settings.schedules.clone();
        state.policies = settings.policies.clone();
        if let Some(labels) = &settings.related_labels {
            state.related_labels = labels.clone();
        }
        state.intervals = settings.intervals.clone();
        state.terminal_notifiers = settings
            .notifiers
            .iter()
            .filter(|n| n.kind == NotifierKind::Terminal)
            .map(|n| n.name.clone())
            .collect();
        if settings.demo {
            state.refresh = crate::source::demo::DEMO_REFRESH;
            state.stale_after = crate::source::demo::DEMO_REFRESH * 5;
        } else {
            state.stale_after = settings.stale_after;
        }
        if let Some(n) = settings.fold_groups_from {
            state.triage.fold_from = n;
        }
        if let Some(g) = &settings.group_by {
            state.group_by = g.clone();
        }
        if settings.wall_mode {
            // Read-only by construction: every mutating action meets the
            // one refusal in `act`.
            state.read_only = true;
            if let Some(limit) = settings.wall.stale_after {
                state.stale_after = limit;
            }
            state.wall = Some(super::panes::wall::WallState::new(&settings.wall, now));
        }
        state
    }

    pub fn new(specs: &[SourceSpec], now: DateTime<Utc>, refresh: Duration) -> State {
        State {
            now,
            read_only: false,
            demo: specs.iter().any(|s| s.kind == SourceKind::Demo),
            refresh,
            stale_after: refresh * 3,
            sources: specs.iter().map(SourceState::new).collect(),
            alerts: Vec::new(),
            alerts_gen: 0,
            escalation_groups: Default::default(),
            silences: Vec::new(),
            rows: Vec::new(),
            row_widths: RowWidths::default(),
            counts: Counts::default(),
            merge: MergeState::default(),
            cursor: 0,
            pane: Pane::Alerts,
            back_to: Pane::Alerts,
            detail: None,
            detail_more: false,
            scroll: 0,
            scroll_max: u16::MAX,
            filter: Filter::default(),
            filter_error: None,
            input: None,
            filter_before_edit: None,
            group_by: "alertname".into(),
            show_silenced: true,
            show_inhibited: true,
            collapsed: HashSet::new(),
            triage: Default::default(),
            status: None,
            status_seen: false,
            messages: Default::default(),
            page_rows: 20,
            quit: false,
            author: "oncall".into(),
            ack_duration: Duration::from_secs(15 * 60),
            ack_prefix: crate::model::ACK_PREFIX.to_string(),
            silence_duration: Duration::from_secs(2 * 3600),
            require_comment: true,
            form: None,
            confirm: None,
            confirm_scroll: 0,
            silence_rows: Vec::new(),
            silence_cursor: 0,
            silence_filter: String::new(),
            writes_in_flight: 0,
            acked: HashMap::new(),
            unacked_here: HashSet::new(),
            incidents: Vec::new(),
            incident_cursor: 0,
            timeline: None,
            timeline_cursor: 0,
            timeline_filter: Vec::new(),
            iform: None,
            journal_error: None,
            journal_loaded: false,
            incident_settings: IncidentSettings::default(),
            observed: HashMap::new(),
            vanished: HashMap::new(),
            recently_gone: HashMap::new(),
            unknown: HashMap::new(),
            resolve_grace: Duration::from_secs(120),
            declaring: HashSet::new(),
            next_due: None,
            journal_failing_since: None,
            journal_pending: 0,
            shared_store: false,
            activity_seen: Arc::default(),
            activity_found: None,
            rb: RunbookState::default(),
            schedules: Vec::new(),
            policies: Vec::new(),
            intervals: Vec::new(),
            escalation_cursor: 0,
            paged: HashSet::new(),
            paged_at: HashMap::new(),
            paging_held_by: None,
            failed_pages: Default::default(),
            claimed_elsewhere: Default::default(),
            page_retry: Duration::from_secs(30),
            terminal_notifiers: Vec::new(),
            held: HashMap::new(),
            context: None,
            related_labels: DEFAULT_RELATED_LABELS
                .iter()
                .map(|l| l.to_string())
                .collect(),
            slo: super::panes::slos::state::SloState::default(),
            wall: None,
        }
    }
}
