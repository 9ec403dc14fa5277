//! One shell session per runbook run, as in Runme: what a step leaves in
//! its shell (exported and plain variables, the working directory,
//! aliases, functions) is there for the next step.
//!
//! Each step still runs in a bash process (and process group) of its own,
//! so a timeout or Ctrl-c stops that step and never the session, and alert
//! labels still reach it only through its environment. The session lives
//! in a file: the step's shell reads it first and writes it back when it
//! exits (an EXIT trap, so also after `exit` or a SIGTERM). A step whose
//! shell could not write it (killed with SIGKILL, `exec`, a trap of its
//! own) loses only what it changed: the next step starts from the session
//! as it was before, and the outcome says so.

use std::path::{Path, PathBuf};

/// bash without profile or rc files: what runs is what the runbook says.
pub const SHELL_ARGS: [&str; 2] = ["--noprofile", "--norc"];

/// Names the step's shell receives the session file under (removed from
/// the step's own environment before its command runs).
pub const SESSION_VAR: &str = "ONCALL_SESSION";

/// The script `bash -c` runs; `$1` is the step's command, exactly as
/// shown, evaluated once. Variables bash sets itself, read-only ones and
/// values that equal what the step inherited are not carried over.
pub const WRAPPER: &str = r#"__oncall_session=${ONCALL_SESSION-}
unset ONCALL_SESSION
shopt -s expand_aliases
declare -A __oncall_before=()
for __oncall_n in $(compgen -v); do __oncall_before[$__oncall_n]=${!__oncall_n-}; done
if [ -n "$__oncall_session" ] && [ -s "$__oncall_session" ]; then
  . "$__oncall_session" || echo "oncall: the session could not be restored in full" >&2
fi
__oncall_save() {
  # A stop sends SIGTERM to the group more than once: the save finishes.
  trap '' TERM INT HUP
  set +eu
  [ -n "$__oncall_session" ] || return
  umask 077
  {
    for __oncall_n in $(compgen -v); do
      case $__oncall_n in
        __oncall*|BASH*|COMP*|DIRSTACK|EPOCH*|EUID|FUNCNAME|GROUPS|HIST*|HOSTNAME|HOSTTYPE|IFS|LINENO|MACHTYPE|OLDPWD|OPT*|OSTYPE|PIPESTATUS|PPID|PS[0-9]|PWD|RANDOM|SECONDS|SHELL|SHELLOPTS|SHLVL|SRANDOM|UID|_) continue ;;
      esac
      if [[ -v "__oncall_before[$__oncall_n]" && "${__oncall_before[$__oncall_n]}" == "${!__oncall_n-}" ]]; then continue; fi
      __oncall_d=$(declare -p "$__oncall_n" 2>/dev/null) || continue
      [[ ${__oncall_d#declare -} =~ ^[a-zA-Z-]*r ]] && continue
      printf '%s\n' "$__oncall_d"
    done
    for __oncall_n in $(compgen -A function); do
      case $__oncall_n in __oncall*) continue ;; esac
      declare -f "$__oncall_n"
    done
    alias -p
    printf 'cd -- %q\n' "$PWD"
  } > "$__oncall_session.new" && mv -f -- "$__oncall_session.new" "$__oncall_session"
}
trap __oncall_save EXIT
eval "$1"
"#;

/// The bash to run: `/bin/bash` where it is, else `bash` from PATH.
pub fn bash() -> &'static str {
    if Path::new("/bin/bash").exists() {
        "/bin/bash"
    } else {
        "bash"
    }
}

/// Which session file is there now: its inode (each save is a new file,
/// moved into place), or none.
pub fn file_id(file: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(file).ok().map(|m| m.ino())
}

/// Whether the step's shell wrote the session back: a file other than the
/// one there before it started (`file_id`). Not by modification time: the
/// kernel stamps files with a clock that lags the one read at the start by
/// up to a few milliseconds, so a quick step's save could look older.
pub fn saved_since(file: &Path, before: Option<u64>) -> bool {
    file_id(file).is_some_and(|now| Some(now) != before)
}

/// A directory for this process's session files, readable by us only
/// (sessions may hold what a step exported, tokens included).
pub fn dir() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = std::env::temp_dir().join(format!("oncall-sessions-{}", std::process::id()));
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => Ok(dir),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(dir),
        Err(e) => Err(e),
    }
}

/// The session file of a run named `name` (a runbook id and an alert's
/// fingerprint), made safe as a file name.
pub fn file(dir: &Path, name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.sh"))
}
