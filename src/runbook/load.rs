//! Finding and loading runbooks: `runbooks/` then the configured dirs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use super::parse_common::{file_stem, RunbookError};
use crate::model::runbook::Runbook;

/// Every runbook found, and every file that failed (the others still load).
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub runbooks: Vec<Runbook>,
    pub errors: Vec<RunbookError>,
}

/// Loads `*.md`, `*.yaml` and `*.yml` of each dir and its folders in
/// order. A runbook id seen in an earlier dir wins.
pub fn load_dirs(dirs: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    // Lowercased id -> the file that defined it; matching ignores case, so
    // ids differing only in case would be ambiguous.
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for dir in dirs {
        let files = match runbook_files_and_skipped(dir) {
            Ok((files, skipped)) => {
                for folder in skipped {
                    loaded.errors.push(RunbookError::new(
                        &folder,
                        None,
                        format!("folder not read: unreadable, or deeper than {MAX_DEPTH} levels"),
                    ));
                }
                files
            }
            Err(e) => {
                loaded.errors.push(RunbookError::new(
                    dir,
                    None,
                    format!("cannot read runbook directory: {e}"),
                ));
                continue;
            }
        };
        for file in files {
            match load_file(&file) {
                Ok(rb) => {
                    let key = rb.id.to_lowercase();
                    if let Some(first) = seen.get(&key) {
                        loaded.errors.push(RunbookError::new(
                            &file,
                            None,
                            format!(
                                "runbook id {:?} is already defined by {}; this file is ignored",
                                rb.id,
                                first.display()
                            ),
                        ));
                    } else {
                        seen.insert(key, file.clone());
                        loaded.runbooks.push(rb);
                    }
                }
                Err(e) => loaded.errors.push(e),
            }
        }
    }
    loaded
}

/// Folders deeper than this below a runbook dir are not read (a symlink
/// loop would otherwise never end); each one skipped is reported.
pub const MAX_DEPTH: usize = 8;

/// The runbook files of a dir and of its subdirectories to any depth (up
/// to [`MAX_DEPTH`]), sorted by path so the load order (and so which
/// duplicate wins) is stable. Folders not read are in `skipped`.
pub fn runbook_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    runbook_files_and_skipped(dir).map(|(files, _)| files)
}

/// Like [`runbook_files`], also naming the folders it did not read.
pub fn runbook_files_and_skipped(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    walk(dir, 0, &mut files, &mut skipped)?;
    files.sort();
    skipped.sort();
    Ok((files, skipped))
}

fn walk(
    dir: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if is_hidden(&path) {
            continue;
        }
        if path.is_dir() {
            // A subdirectory that cannot be read, or is too deep, is
            // skipped and said, not fatal: the rest still loads.
            if depth + 1 > MAX_DEPTH || walk(&path, depth + 1, files, skipped).is_err() {
                skipped.push(path);
            }
        } else if is_runbook_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_runbook_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    // Hugo's section pages (`_index.md`) list a folder; they are no runbook.
    if name.starts_with('.')
        || name.eq_ignore_ascii_case("README.md")
        || name.eq_ignore_ascii_case("_index.md")
    {
        return false;
    }
    matches!(extension(path).as_deref(), Some("md" | "yaml" | "yml"))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Parses one file by its extension.
pub fn load_file(path: &Path) -> Result<Runbook, RunbookError> {
    let parse = match extension(path).as_deref() {
        Some("md") => super::markdown::parse_markdown,
        Some("yaml" | "yml") => super::yaml_form::parse_yaml,
        _ => {
            return Err(RunbookError::new(
                path,
                None,
                "not a runbook file (expected .md, .yaml or .yml)",
            ))
        }
    };
    let bytes = std::fs::read(path)
        .map_err(|e| RunbookError::new(path, None, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| RunbookError::new(path, None, "not valid UTF-8 text"))?;
    parse(path, &text).and_then(plain_names)
}

/// Step ids, gotos and captured or declared variable names are printed
/// and matched as they are: they must be plain words (letters, digits,
/// `_`, `-`, `.`), never escape sequences or spaces.
pub fn plain_names(rb: Runbook) -> Result<Runbook, RunbookError> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    };
    let bad = |line: Option<usize>, what: &str, name: &str| {
        Err(RunbookError::new(
            &rb.path,
            line,
            format!(
                "{what} {:?} must be a plain word (letters, digits, _ - .)",
                crate::sanitize::line(name)
            ),
        ))
    };
    // A file stem may hold spaces; it must not hold control characters.
    if rb.id.is_empty()
        || rb
            .id
            .chars()
            .any(|c| c.is_control() || crate::sanitize::is_format_control(c))
    {
        return bad(None, "the runbook id", &rb.id);
    }
    for name in rb.vars.keys() {
        if !plain(name) {
            return bad(None, "the variable", name);
        }
    }
    for s in &rb.steps {
        if !plain(&s.id) {
            return bad(Some(s.line), "the step id", &s.id);
        }
        for c in &s.capture {
            if !plain(&c.var) {
                return bad(Some(s.line), "the captured variable", &c.var);
            }
        }
        for b in &s.next {
            if !plain(&b.goto) {
                return bad(Some(s.line), "the goto", &b.goto);
            }
        }
    }
    Ok(rb)
}
