//! Reading a step's command text: the variables it names, the ones it
//! gives itself, and a query's variables filled in. Text only; values and
//! their checks are in `vars.rs`.

use super::vars::is_identifier;

/// Names of the variables a command mentions (`$POD`, `${NAMESPACE}`,
/// `${NS:-default}`, `${#POD}`), sorted, without duplicates. Deliberately
/// conservative: quoting and escapes are ignored, so `'$POD'` and `\$POD`
/// count too. Positional and special parameters (`$1`, `$?`, `$$`) are not
/// names and are skipped.
pub fn referenced(command: &str) -> Vec<String> {
    let bytes = command.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let mut start = i + 1;
        if bytes.get(start) == Some(&b'{') {
            start += 1;
            // `${#NAME}` (length) and `${!NAME}` (indirection) still use NAME.
            if matches!(bytes.get(start), Some(b'#' | b'!')) {
                start += 1;
            }
        }
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let name = &command[start..end];
        if is_identifier(name) {
            names.push(name.to_string());
        }
        i = end.max(i + 1);
    }
    names.sort();
    names.dedup();
    names
}

/// A `promql` step's query with `$NAME` / `${NAME}` replaced by the values
/// of `env`. A value with a quote, backtick, backslash or line break is
/// refused whatever its var's `pattern:` allows: it could leave the PromQL
/// string it sits in. Names not in `env` stay as written.
pub fn expand_query(query: &str, env: &[(String, String)]) -> Result<String, String> {
    for name in referenced(query) {
        if let Some((_, v)) = env.iter().find(|(k, _)| *k == name) {
            if v.contains(['"', '\'', '`', '\\', '\n', '\r']) {
                return Err(format!("${name} has a quote, backslash or line break, which may not go into a query: {v:?}"));
            }
        }
    }
    let value = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, used) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match value(name).filter(|_| !name.is_empty()) {
            Some(v) => {
                out.push_str(v);
                rest = &after[used..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod expand_tests {
    use super::expand_query;

    #[test]
    fn named_values_replace_their_names_only() {
        let env = vec![
            ("POD".to_string(), "ranker-a".to_string()),
            ("NS".to_string(), "ml".to_string()),
        ];
        assert_eq!(
            expand_query(r#"up{pod="$POD",namespace="${NS}",x="$OTHER"} > $"#, &env).unwrap(),
            r#"up{pod="ranker-a",namespace="ml",x="$OTHER"} > $"#
        );
        let quoted = vec![("POD".to_string(), "a\",x=\"b".to_string())];
        assert!(expand_query(r#"up{pod="$POD"}"#, &quoted)
            .unwrap_err()
            .contains("$POD"));
    }
}

/// Names a command gives a value itself (`out=$(...)`, `for x in`, `read -r x`)
/// or uses with a fallback (`${X:-default}`): not missing when unset.
pub fn self_provided(command: &str) -> Vec<String> {
    let word = r"[A-Za-z_][A-Za-z0-9_]*";
    let patterns = [
        format!(r"(?:^|[\s;&|(`]|\$\()({word})="),
        format!(r"\bfor\s+({word})\s+in\b"),
        format!(r"\bread\s+(?:-r\s+)?({word})"),
        format!(r"\$\{{({word}):?[-=+]"),
    ];
    let mut out: Vec<String> = patterns
        .iter()
        .filter_map(|p| regex::Regex::new(p).ok())
        .flat_map(|re| {
            re.captures_iter(command)
                .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod provided_tests {
    use super::self_provided;

    #[test]
    fn assignments_loops_reads_and_fallbacks() {
        let cmd = r#"PROM="${ONCALL_PROMETHEUS_URL:-$PROMETHEUS_URL}"; out=$(curl "$PROM") || exit 2
for pod in $PODS; do read -r line; echo "$pod $line"; done; x=1 echo "${Y-none}" "$REAL""#;
        assert_eq!(
            self_provided(cmd),
            [
                "ONCALL_PROMETHEUS_URL",
                "PROM",
                "Y",
                "line",
                "out",
                "pod",
                "x"
            ]
        );
    }
}

/// Names the shell itself would expand in a command: unlike
/// [`referenced`], `$x` inside single quotes, after a backslash, in a
/// comment, in a quoted here-doc, in a Go template (`{{range $k, $v :=
/// ...}}`) or in a single-quoted `awk`/`jq` program (`'{ print $2 }'`)
/// is not a shell variable (a double-quoted one the shell does expand). For
/// `oncall check`, which must not warn about those.
pub fn expanded(command: &str) -> Vec<String> {
    referenced(&shell_visible(command))
}

/// The command with everything the shell does not expand blanked out.
fn shell_visible(command: &str) -> String {
    let template = regex::Regex::new(r"\{\{.*?\}\}").expect("valid regex");
    let text = template.replace_all(command, "");
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut double = false;
    let mut word_start = true;
    let mut quoted_heredoc: Option<String> = None;
    while i < chars.len() {
        let (at, c) = chars[i];
        if let Some(end) = &quoted_heredoc {
            // Skip to the delimiter line.
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            if text[at..line_end].trim() == end {
                quoted_heredoc = None;
            }
            while i < chars.len() && chars[i].0 < line_end {
                i += 1;
            }
            i += 1;
            out.push('\n');
            continue;
        }
        match c {
            '\\' => {
                i += 2;
                out.push(' ');
                word_start = false;
                continue;
            }
            '\'' if !double => {
                // A single-quoted string (or an awk/jq program): nothing expands.
                let close = chars[i + 1..].iter().position(|(_, c)| *c == '\'');
                i += close.map_or(chars.len(), |n| n + 2);
                out.push(' ');
                word_start = false;
                continue;
            }
            '"' => double = !double,
            '#' if word_start && !double => {
                while i < chars.len() && chars[i].1 != '\n' {
                    i += 1;
                }
                continue;
            }
            '\n' if !double => {
                let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
                if let Some(word) = quoted_heredoc_word(&text[line_start..at]) {
                    quoted_heredoc = Some(word);
                }
            }
            _ => {}
        }
        word_start = c.is_whitespace() || ";&|(".contains(c);
        out.push(c);
        i += 1;
    }
    out
}

/// The delimiter of a here-doc with a quoted word (`<<'EOF'`) opened on
/// the last line of `text`: its body is not expanded.
fn quoted_heredoc_word(text: &str) -> Option<String> {
    let line = text.rsplit('\n').next().unwrap_or(text);
    let re = regex::Regex::new(r#"<<-?\s*(?:'(\w+)'|"(\w+)"|\\(\w+))"#).expect("valid regex");
    let c = re.captures(line)?;
    c.get(1)
        .or(c.get(2))
        .or(c.get(3))
        .map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod expanded_tests {
    use super::expanded;

    #[test]
    fn only_what_the_shell_expands() {
        let cmd = r#"kubectl get no -o template --template='{{range $k, $v := .x}}{{$k}}{{end}}' -n "$NS"
awk -F"/" "{ print \$2, \$name }" | jq -r --arg x "$ARG" '.[] | $x' # $COMMENT
echo "{{ $GO }}" \$ESCAPED $REAL
cat <<'EOF'
$IN_DOC
EOF
echo $AFTER"#;
        assert_eq!(expanded(cmd), ["AFTER", "ARG", "NS", "REAL"]);
    }
}
