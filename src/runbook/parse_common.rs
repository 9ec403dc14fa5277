//! What the Markdown and YAML runbook parsers share: the error that names
//! file and line, the default id, and a step title made from its text.

use std::path::{Path, PathBuf};

/// A runbook that could not be loaded: file and line, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RunbookError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl RunbookError {
    pub fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> RunbookError {
        RunbookError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// The file stem, the default runbook id.
pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A step title from its description: the first sentence of the first
/// paragraph, without a list marker, clipped.
pub fn first_sentence(description: &str) -> Option<String> {
    const MAX: usize = 60;
    let para = description.split("\n\n").next()?.replace('\n', " ");
    let para = strip_list_marker(para.trim());
    let end = [". ", "? ", "! "]
        .iter()
        .filter_map(|p| para.find(p).map(|i| i + 1))
        .min()
        .unwrap_or(para.len());
    let sentence = para[..end].trim().trim_end_matches([':', '.']).trim_end();
    if sentence.is_empty() || sentence.starts_with("```") || sentence.starts_with("~~~") {
        return None;
    }
    if sentence.chars().count() <= MAX {
        return Some(sentence.to_string());
    }
    let clipped: String = sentence.chars().take(MAX - 1).collect();
    Some(format!("{}…", clipped.trim_end()))
}

fn strip_list_marker(s: &str) -> &str {
    for m in ["- ", "* ", "+ "] {
        if let Some(rest) = s.strip_prefix(m) {
            return rest.trim_start();
        }
    }
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &s[digits..];
        if let Some(r) = rest.strip_prefix(". ").or(rest.strip_prefix(") ")) {
            return r.trim_start();
        }
    }
    s
}
