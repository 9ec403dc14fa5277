//! Static checks of a parsed runbook, for `oncall check` and the loader's
//! callers: what would go wrong only halfway through an incident.

use std::collections::{BTreeSet, HashMap};

use regex::Regex;

use super::expr;
use super::expr::last_line;
use crate::model::runbook::{BranchCond, Runbook, GOTO_END};

/// Problems `oncall check` reports: `goto` to an unknown step, unreachable
/// steps, capture regexes and `when` expressions that do not compile,
/// duplicate step ids. Each is one sentence naming the file, line and step.
pub fn check(runbook: &Runbook) -> Vec<String> {
    let path = runbook.path.display();
    let mut problems = Vec::new();
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for s in &runbook.steps {
        if let Some(first) = first_line.insert(&s.id, s.line) {
            problems.push(format!(
                "{path}:{}: step {}: the id is already used by the step at line {first}.",
                s.line, s.id
            ));
            first_line.insert(&s.id, first);
        }
    }
    // Names a `when` may read: captured by some step, or declared in `vars:`.
    let known: BTreeSet<&str> = runbook
        .steps
        .iter()
        .flat_map(|s| s.capture.iter().map(|c| c.var.as_str()))
        .chain(runbook.vars.keys().map(String::as_str))
        .collect();
    for s in &runbook.steps {
        let at = format!("{path}:{}: step {}:", s.line, s.id);
        for c in &s.capture {
            if let Err(e) = Regex::new(&c.regex) {
                problems.push(format!(
                    "{at} the capture regex for {} does not compile: {}.",
                    c.var,
                    last_line(&e.to_string())
                ));
            }
        }
        for b in &s.next {
            if !b.goto.eq_ignore_ascii_case(GOTO_END) && !first_line.contains_key(b.goto.as_str()) {
                problems.push(format!(
                    "{at} goto {:?} names no step of this runbook.",
                    b.goto
                ));
            }
            let BranchCond::When(w) = &b.cond else {
                continue;
            };
            match expr::variables(w) {
                Err(e) => problems.push(format!("{at} when {w:?} is not valid: {e}.")),
                Ok(vars) => {
                    for v in vars.iter().filter(|v| !known.contains(v.as_str())) {
                        problems.push(format!(
                            "{at} when {w:?} reads {v}, which no step captures."
                        ));
                    }
                }
            }
        }
    }
    for (name, spec) in &runbook.vars {
        if let Some(p) = &spec.pattern {
            if let Err(e) = Regex::new(p) {
                problems.push(format!(
                    "{path}: var {name}: the pattern does not compile: {}.",
                    last_line(&e.to_string())
                ));
            }
        }
    }
    for i in unreachable(runbook) {
        let s = &runbook.steps[i];
        problems.push(format!(
            "{path}:{}: step {}: no path from the first step reaches it.",
            s.line, s.id
        ));
    }
    problems
}

/// Indexes of steps the flow from the first step never reaches. A step
/// falls through to the next one unless its `next` has an unconditional
/// branch or offers labelled choices; `when` branches add edges.
fn unreachable(runbook: &Runbook) -> Vec<usize> {
    let steps = &runbook.steps;
    let mut seen = vec![false; steps.len()];
    let mut todo = if steps.is_empty() { vec![] } else { vec![0] };
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let s = &steps[i];
        let stops = s
            .next
            .iter()
            .any(|b| matches!(b.cond, BranchCond::Always | BranchCond::Label(_)));
        if !stops && i + 1 < steps.len() {
            todo.push(i + 1);
        }
        todo.extend(s.next.iter().filter_map(|b| runbook.step_index(&b.goto)));
    }
    (0..steps.len()).filter(|i| !seen[*i]).collect()
}

/// Label names the runbook's text shows its alert carrying: a sample
/// notification (`- node = node1`, `node="a"`) or prose naming "the
/// `mountpoint` label". A command's `$NODE` then comes from that label.
pub fn labels_shown(runbook: &Runbook) -> BTreeSet<String> {
    let sample =
        Regex::new(r#"(?m)^\s*[-*]?\s*([a-z_][a-z0-9_]*)\s*=\s*"?[^\s=]"#).expect("valid regex");
    let prose = Regex::new(r"(?i)`?\b([a-z_][a-z0-9_]*)\b`?\s+label\b").expect("valid regex");
    let texts = runbook
        .context
        .iter()
        .map(|(_, t)| t.as_str())
        .chain(runbook.steps.iter().map(|s| s.description.as_str()));
    let mut out = BTreeSet::new();
    for text in texts {
        for re in [&sample, &prose] {
            for c in re.captures_iter(text) {
                out.insert(c[1].to_ascii_lowercase());
            }
        }
    }
    out
}
