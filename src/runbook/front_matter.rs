//! Markdown front matter: YAML between `---` lines at the top. Only the keys
//! a runbook needs are read; Hugo's and other generators' keys are ignored.
//! TOML front matter (`+++`) is skipped whole.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::md_scan::ScanError;
use super::spec::{Names, Text, VarEntry};

#[derive(Debug, Default, Deserialize)]
pub struct FrontMatter {
    #[serde(default)]
    pub alerts: Names,
    #[serde(default)]
    pub vars: BTreeMap<String, VarEntry>,
    pub id: Option<Text>,
    pub title: Option<Text>,
    pub timeout: Option<Text>,
}

/// Splits off front matter: returns it and the index of the first body line.
pub fn split(lines: &[&str]) -> Result<(FrontMatter, usize), ScanError> {
    let first = lines.first().map(|l| l.trim_end());
    let marker = match first {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => return Ok((FrontMatter::default(), 0)),
    };
    let close = lines
        .iter()
        .skip(1)
        .position(|l| {
            let l = l.trim_end();
            l == marker || (marker == "---" && l == "...")
        })
        .map(|p| p + 1)
        .ok_or_else(|| ScanError {
            line: 1,
            message: format!("front matter opened here with {marker} is never closed"),
        })?;
    if marker == "+++" {
        return Ok((FrontMatter::default(), close + 1));
    }
    let yaml = lines[1..close].join("\n");
    if yaml.trim().is_empty() {
        return Ok((FrontMatter::default(), close + 1));
    }
    let fm: FrontMatter = crate::yaml::from_str(&yaml).map_err(|e| ScanError {
        // YAML line 1 is the file's line 2, just below the opening `---`.
        line: e.line.map_or(1, |l| l + 1),
        message: format!("front matter: {}", e.bare_message()),
    })?;
    Ok((fm, close + 1))
}
