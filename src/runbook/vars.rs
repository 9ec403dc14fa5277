//! Alert labels and captured values as a step's environment.
//!
//! Security rule of the product: alert labels reach a command ONLY as
//! environment variables, never pasted into shell source. Label values come
//! from whoever can make an alert fire, so every value is validated before it
//! may reach a command, and names that shells and tools give a meaning
//! (`PATH`, `LD_PRELOAD`, `KUBECONFIG`, ...) are never set from a label.
//!
//! Sources, lowest precedence first:
//! 1. each alert label `name`: `ONCALL_LABEL_<NAME>` always, and the short
//!    form `<NAME>` unless [`is_reserved`] says no;
//! 2. runbook `vars:`: NAME takes the value of its label (default: NAME
//!    lowercased), else its `default`. A declared variable owns its name: when
//!    neither is present it is absent, even if a label of that name exists;
//! 3. values captured from earlier steps' output.

use std::collections::BTreeMap;

use regex::Regex;

use crate::model::runbook::Runbook;
use crate::model::Labels;

pub use super::command_text::{expand_query, referenced, self_provided};

/// The prefix every label gets as a variable, whatever its name.
pub const LABEL_PREFIX: &str = "ONCALL_LABEL_";
/// Set to the configured Prometheus's URL for every step when there is one.
pub const PROMETHEUS_VAR: &str = "ONCALL_PROMETHEUS_URL";

fn describe(label: &str, value: &str, reason: &str) -> String {
    if value.is_empty() && reason.contains("no such label") {
        format!("label {label} is missing: {reason}")
    } else {
        format!("label {label} has a value that may not reach a command ({reason}): {value:?}")
    }
}

/// A value that may not reach a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(.label, .value, .reason))]
pub struct VarError {
    pub label: String,
    pub value: String,
    pub reason: String,
}

/// Exact names (compared case-insensitively) that a shell or a common tool
/// reads: a label must not be able to redirect lookups, prompts or proxies.
const RESERVED: &[&str] = &[
    "PATH",
    "HOME",
    "SHELL",
    "IFS",
    "ENV",
    "BASH_ENV",
    "CDPATH",
    "PS1",
    "PS2",
    "PS3",
    "PS4",
    "PROMPT_COMMAND",
    "USER",
    "LOGNAME",
    "PWD",
    "OLDPWD",
    "TERM",
    "TMPDIR",
    "LANG",
    "LANGUAGE",
    "TZ",
    "KUBECONFIG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "FTP_PROXY",
    "SHELLOPTS",
    "BASHOPTS",
    "GLOBIGNORE",
    "FPATH",
    "ZDOTDIR",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "OPTIND",
    "OPTARG",
    "PPID",
    "UID",
    "EUID",
    "NODE_OPTIONS",
    "JAVA_TOOL_OPTIONS",
    "GCONV_PATH",
    "HOSTALIASES",
];

/// Prefixes (case-insensitive) of reserved names: whole families of
/// loader, locale, VCS, interpreter and our own settings.
const RESERVED_PREFIXES: &[&str] = &[
    "SSH_",
    "LC_",
    "LD_",
    "DYLD_",
    "GIT_",
    "PYTHON",
    "PERL5",
    "RUBY",
    "BASH_FUNC_",
    "ONCALL_",
];

/// Whether `name` may not be set from a label, a runbook var or a capture.
pub fn is_reserved(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    RESERVED.contains(&upper.as_str()) || RESERVED_PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// A label name as a variable name: uppercased, anything outside
/// `[A-Z0-9_]` becomes `_` (`app.kubernetes.io/name` → `APP_KUBERNETES_IO_NAME`).
pub fn env_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A name a POSIX shell accepts as a variable: `[A-Za-z_][A-Za-z0-9_]*`.
pub(super) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Characters the default rule refuses: quotes and globs because an
/// unquoted `$VAR` would act on them, the rest as defense in depth against
/// a command that `eval`s or re-parses a value.
const REFUSED: &[char] = &[
    '\'', '"', '`', '*', '?', '[', ']', '{', '}', '$', ';', '|', '&', '<', '>', '(', ')', '\\',
];

/// Checks `value` against `pattern` (a full, anchored match) or, without
/// one, the default rule. `Err` is the reason, for a message.
pub fn validate(value: &str, pattern: Option<&str>) -> Result<(), String> {
    if let Some(pattern) = pattern {
        let re = Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| format!("pattern {pattern:?} does not compile: {e}"))?;
        return if re.is_match(value) {
            Ok(())
        } else {
            Err(format!("does not match pattern {pattern:?}"))
        };
    }
    // Empty is allowed: an absent-ish value is not dangerous by itself.
    for c in value.chars() {
        if c == '\0' {
            return Err("contains NUL".into());
        }
        if c.is_control() {
            return Err(format!("contains control character {c:?}"));
        }
        if c.is_whitespace() {
            return Err("contains whitespace".into());
        }
        if REFUSED.contains(&c) {
            return Err(format!("contains {c:?}"));
        }
    }
    Ok(())
}

/// One variable before validation: its value, what to name in an error,
/// and the rule it is checked by.
struct Candidate {
    value: String,
    source: String,
    pattern: Option<String>,
    /// The short name of a label (`POD` for `pod`), not a declared var.
    short_label: bool,
}

/// Every variable a step could receive, by name, before validation.
fn candidates(
    runbook: &Runbook,
    labels: &Labels,
    captured: &BTreeMap<String, String>,
) -> BTreeMap<String, Candidate> {
    let mut out: BTreeMap<String, Candidate> = BTreeMap::new();
    let label_candidate = |label: &str, value: &str, short_label: bool| Candidate {
        value: value.to_string(),
        source: label.to_string(),
        pattern: None,
        short_label,
    };
    // Labels in sorted order; when two labels map to one name the first
    // keeps it (`entry().or_insert`), so the outcome is deterministic.
    for (label, value) in labels {
        let name = env_name(label);
        out.entry(format!("{LABEL_PREFIX}{name}"))
            .or_insert_with(|| label_candidate(label, value, false));
        if is_identifier(&name) && !is_reserved(&name) {
            out.entry(name)
                .or_insert_with(|| label_candidate(label, value, true));
        }
    }
    for (name, spec) in &runbook.vars {
        if !is_identifier(name) || is_reserved(name) {
            continue;
        }
        let label = spec.label.clone().unwrap_or_else(|| name.to_lowercase());
        let value = labels.get(label.as_str()).or(spec.default.as_deref());
        match value {
            Some(value) => {
                out.insert(
                    name.clone(),
                    Candidate {
                        value: value.to_string(),
                        source: label,
                        pattern: spec.pattern.clone(),
                        short_label: false,
                    },
                );
            }
            None => {
                out.remove(name);
            }
        }
    }
    for (name, value) in captured {
        if !is_identifier(name) || is_reserved(name) {
            continue;
        }
        // A declared var's pattern still applies to a captured value of it.
        let pattern = runbook.vars.get(name).and_then(|s| s.pattern.clone());
        out.insert(
            name.clone(),
            Candidate {
                value: value.clone(),
                source: name.clone(),
                pattern,
                short_label: false,
            },
        );
    }
    out
}

/// The variables a step's command receives, sorted by name: every one whose
/// value is valid. Values that fail validation are left out, never an error
/// (use [`command_env`] to refuse a command that needs one of them).
pub fn step_env(
    runbook: &Runbook,
    labels: &Labels,
    captured: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, VarError> {
    Ok(candidates(runbook, labels, captured)
        .into_iter()
        .filter(|(_, c)| validate(&c.value, c.pattern.as_deref()).is_ok())
        .map(|(name, c)| (name, c.value))
        .collect())
}

/// The environment for running `command`, sorted by name, no duplicates.
///
/// A variable the command references (see [`referenced`]) with a value that
/// fails validation is an `Err` naming its label and the reason: the step
/// must not run with it. A variable the command does NOT reference with a bad
/// value is left out of the environment instead of failing the step: the
/// command does not need it, and leaving it out also keeps it from `env`,
/// `eval` or a child that reads the environment wholesale.
///
/// A label's short name (`$POD`) is given only to a command that names it:
/// a label called `aws_profile` or `docker_host` must not steer the tools a
/// command runs. `ONCALL_LABEL_<NAME>` always carries every valid label.
pub fn command_env(
    runbook: &Runbook,
    labels: &Labels,
    captured: &BTreeMap<String, String>,
    command: &str,
) -> Result<Vec<(String, String)>, VarError> {
    let wanted = referenced(command);
    // A declared var the command needs, with no label and no default, would
    // run `kubectl describe node ""`: refuse, naming what is missing.
    let own = self_provided(command);
    for name in wanted.iter().filter(|n| !own.contains(n)) {
        if let Some(spec) = runbook.vars.get(name) {
            let label = spec.label.clone().unwrap_or_else(|| name.to_lowercase());
            if !labels.contains_key(label.as_str())
                && spec.default.is_none()
                && !captured.contains_key(name)
            {
                return Err(VarError {
                    label,
                    value: String::new(),
                    reason: format!(
                        "the alert has no such label and the runbook gives ${name} no default"
                    ),
                });
            }
        }
    }
    let mut env = Vec::new();
    for (name, c) in candidates(runbook, labels, captured) {
        let named = wanted.binary_search(&name).is_ok();
        if c.short_label && !named {
            continue;
        }
        match validate(&c.value, c.pattern.as_deref()) {
            Ok(()) => env.push((name, c.value)),
            Err(reason) if named => {
                return Err(VarError {
                    label: c.source,
                    value: c.value,
                    reason: format!("{reason}; the command uses ${name}"),
                });
            }
            Err(_) => {}
        }
    }
    Ok(env)
}
