//! What the views and actions ask of the state about incidents.

use super::state::State;
use crate::model::Incident;

impl State {
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// A runbook run's incident: the one it records on, or the one open
    /// incident that links its alert (none when several do).
    pub fn run_incident(&self) -> Option<String> {
        if let Some(id) = &self.rb.incident {
            return Some(id.clone());
        }
        let s = self.rb.stepper.as_ref()?;
        let mut linking = self
            .incidents
            .iter()
            .filter(|i| i.is_open() && i.links(&s.fingerprint));
        match (linking.next(), linking.next()) {
            (Some(only), None) => Some(only.id.clone()),
            _ => None,
        }
    }

    pub fn selected_incident(&self) -> Option<&Incident> {
        self.incidents.get(self.incident_cursor)
    }

    /// The open incident an alert belongs to (the newest, if several).
    pub fn incident_of(&self, fingerprint: &str) -> Option<&Incident> {
        self.incidents
            .iter()
            .find(|i| i.is_open() && i.links(fingerprint))
    }

    /// The timeline pane's incident.
    pub fn timeline_incident(&self) -> Option<&Incident> {
        self.incident(self.timeline.as_deref()?)
    }

    /// The timeline rows as shown: indices into the incident's events.
    pub fn timeline_rows(&self) -> Vec<usize> {
        let Some(inc) = self.timeline_incident() else {
            return Vec::new();
        };
        inc.events
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                self.timeline_filter.is_empty() || self.timeline_filter.contains(&e.kind)
            })
            .map(|(i, _)| i)
            .collect()
    }
}
