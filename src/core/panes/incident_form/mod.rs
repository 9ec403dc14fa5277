//! The small incident forms: declare-or-attach (`i`) and the status-update
//! composer (`u`). A list of fields, a submit line, and for declare the
//! open incidents to attach to instead.

mod keys;
pub mod view;

use chrono::{DateTime, Utc};

pub use keys::{iform_edit, iform_key};

use crate::model::{Labels, Sev, Status};

/// An alert the declare form links.
#[derive(Clone, Debug, PartialEq)]
pub struct Linked {
    pub fingerprint: String,
    pub labels: Labels,
    pub starts_at: DateTime<Utc>,
    pub text: String,
    /// For the postmortem's supporting information (runbook and dashboard links).
    pub annotations: Labels,
    pub generator_url: String,
}

impl Linked {
    pub fn of(a: &crate::model::Alert, text: String) -> Linked {
        Linked {
            fingerprint: a.fingerprint.to_string(),
            labels: Labels::clone(&a.labels),
            starts_at: a.starts_at,
            text,
            annotations: Labels::clone(&a.annotations),
            generator_url: a.generator_url.to_string(),
        }
    }

    /// Annotations and generatorURL, stored with the link in the journal.
    pub fn extra(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        let mut out = std::collections::BTreeMap::new();
        if !self.annotations.is_empty() {
            out.insert("annotations".into(), serde_json::json!(self.annotations));
        }
        if !self.generator_url.is_empty() {
            out.insert(
                "generator_url".into(),
                serde_json::json!(self.generator_url),
            );
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    Declare { alerts: Vec<Linked> },
    Update { incident: String },
}

/// A line of the form.
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    pub label: &'static str,
    pub value: String,
    /// The values Space/o/Enter cycle through; empty: free text.
    pub choices: Vec<String>,
}

impl FormField {
    pub fn text(label: &'static str, value: impl Into<String>) -> FormField {
        FormField {
            label,
            value: value.into(),
            choices: Vec::new(),
        }
    }

    pub fn choice(label: &'static str, value: String, choices: Vec<String>) -> FormField {
        FormField {
            label,
            value,
            choices,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentForm {
    pub purpose: Purpose,
    pub heading: String,
    pub fields: Vec<FormField>,
    pub submit: &'static str,
    /// Open incidents to attach to: (id, how the line reads).
    pub attach: Vec<(String, String)>,
    /// Fields, then the submit line, then the attach lines.
    pub focus: usize,
    /// The focused field's text while it is being edited.
    pub editing: Option<String>,
    pub error: Option<String>,
}

/// Where the focus is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Field(usize),
    Submit,
    Attach(usize),
}

impl IncidentForm {
    pub fn declare(
        alerts: Vec<Linked>,
        title: String,
        severity: Sev,
        attach: Vec<(String, String)>,
    ) -> IncidentForm {
        let n = alerts.len();
        IncidentForm {
            heading: format!(
                "Declare an incident for {n} alert{}",
                if n == 1 { "" } else { "s" }
            ),
            purpose: Purpose::Declare { alerts },
            fields: vec![
                FormField::text("Title", title),
                FormField::choice(
                    "Severity",
                    severity.to_string(),
                    Sev::ALL.iter().map(|s| s.to_string()).collect(),
                ),
            ],
            submit: "Declare",
            attach,
            focus: 2,
            editing: None,
            error: None,
        }
    }

    /// The "Incident Update" template, filled from the incident.
    pub fn update(
        incident: &str,
        heading: String,
        status: Status,
        impact: String,
        affected: String,
    ) -> IncidentForm {
        IncidentForm {
            purpose: Purpose::Update {
                incident: incident.to_string(),
            },
            heading,
            fields: vec![
                FormField::choice(
                    "Status",
                    status.word().to_string(),
                    Status::ALL.iter().map(|s| s.word().to_string()).collect(),
                ),
                FormField::text("Impact", impact),
                FormField::text("Affected", affected),
                FormField::text("Next update", "30m"),
            ],
            submit: "Record the update",
            attach: Vec::new(),
            focus: 1,
            editing: None,
            error: None,
        }
    }

    pub fn lines(&self) -> usize {
        self.fields.len() + 1 + self.attach.len()
    }

    pub fn focused(&self) -> Focus {
        let f = self.fields.len();
        match self.focus {
            i if i < f => Focus::Field(i),
            i if i == f => Focus::Submit,
            i => Focus::Attach(i - f - 1),
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        let last = self.lines() as isize - 1;
        self.focus = (self.focus as isize + delta).clamp(0, last) as usize;
    }

    /// Space / o / Enter on a choice field: its next value.
    pub fn cycle(&mut self) {
        if let Focus::Field(i) = self.focused() {
            let f = &mut self.fields[i];
            if let Some(pos) = f.choices.iter().position(|c| *c == f.value) {
                f.value = f.choices[(pos + 1) % f.choices.len()].clone();
            }
        }
    }

    /// Enter on a text field starts editing it.
    pub fn start_edit(&mut self) {
        if let Focus::Field(i) = self.focused() {
            if self.fields[i].choices.is_empty() {
                self.editing = Some(self.fields[i].value.clone());
            } else {
                self.cycle();
            }
        }
    }

    pub fn commit_edit(&mut self) {
        if let (Some(text), Focus::Field(i)) = (self.editing.take(), self.focused()) {
            self.fields[i].value = text.trim().to_string();
        }
    }

    pub fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", |f| f.value.as_str())
    }
}
