//! Runbooks as loaded from Markdown or YAML: context sections
//! and the steps an engineer runs one by one. Plain data; parsing lives in
//! `src/runbook/`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Yaml,
}

/// What a step is for: Mitigation steps change things and always ask
/// before running; Diagnosis steps may be configured to run without asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRole {
    Diagnosis,
    Mitigation,
    Other,
}

impl StepRole {
    /// From a Markdown H2 heading (`## Diagnosis`, `## Mitigation steps`).
    pub fn from_heading(heading: &str) -> StepRole {
        let h = heading.to_ascii_lowercase();
        if h.contains("mitigat") || h.contains("remediat") || h.contains("fix") {
            StepRole::Mitigation
        } else if h.contains("diagnos") || h.contains("investigat") || h.contains("check") {
            StepRole::Diagnosis
        } else {
            StepRole::Other
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            StepRole::Diagnosis => "diagnosis",
            StepRole::Mitigation => "mitigation",
            StepRole::Other => "step",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// A shell command (run in the run's bash session), labels in its environment.
    Shell,
    /// A PromQL query (a `promql` block): shown, and run against Prometheus.
    Query,
    /// No command: the engineer does it and marks it done, failed or skipped.
    Manual,
}

/// `capture: {var: STAGE, regex: 'slowest stage: (\w+)'}`: the first
/// capture group (or the whole match) of the step's output becomes a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    pub var: String,
    pub regex: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BranchCond {
    /// Evaluated on captured values (`STAGE == "inference"`); see `runbook::expr`.
    When(String),
    /// A choice offered to the engineer as a numbered list.
    Label(String),
    /// Always taken (`next: [{goto: verify}]`).
    Always,
}

/// Where to go after a step. `goto: end` finishes the runbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    pub cond: BranchCond,
    pub goto: String,
}

pub const GOTO_END: &str = "end";

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Unique within the runbook: YAML `step_id`, Markdown `{name=...}`, else `step-N`.
    pub id: String,
    /// A short title (first sentence of the description, or the id).
    pub title: String,
    /// The H2 section it came from (`Diagnosis`), or YAML's role.
    pub section: String,
    pub role: StepRole,
    pub kind: StepKind,
    pub description: String,
    /// The exact text the step's bash evaluates (prompts and output removed), or the PromQL query.
    pub command: Option<String>,
    pub expected: Option<String>,
    /// Why a step whose command is shown is still done by hand: a
    /// placeholder to fill in, a command that opens an interactive session.
    pub manual_why: Option<String>,
    /// `<placeholders>` left in the command (no `vars:` fills them); an
    /// alert whose labels fill them all makes the step runnable for it.
    pub placeholders: Vec<String>,
    pub troubleshooting: Option<String>,
    /// `Some(true)`: always ask; `Some(false)`: never (not honoured for Mitigation).
    pub confirm: Option<bool>,
    pub timeout: Option<Duration>,
    pub capture: Vec<Capture>,
    pub next: Vec<Branch>,
    /// 1-based line in the file where the step starts, for messages.
    pub line: usize,
}

/// A variable of the runbook (`vars:`): where its value comes from and what
/// it may look like.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VarSpec {
    /// The alert label it is read from (default: the variable's own name, lowercased).
    pub label: Option<String>,
    /// Used when the alert has no such label.
    pub default: Option<String>,
    /// A regex the whole value must match, replacing the default check.
    pub pattern: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Runbook {
    /// The file stem (what runbook_url's last segment is matched against),
    /// or YAML's `id`.
    pub id: String,
    pub title: String,
    pub path: PathBuf,
    pub format: Format,
    /// Alertnames it is for (front matter / YAML `alerts:`).
    pub alerts: Vec<String>,
    pub vars: BTreeMap<String, VarSpec>,
    /// Context sections in file order: (heading, text), e.g. Meaning, Impact.
    pub context: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

impl Runbook {
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    pub fn context_text(&self, heading: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(heading))
            .map(|(_, t)| t.as_str())
    }
}
