//! What the views and actions ask of the state about incidents.

use super::state::State;
use crate::model::Incident;

impl State {
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
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
