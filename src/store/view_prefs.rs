//! What the console remembers of how the user likes the alerts list
//! (the `:sort` mode), one word in the state dir's `list-sort` file, so
//! the next start sorts the same way. Best effort: a missing or broken
//! file means the default order.

use std::path::Path;

const FILE: &str = "list-sort";

/// The remembered sort mode's name, if one was saved.
pub fn load_sort(state_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(state_dir.join(FILE)).ok()?;
    let word = text.trim();
    (!word.is_empty()).then(|| word.to_string())
}

/// Saves the sort mode's name (written whole, then renamed into place).
pub fn save_sort(state_dir: &Path, name: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(state_dir)?;
    let tmp = state_dir.join(format!("{FILE}.tmp"));
    std::fs::write(&tmp, format!("{name}\n"))?;
    std::fs::rename(tmp, state_dir.join(FILE))
}
