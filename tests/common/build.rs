//! The one builder of test alerts, silences and acks: a test says what
//! matters to it (a label, a start, a summary) and gets the rest plain
//! (firing, no annotations, its fingerprint from its labels).

use chrono::{DateTime, Utc};
use oncall::model::{
    fingerprint, label_matchers, Alert, AlertState, Labels, Matcher, Silence, SilenceState,
};

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

/// A firing alert with these labels, started at the Unix epoch until
/// `.started(...)` says otherwise.
pub fn alert(pairs: &[(&str, &str)]) -> AlertBuilder {
    AlertBuilder(Alert::new(
        labels(pairs),
        AlertState::Firing,
        DateTime::UNIX_EPOCH,
    ))
}

pub struct AlertBuilder(Alert);

impl AlertBuilder {
    pub fn label(mut self, name: &str, value: &str) -> Self {
        self.0.labels.insert(name.into(), value.into());
        self
    }

    pub fn annotation(mut self, name: &str, value: &str) -> Self {
        self.0.annotations.insert(name.into(), value.into());
        self
    }

    pub fn summary(self, text: &str) -> Self {
        self.annotation("summary", text)
    }

    pub fn started(mut self, at: DateTime<Utc>) -> Self {
        self.0.starts_at = at;
        self
    }

    pub fn state(mut self, state: AlertState) -> Self {
        self.0.state = state;
        self
    }

    /// Silenced (suppressed) by these silences, as Alertmanager reports it.
    pub fn silenced_by(mut self, ids: &[&str]) -> Self {
        self.0.state = AlertState::Suppressed;
        self.0.silenced_by = ids.iter().map(|&id| id.to_string()).collect();
        self
    }

    /// Reported by this source.
    pub fn source(mut self, name: &str) -> Self {
        self.0.sources = [name.into()].into_iter().collect();
        self
    }

    /// The alert, its fingerprint computed from its final labels.
    pub fn build(mut self) -> Alert {
        self.0.fingerprint = fingerprint(&self.0.labels);
        self.0
    }
}

/// An active silence with these matchers, by alice, from the Unix epoch
/// for a day, until told otherwise.
pub fn silence(id: &str, matchers: Vec<Matcher>) -> SilenceBuilder {
    SilenceBuilder(Silence {
        id: id.into(),
        matchers,
        starts_at: DateTime::UNIX_EPOCH,
        ends_at: DateTime::UNIX_EPOCH + chrono::Duration::days(1),
        created_by: "alice".into(),
        comment: "maintenance".into(),
        state: SilenceState::Active,
        source: String::new(),
    })
}

/// An ack of exactly this alert (a `=` matcher per label), `ACK! looking`.
pub fn ack(id: &str, alert: &Alert) -> SilenceBuilder {
    silence(id, label_matchers(&alert.labels)).comment("ACK! looking")
}

pub struct SilenceBuilder(Silence);

impl SilenceBuilder {
    pub fn comment(mut self, text: &str) -> Self {
        self.0.comment = text.into();
        self
    }

    pub fn by(mut self, who: &str) -> Self {
        self.0.created_by = who.into();
        self
    }

    pub fn between(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        self.0.starts_at = start;
        self.0.ends_at = end;
        self
    }

    pub fn state(mut self, state: SilenceState) -> Self {
        self.0.state = state;
        self
    }

    pub fn source(mut self, name: &str) -> Self {
        self.0.source = name.into();
        self
    }

    pub fn build(self) -> Silence {
        self.0
    }
}
