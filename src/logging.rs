//! Logging: to a file in the state directory, never to the screen.

use std::path::PathBuf;

/// Logs go to `<state dir>/oncall.log`, never to the screen. Returns the
/// log path, or why logging is off.
pub fn init_logging(state_dir: Option<&PathBuf>) -> Result<PathBuf, String> {
    let dir = state_dir.ok_or("no state directory (set XDG_STATE_HOME or HOME)")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("oncall.log");
    use std::os::unix::fs::OpenOptionsExt;
    // Only the user reads the log: it names hosts and alerts.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let filter = std::env::var("ONCALL_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(path)
}
