//! What a fenced block of a Markdown runbook means: its language, its
//! `{name=... confirm=true timeout=2m}` attributes, and for shell blocks the
//! command (prompts stripped) and any expected output.

use std::time::Duration;

use crate::model::duration::parse_duration;
use crate::model::runbook::StepKind;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    pub name: Option<String>,
    pub confirm: Option<bool>,
    pub timeout: Option<Duration>,
}

/// The language word of an info string (`sh {name=x}` -> `sh`), lowercased.
pub fn language(info: &str) -> String {
    info.split(|c: char| c.is_whitespace() || c == '{')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The step kind a language makes, if any.
pub fn step_kind(lang: &str) -> Option<StepKind> {
    match lang {
        "sh" | "bash" | "shell" | "zsh" | "console" | "shell-session" | "shellsession" => {
            Some(StepKind::Shell)
        }
        "promql" => Some(StepKind::Query),
        _ => None,
    }
}

/// Attributes after the language, in braces or bare: `{name=a confirm=true}`.
pub fn attrs(info: &str) -> Result<Attrs, String> {
    let lang_len = info
        .find(|c: char| c.is_whitespace() || c == '{')
        .unwrap_or(info.len());
    let mut rest = info[lang_len..].trim();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner
            .strip_suffix('}')
            .ok_or("attributes opened with { are not closed with }")?
            .trim();
    }
    let mut out = Attrs::default();
    for (key, value) in pairs(rest)? {
        match key.as_str() {
            "name" | "id" => {
                if value.is_empty() || value.eq_ignore_ascii_case(crate::model::runbook::GOTO_END) {
                    return Err(format!("{value:?} cannot be a step name"));
                }
                out.name = Some(value);
            }
            "confirm" => {
                out.confirm = Some(match value.as_str() {
                    "true" | "yes" => true,
                    "false" | "no" => false,
                    _ => return Err(format!("confirm must be true or false, not {value:?}")),
                })
            }
            "timeout" => out.timeout = Some(parse_duration(&value).map_err(|e| e.to_string())?),
            _ => {
                return Err(format!(
                    "unknown code block attribute {key:?} (known: name, confirm, timeout)"
                ))
            }
        }
    }
    Ok(out)
}

/// `key=value` pairs separated by spaces; values may be quoted.
fn pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(format!(
                "code block attribute {key:?} needs a value (key=value)"
            ));
        }
        let mut value = String::new();
        if let Some(q) = chars.next_if(|c| *c == '"' || *c == '\'') {
            loop {
                match chars.next() {
                    Some(c) if c == q => break,
                    Some(c) => value.push(c),
                    None => return Err(format!("unterminated quote in attribute {key:?}")),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != ',') {
                value.push(c);
            }
        }
        out.push((key, value));
    }
}

/// A shell block's command and the output the runbook shows for it (see
/// `md_prompt`). `None` when the block has nothing to run (only comments
/// or blank lines).
pub fn shell_command(lang: &str, body: &[String]) -> Option<(String, Option<String>)> {
    let split = super::md_prompt::split(lang, body);
    let runnable = split.command.iter().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    if !runnable {
        return None;
    }
    // Blank lines a transcript puts around each command's output: one is enough.
    let mut output: Vec<&str> = Vec::new();
    for line in split.output {
        let blank = line.trim().is_empty();
        if !(blank && output.last().is_some_and(|l| l.trim().is_empty())) {
            output.push(line);
        }
    }
    let expected = trim_blank_lines(&output);
    Some((
        trim_blank_lines(&split.command),
        (!expected.is_empty()).then_some(expected),
    ))
}

fn trim_blank_lines(lines: &[&str]) -> String {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].join("\n"),
        _ => String::new(),
    }
}

/// A query block's text, `None` when empty.
pub fn query_text(body: &[String]) -> Option<String> {
    let lines: Vec<&str> = body.iter().map(String::as_str).collect();
    let q = trim_blank_lines(&lines);
    (!q.trim().is_empty()).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_in_braces_or_bare() {
        let a = attrs("sh {name=scale-out confirm=true timeout=2m}").unwrap();
        assert_eq!(a.name.as_deref(), Some("scale-out"));
        assert_eq!(a.confirm, Some(true));
        assert_eq!(a.timeout, Some(Duration::from_secs(120)));
        assert_eq!(
            attrs("bash name=\"x y\"").unwrap().name.as_deref(),
            Some("x y")
        );
        assert_eq!(attrs("sh").unwrap(), Attrs::default());
        assert!(attrs("sh {colour=red}").unwrap_err().contains("colour"));
        assert!(attrs("sh {confirm=maybe}").is_err());
        assert!(attrs("sh {name=x").is_err());
        assert_eq!(language("Bash{name=x}"), "bash");
    }

    #[test]
    fn console_continuations_belong_to_the_command() {
        let body: Vec<String> = ["$ kubectl get pods \\", "    -n x", "NAME READY", "a 1/1"]
            .map(String::from)
            .to_vec();
        let (cmd, out) = shell_command("console", &body).unwrap();
        assert_eq!(cmd, "kubectl get pods \\\n    -n x");
        assert_eq!(out.as_deref(), Some("NAME READY\na 1/1"));
    }

    #[test]
    fn comment_only_blocks_are_not_steps() {
        let body: Vec<String> = ["# nothing to run", ""].map(String::from).to_vec();
        assert_eq!(shell_command("sh", &body), None);
    }
}
