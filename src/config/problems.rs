//! Every problem of a config file in one run (`oncall check`): the YAML
//! parser stops at the first, so each section it stops in is reported and
//! blanked out (line numbers kept) and the rest parsed again; a config
//! that parses is then checked for every value problem.

use std::path::Path;

use super::{semantic_problems, Config};
use crate::yaml;

/// Sections parsed again at most (a config has about twenty keys).
const ROUNDS: usize = 40;

/// `path:line: problem` for each problem found (the line when known).
pub fn all_problems(text: &str, path: &Path) -> Vec<String> {
    let shown = path.display();
    if text.trim().is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut out = Vec::new();
    let mut blanked: Vec<String> = Vec::new();
    for _ in 0..ROUNDS {
        let current = lines.join("\n");
        match yaml::from_str::<Config>(&current) {
            Ok(config) => {
                // What parsed (blanked sections left out) is checked too.
                out.extend(
                    semantic_problems(&config, &current)
                        .into_iter()
                        .map(|m| placed(&shown.to_string(), &m)),
                );
                out.extend(section_problems(
                    &config,
                    &current,
                    &shown.to_string(),
                    &blanked,
                ));
                return out;
            }
            Err(e) => {
                let Some(line) = e.line else {
                    out.push(format!("{shown}: {}", e.message));
                    return out;
                };
                out.push(format!("{shown}:{line}: {}", e.bare_message()));
                // Blank the top-level section holding the line; no section
                // (or one blanked already): nothing more can be learned.
                match blank_section(&mut lines, line.saturating_sub(1)) {
                    Some(key) => blanked.push(key),
                    None => return out,
                }
            }
        }
    }
    out
}

/// What building each section's settings finds wrong, every section
/// tried (building the settings stops at the first), each placed at its
/// section's key. `blanked`: the sections left out for a parse error.
fn section_problems(config: &Config, text: &str, path: &str, blanked: &[String]) -> Vec<String> {
    let intervals = super::time_intervals_value(config.time_intervals.as_ref());
    let names: Vec<&str> = match &intervals {
        Ok(list) => list.iter().map(|i| i.name.as_str()).collect(),
        Err(_) => Vec::new(),
    };
    let results: Vec<(&str, Result<(), String>)> = vec![
        (
            "incidents",
            super::build::incident_settings(config.incidents.as_ref()).map(drop),
        ),
        ("schedules", super::schedules(&config.schedules).map(drop)),
        (
            "time_intervals",
            intervals.as_ref().map(drop).map_err(Clone::clone),
        ),
        (
            "escalation",
            super::policies(&config.escalation, &names).map(drop),
        ),
        ("notifiers", super::notifiers(&config.notifiers).map(drop)),
        ("slos", super::slos(&config.slos).map(drop)),
        ("wall", super::wall_settings(config.wall.as_ref()).map(drop)),
        (
            "store",
            super::store_spec::store_spec(config.store.as_ref()).map(drop),
        ),
    ];
    // Across sections: a level's notify names a notifier that is not there
    // (not said when the notifiers were left out for a parse error).
    let whole = !blanked.iter().any(|k| k == "notifiers");
    let across = match (
        super::policies(&config.escalation, &names),
        super::notifiers(&config.notifiers),
    ) {
        (Ok(p), Ok(n)) if whole => super::build::unknown_notifies(&p, &n),
        _ => Vec::new(),
    };
    let place = |key: &str, e: String| match super::key_line(text, key) {
        Some(i) => format!("{path}:{}: {e}", i + 1),
        None => format!("{path}: {e}"),
    };
    let mut out: Vec<String> = results
        .into_iter()
        .filter_map(|(key, r)| Some(place(key, r.err()?)))
        .collect();
    out.extend(across.into_iter().map(|e| place("escalation", e)));
    out
}

/// The `runbooks:` dirs of a config that may not load as a whole (what
/// parses once the sections with problems are blanked), so `oncall check`
/// still checks the team's runbooks when the config has an error.
pub fn runbook_dirs(text: &str) -> Vec<std::path::PathBuf> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..ROUNDS {
        match yaml::from_str::<Config>(&lines.join("\n")) {
            Ok(config) => return config.runbooks.unwrap_or_default(),
            Err(e) => match e.line {
                Some(line) if blank_section(&mut lines, line.saturating_sub(1)).is_some() => {}
                _ => return Vec::new(),
            },
        }
    }
    Vec::new()
}

/// `path:N: message` from a message ending ` at line N`.
fn placed(path: &str, message: &str) -> String {
    match message.rsplit_once(" at line ") {
        Some((m, n)) if n.chars().all(|c| c.is_ascii_digit()) => format!("{path}:{n}: {m}"),
        _ => format!("{path}: {message}"),
    }
}

/// Empties the lines of the top-level key whose block holds line `at`
/// (0-based) and gives that key; None when there is none or it is empty
/// already.
fn blank_section(lines: &mut [String], at: usize) -> Option<String> {
    let top = |l: &str| !l.is_empty() && !l.starts_with([' ', '\t', '#', '-']);
    let start = (0..=at.min(lines.len().saturating_sub(1)))
        .rev()
        .find(|&i| top(&lines[i]))?;
    let end = (start + 1..lines.len())
        .find(|&i| top(&lines[i]))
        .unwrap_or(lines.len());
    let key = lines[start]
        .split(':')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    for l in &mut lines[start..end] {
        l.clear();
    }
    Some(key)
}
