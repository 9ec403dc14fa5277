//! A shell block as an operator reads it: where lines carry a prompt
//! (`$ `, and `# ` in console transcripts), only the prompted commands run
//! (with their `\` and `> ` continuations and here-docs) and every other
//! line is the output the runbook shows; a block with no prompt is all
//! command, up to a line no shell could run (`...`, a table header, a
//! `key: value` line), which starts the shown output.

/// The command lines and the expected-output lines of one block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split<'a> {
    pub command: Vec<&'a str>,
    pub output: Vec<&'a str>,
}

/// Languages whose blocks are transcripts, where `# ` is root's prompt
/// rather than a comment.
fn is_transcript(lang: &str) -> bool {
    matches!(lang, "console" | "shell-session" | "shellsession")
}

fn prompt<'a>(line: &'a str, transcript: bool) -> Option<&'a str> {
    let t = line.trim_start();
    if t == "$" || (transcript && t == "#") {
        return Some("");
    }
    t.strip_prefix("$ ")
        .or_else(|| t.strip_prefix("$\t"))
        .or_else(|| t.strip_prefix("# ").filter(|_| transcript))
}

pub fn split<'a>(lang: &str, body: &'a [String]) -> Split<'a> {
    let transcript = is_transcript(lang);
    if body.iter().any(|l| prompt(l, transcript).is_some()) {
        prompted(body, transcript)
    } else {
        unprompted(body)
    }
}

fn prompted(body: &[String], transcript: bool) -> Split<'_> {
    let mut out = Split::default();
    let mut i = 0;
    while i < body.len() {
        let line = body[i].as_str();
        i += 1;
        let Some(first) = prompt(line, transcript) else {
            // In a sh/bash block a `#` line between prompts is a comment.
            if !(line.trim_start().starts_with('#') && !transcript) {
                out.output.push(line);
            }
            continue;
        };
        out.command.push(first);
        let mut last = first;
        let mut heredocs = heredoc_words(first);
        loop {
            if let Some(word) = heredocs.first().cloned() {
                // The here-doc's body, up to its delimiter, is the command's.
                let Some(next) = body.get(i) else { break };
                let text = continuation(next);
                out.command.push(text);
                i += 1;
                if text.trim() == word {
                    heredocs.remove(0);
                }
                continue;
            }
            let wants_more = last.trim_end().ends_with('\\');
            match body.get(i) {
                Some(next) if wants_more || next.starts_with("> ") || next.trim() == ">" => {
                    last = continuation(next);
                    out.command.push(last);
                    heredocs = heredoc_words(last);
                    i += 1;
                }
                _ => break,
            }
        }
    }
    out
}

/// A continuation line without its `> ` (PS2) prompt.
fn continuation(line: &str) -> &str {
    line.strip_prefix("> ")
        .or_else(|| (line.trim() == ">").then_some(""))
        .unwrap_or(line)
}

/// The delimiters of here-docs opened on a line (`<<EOF`, `<<-'END'`),
/// not here-strings (`<<<`).
fn heredoc_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("<<") {
        let after = &rest[at + 2..];
        if after.starts_with('<') {
            rest = &after[1..];
            continue;
        }
        let after = after.strip_prefix('-').unwrap_or(after).trim_start();
        let word: String = after
            .trim_start_matches(['\'', '"'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            words.push(word);
        }
        rest = after;
    }
    words
}

fn unprompted(body: &[String]) -> Split<'_> {
    let mut out = Split::default();
    let at = body
        .iter()
        .position(|l| looks_like_output(l))
        .unwrap_or(body.len());
    out.command = body[..at].iter().map(String::as_str).collect();
    out.output = body[at..].iter().map(String::as_str).collect();
    out
}

/// Lines a shell could not run, which runbooks write under a command to
/// show what it prints: an elision, a table header in capitals, YAML.
pub fn looks_like_output(line: &str) -> bool {
    let t = line.trim();
    if matches!(t, "..." | "…" | "[...]") {
        return true;
    }
    let words: Vec<&str> = t
        .split("  ")
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    let header = words.len() >= 2
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_ascii_uppercase() || " _-()".contains(c))
                && w.chars().any(|c| c.is_ascii_uppercase())
        });
    let key = t.split_once(": ").map(|(k, _)| k).or(t.strip_suffix(':'));
    let yaml = key.is_some_and(|k| {
        !k.is_empty()
            && !t.starts_with('#')
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    });
    header || yaml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn heredocs_and_ps2_continue_the_command() {
        let body = lines("$ cat <<'EOF' | wc -l\n> one\n> EOF\n1\n$ echo a \\\nb\na b");
        let s = split("shell", &body);
        assert_eq!(
            s.command,
            ["cat <<'EOF' | wc -l", "one", "EOF", "echo a \\", "b"]
        );
        assert_eq!(s.output, ["1", "a b"]);
    }

    #[test]
    fn root_prompts_only_in_transcripts() {
        let body = lines("# systemctl restart x\nok");
        assert_eq!(split("console", &body).command, ["systemctl restart x"]);
        let s = split("sh", &body);
        assert_eq!(s.command, ["# systemctl restart x", "ok"]);
    }

    #[test]
    fn output_looking_lines() {
        assert!(looks_like_output("NAME     READY   STATUS"));
        assert!(looks_like_output("bindAddress: 0.0.0.0"));
        assert!(looks_like_output("..."));
        assert!(!looks_like_output("kubectl get pods -n x"));
        assert!(!looks_like_output("echo 'a: b'"));
        assert!(!looks_like_output("FOO=1 BAR=2"));
    }
}
