//! Why a command from a Markdown runbook must not run as written: a
//! `<placeholder>` the reader is meant to fill in (as a shell redirect it
//! would read or truncate a file), or a command that opens an interactive
//! session whose next lines were meant for the remote shell.

use std::collections::BTreeMap;

use regex::Regex;

use crate::model::runbook::{Step, StepKind, VarSpec};
use crate::model::Labels;

/// `<namespace>`, `<instance label from alert>`, `'<value of x>'`: a word
/// or words in angle brackets, not a here-doc (`<<EOF`) or a process
/// substitution.
fn pattern() -> Regex {
    Regex::new(r"'?(?:^|[^<])<([A-Za-z][A-Za-z0-9_. /-]*[A-Za-z0-9])>'?").expect("valid regex")
}

/// The placeholders of a command, as written (without brackets), in order.
pub fn placeholders(command: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in pattern().captures_iter(command) {
        let name = c[1].to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The declared variable that fills a placeholder: one named like it
/// (`<my-namespace>` → `MY_NAMESPACE`), or, for "instance label from
/// alert", the variable read from that label.
fn filler(name: &str, vars: &BTreeMap<String, VarSpec>) -> Option<String> {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if vars.contains_key(&plain) {
        return Some(plain);
    }
    let label = Regex::new(r"(?i)\b([a-z_][a-z0-9_]*) label\b").expect("valid regex");
    let label = label.captures(name)?.get(1)?.as_str().to_ascii_lowercase();
    vars.iter()
        .find(|(var, spec)| spec.label.as_deref().unwrap_or(&var.to_ascii_lowercase()) == label)
        .map(|(var, _)| var.clone())
}

/// The command with each placeholder a declared variable fills replaced
/// by a reference to it (`"${NAMESPACE}"`: the value still arrives only
/// through the environment), and the placeholders nothing fills.
pub fn fill(command: &str, vars: &BTreeMap<String, VarSpec>) -> (String, Vec<String>) {
    fill_by(command, |name| filler(name, vars))
}

/// As [`fill`], the variable for each placeholder given by `var_for`.
fn fill_by(command: &str, var_for: impl Fn(&str) -> Option<String>) -> (String, Vec<String>) {
    let mut open = Vec::new();
    let filled = pattern().replace_all(command, |c: &regex::Captures| {
        let all = &c[0];
        let name = &c[1];
        // The match may start with the character before `<`; keep it.
        let lead = if all.starts_with('<') || all.starts_with("'<") {
            ""
        } else {
            &all[..all.chars().next().map_or(0, char::len_utf8)]
        };
        match var_for(name) {
            Some(var) => format!("{lead}\"${{{var}}}\""),
            None => {
                if !open.contains(&name.to_string()) {
                    open.push(name.to_string());
                }
                all.to_string()
            }
        }
    });
    (filled.into_owned(), open)
}

/// A command that opens an interactive session or an editor: with no
/// terminal it would hang until its timeout, and the lines after it were
/// meant for the session it opens.
pub fn interactive(command: &str) -> Option<String> {
    let rules = [
        r"\b(?:kubectl|oc)\s+(?:[^\s|;&]+\s+)*?(?:edit|debug|rsh|attach)\b",
        r"\b(?:kubectl|oc)\s+(?:[^\s|;&]+\s+)*?exec\s+(?:[^\s|;&]+\s+)*?-(?:it|ti|i)\b",
        r"^\s*(?:sudo\s+)?(?:chroot|ssh\s+\S+\s*$|vi|vim|nano|less|top|watch)(?:\s|$)",
    ];
    if let Some(what) = opens_shell(command) {
        return Some(format!(
            "`{what}` needs a terminal of its own: run it there"
        ));
    }
    let lines: Vec<&str> = command
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let leaves = |l: &&str| *l == "exit" || *l == "logout" || l.starts_with("exit ");
    if !lines.is_empty() && lines.iter().all(leaves) {
        return Some("it leaves a session an earlier step opened; nothing runs here".into());
    }
    for line in lines {
        for rule in rules {
            let re = Regex::new(rule).expect("valid regex");
            if let Some(m) = re.find(line) {
                let what = m.as_str().trim();
                return Some(format!(
                    "`{what}` needs a terminal of its own: run it there"
                ));
            }
        }
    }
    None
}

/// A command that opens a shell somewhere else (`kubectl rsh`, `oc debug
/// node/x`, `kubectl exec -it`, `ssh host`, `chroot`): the blocks after it
/// were written for that shell, not for ours.
pub fn opens_shell(command: &str) -> Option<String> {
    let rules = [
        r"\b(?:kubectl|oc)\s+(?:[^\s|;&]+\s+)*?(?:debug|rsh|attach)\b",
        r"\b(?:kubectl|oc)\s+(?:[^\s|;&]+\s+)*?exec\s+(?:[^\s|;&]+\s+)*?-(?:it|ti|i)\b",
        r"^\s*(?:sudo\s+)?(?:chroot\b|ssh\s+\S+\s*$)",
    ];
    // `kubectl exec` with no command after `--` means "a shell in there".
    let exec =
        Regex::new(r"\b(?:kubectl|oc)\s+(?:[^\s|;&]+\s+)*?exec(?:\s|$)").expect("valid regex");
    if let Some(line) = command
        .lines()
        .find(|l| exec.is_match(l) && !l.contains(" -- "))
    {
        let m = exec.find(line).map_or("", |m| m.as_str());
        return Some(m.trim().to_string());
    }
    command.lines().find_map(|line| {
        rules.iter().find_map(|rule| {
            let re = Regex::new(rule).expect("valid regex");
            re.find(line).map(|m| m.as_str().trim().to_string())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_not_heredocs() {
        assert_eq!(
            placeholders("NODE=<instance label from alert>\ncat <<EOF\nx\nEOF\n"),
            ["instance label from alert"]
        );
        assert_eq!(placeholders("diff <(a) <(b) 2>&1"), Vec::<String>::new());
        let mut vars = BTreeMap::new();
        vars.insert("NAMESPACE".to_string(), VarSpec::default());
        let (cmd, open) = fill("kubectl -n <namespace> get pod '<pod>'", &vars);
        assert_eq!(cmd, "kubectl -n \"${NAMESPACE}\" get pod '<pod>'");
        assert_eq!(open, ["pod"]);
        let (cmd, _) = fill("H='<value of namespace label from alert>'", &vars);
        assert_eq!(cmd, "H=\"${NAMESPACE}\"");
    }

    #[test]
    fn interactive_commands() {
        assert!(interactive("kubectl -n x edit cm y").is_some());
        assert!(interactive("oc debug node/a").is_some());
        assert!(interactive("kubectl exec -n a -it pod -- sh").is_some());
        assert!(interactive("kubectl get pods\nchroot /host").is_some());
        assert!(interactive("kubectl get pods -o wide").is_none());
        assert!(interactive("kubectl logs deploy/x | grep debug").is_none());
        assert!(interactive("top=$(printf x)\nless_noise=1").is_none());
        assert!(interactive("top -b").is_some());
        assert!(opens_shell("kubectl -n x edit cm y").is_none());
        assert!(opens_shell("kubectl rsh -c etcdctl -n ns pod").is_some());
        assert!(opens_shell("kubectl exec -c etcdctl -n ns $(pick)").is_some());
        assert!(opens_shell("kubectl exec -n ns pod -- etcdctl version").is_none());
        assert!(opens_shell("kubectl logs exec-runner").is_none());
    }
}

/// The labels a placeholder may name: `<namespace>`, `<my-namespace>`,
/// `<pod-name>`, `<value of instance label from alert>`.
fn label_names(name: &str) -> Vec<String> {
    let label = Regex::new(r"(?i)\b([a-z_][a-z0-9_]*) label\b").expect("valid regex");
    if let Some(c) = label.captures(name) {
        return vec![c[1].to_ascii_lowercase()];
    }
    let norm: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let bare = ["my_", "your_", "the_"]
        .iter()
        .find_map(|p| norm.strip_prefix(p))
        .unwrap_or(&norm)
        .to_string();
    let short = bare.strip_suffix("_name").map(str::to_string);
    // kube-state-metrics spells a PVC out in full.
    let long = (bare == "pvc").then(|| "persistentvolumeclaim".to_string());
    [Some(norm.clone()), Some(bare), short, long]
        .into_iter()
        .flatten()
        .collect()
}

/// The step as it runs for an alert: a step manual only for its
/// placeholders becomes a command when the alert's labels fill them all,
/// each placeholder replaced by a reference to the label's variable (the
/// value still arrives only by environment, and is checked there).
pub fn for_alert(mut step: Step, labels: &Labels) -> Step {
    if step.kind != StepKind::Manual || step.placeholders.is_empty() {
        return step;
    }
    let Some(command) = step.command.clone() else {
        return step;
    };
    let mut filled_by = Vec::new();
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    for p in &step.placeholders {
        let Some(label) = label_names(p)
            .into_iter()
            .find(|l| labels.contains_key(l.as_str()))
        else {
            return step;
        };
        let short = super::vars::env_name(&label);
        let var = if super::vars::is_reserved(&short) {
            format!("{}{short}", super::vars::LABEL_PREFIX)
        } else {
            short
        };
        filled_by.push(format!("<{p}> from the alert's {label} label"));
        vars.insert(p.clone(), var);
    }
    let (command, open) = fill_by(&command, |name| vars.get(name).cloned());
    if !open.is_empty() {
        return step;
    }
    step.placeholders.clear();
    step.command = Some(command.clone());
    step.description = format!("{} (filled in: {})", step.description, filled_by.join(", "))
        .trim_start()
        .to_string();
    match interactive(&command) {
        Some(why) => step.manual_why = Some(why),
        None => {
            step.kind = StepKind::Shell;
            step.manual_why = None;
        }
    }
    step
}
