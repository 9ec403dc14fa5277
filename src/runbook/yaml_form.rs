//! Structured YAML runbooks: ids, explicit steps, captures and branches.
//! Unknown keys are errors, so a typo (`automation_scrpit`) is not silently
//! a manual step.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::parse_common::{file_stem, first_sentence, RunbookError};
use super::spec::{var_specs, Names, Text, VarEntry};
use crate::model::duration::parse_duration;
use crate::model::runbook::{
    Branch, BranchCond, Capture, Format, Runbook, Step, StepKind, StepRole, GOTO_END,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: Option<Text>,
    title: Text,
    #[serde(default)]
    alerts: Names,
    #[serde(default)]
    vars: BTreeMap<String, VarEntry>,
    meaning: Option<String>,
    impact: Option<String>,
    description: Option<String>,
    timeout: Option<Text>,
    steps: Vec<YamlStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlStep {
    step_id: Text,
    title: Option<String>,
    #[serde(default)]
    role: Role,
    description: Option<String>,
    action: Option<String>,
    automation_script: Option<String>,
    query: Option<String>,
    expected_result: Option<String>,
    troubleshooting: Option<String>,
    confirm: Option<bool>,
    timeout: Option<Text>,
    #[serde(default)]
    capture: Captures,
    #[serde(default)]
    next: Vec<Next>,
}

#[derive(Default, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Role {
    Diagnosis,
    Mitigation,
    #[default]
    Other,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Next {
    when: Option<String>,
    label: Option<String>,
    goto: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaptureEntry {
    var: String,
    regex: String,
}

/// `capture: {VAR: 'regex'}` or `capture: [{var: VAR, regex: '...'}]`.
#[derive(Default)]
struct Captures(Vec<Capture>);

impl<'de> Deserialize<'de> for Captures {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Captures;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of VAR: regex, or a list of {var, regex}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Captures, E> {
                Ok(Captures::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captures, A::Error> {
                let mut out = Vec::new();
                while let Some((var, regex)) = map.next_entry::<String, String>()? {
                    out.push(Capture { var, regex });
                }
                Ok(Captures(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Captures, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = seq.next_element::<CaptureEntry>()? {
                    out.push(Capture {
                        var: e.var,
                        regex: e.regex,
                    });
                }
                Ok(Captures(out))
            }
        }
        d.deserialize_any(V)
    }
}

pub fn parse_yaml(path: &Path, text: &str) -> Result<Runbook, RunbookError> {
    let file: File = crate::yaml::from_str(text)
        .map_err(|e| RunbookError::new(path, e.line, e.bare_message()))?;
    let top_line = |key: &str| key_line(text, key, 0);
    if file.steps.is_empty() {
        return Err(RunbookError::new(
            path,
            top_line("steps"),
            "steps: a runbook needs at least one step",
        ));
    }
    let default_timeout = match &file.timeout {
        Some(t) => {
            Some(duration(&t.0).map_err(|m| RunbookError::new(path, top_line("timeout"), m))?)
        }
        None => None,
    };
    let step_lines = step_id_lines(text);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut steps = Vec::with_capacity(file.steps.len());
    for (i, raw) in file.steps.into_iter().enumerate() {
        let line = step_lines.get(i).copied().unwrap_or(1);
        let err = |m: String| RunbookError::new(path, Some(line), m);
        let id = raw.step_id.0.trim().to_string();
        if id.is_empty() || id.eq_ignore_ascii_case(GOTO_END) {
            return Err(err(format!(
                "step_id {id:?} is not usable (empty, or the reserved {GOTO_END:?})"
            )));
        }
        if let Some(first) = ids.insert(id.clone(), line) {
            return Err(err(format!(
                "step_id {id:?} is already used by the step at line {first}"
            )));
        }
        steps.push(step(raw, id, line, default_timeout).map_err(err)?);
    }
    let context = [
        ("Meaning", file.meaning),
        ("Impact", file.impact),
        ("Description", file.description),
    ]
    .into_iter()
    .filter_map(|(h, t)| Some((h.to_string(), t?.trim().to_string())))
    .filter(|(_, t)| !t.is_empty())
    .collect();
    Ok(Runbook {
        id: file.id.map(|t| t.0).unwrap_or_else(|| file_stem(path)),
        title: file.title.0,
        path: path.to_path_buf(),
        format: Format::Yaml,
        alerts: file.alerts.0,
        vars: var_specs(file.vars),
        context,
        steps,
    })
}

fn step(
    raw: YamlStep,
    id: String,
    line: usize,
    default_timeout: Option<Duration>,
) -> Result<Step, String> {
    let prefix = format!("step {id}");
    let (kind, command) = match (raw.automation_script, raw.query) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "{prefix}: has both automation_script and query; a step runs one"
            ))
        }
        (Some(s), None) => (StepKind::Shell, Some(s)),
        (None, Some(q)) => (StepKind::Query, Some(q)),
        (None, None) => (StepKind::Manual, None),
    };
    let command = command
        .map(|c| c.trim_end().to_string())
        .filter(|c| !c.trim().is_empty());
    let kind = if command.is_none() {
        StepKind::Manual
    } else {
        kind
    };
    let description = [raw.description, raw.action]
        .into_iter()
        .flatten()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let timeout = match raw.timeout {
        Some(t) => Some(duration(&t.0).map_err(|m| format!("{prefix}: {m}"))?),
        None => default_timeout,
    };
    let mut next = Vec::with_capacity(raw.next.len());
    for n in raw.next {
        let cond = match (n.when, n.label) {
            (Some(_), Some(_)) => {
                return Err(format!("{prefix}: a next entry has both when and label"))
            }
            (Some(w), None) => BranchCond::When(w),
            (None, Some(l)) => BranchCond::Label(l),
            (None, None) => BranchCond::Always,
        };
        next.push(Branch {
            cond,
            goto: n.goto.0.trim().to_string(),
        });
    }
    let (role, section) = match raw.role {
        Role::Diagnosis => (StepRole::Diagnosis, "Diagnosis"),
        Role::Mitigation => (StepRole::Mitigation, "Mitigation"),
        Role::Other => (StepRole::Other, "Steps"),
    };
    let title = raw
        .title
        .filter(|t| !t.trim().is_empty())
        .or_else(|| first_sentence(&description))
        .unwrap_or_else(|| id.clone());
    Ok(Step {
        id,
        title,
        section: section.to_string(),
        role,
        kind,
        description,
        command,
        expected: raw.expected_result.map(|t| t.trim_end().to_string()),
        troubleshooting: raw.troubleshooting.map(|t| t.trim_end().to_string()),
        manual_why: None,
        placeholders: vec![],
        confirm: raw.confirm,
        timeout,
        capture: raw.capture.0,
        next,
        line,
    })
}

fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s).map_err(|e| format!("timeout: {e}"))
}

/// Lines of the `step_id:` keys in file order: serde keeps no positions of
/// values that parsed, and messages about a step should name its line.
fn step_id_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            let t = t.strip_prefix('-').map_or(t, str::trim_start);
            t.starts_with("step_id:")
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line of a top-level key (at column `indent`).
fn key_line(text: &str, key: &str, indent: usize) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.len() > indent
                && l.is_char_boundary(indent)
                && l[..indent].trim().is_empty()
                && l[indent..]
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}
