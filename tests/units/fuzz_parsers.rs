//! The parsers that read the outside world, fuzzed as properties (the CI
//! equivalent of `fuzz/`, bounded by case count): the matcher parser,
//! Markdown and YAML runbook loading, the config and theme loaders, and
//! alert JSON decoding. Inputs are made of the grammar's own pieces mixed
//! with any character, so they reach deep into each parser. None may
//! panic; what parses must mean what it says (matchers print and parse
//! back the same). `PROPTEST_CASES=N` runs longer.

use crate::common;

use std::path::Path;

use common::proptest_cases as cases;
use oncall::model::matcher::{format_matchers, parse_matchers, parse_terms};
use oncall::model::Labels;
use oncall::source::dto::{AmAlert, AmSilence, PromAlerts, PromResponse, PromRules};
use oncall::source::http::decode;
use proptest::prelude::*;

/// Strings made of `pieces` and any char, `len` pieces long.
fn made_of(pieces: &'static [&'static str], len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(pieces).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ],
        0..len,
    )
    .prop_map(|v| v.concat())
}

/// Lines made of `pieces`, joined by newlines (for line-based formats).
fn lines_of(pieces: &'static [&'static str], len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(made_of(pieces, 4), 0..len).prop_map(|v| v.join("\n"))
}

const MATCHER: &[&str] = &[
    "alertname",
    "severity",
    "a",
    "_x",
    "é",
    "=",
    "!=",
    "=~",
    "!~",
    "\"",
    "\\",
    "\\\"",
    ",",
    "{",
    "}",
    " ",
    ".*",
    "(",
    ")",
    "[",
    "|",
    "crit",
    "\n",
    "'",
    "`",
];

const MARKDOWN: &[&str] = &[
    "---",
    "alerts: [A, b]",
    "vars:",
    "  POD: {label: pod, pattern: '^[a-z]+$'}",
    "title: x",
    "# ",
    "## ",
    "Meaning",
    "Diagnosis",
    "Mitigation",
    "```",
    "```sh",
    "```bash {name=fix confirm=true}",
    "```console",
    "```promql",
    "~~~",
    "$ ",
    "kubectl get pods",
    "{{range .items}}{{.x}}{{end}}",
    "> ",
    "echo $POD",
    "    ",
    "\t",
    "{",
    "}",
    "=",
    "text",
    "<!-- -->",
];

const YAML_RUNBOOK: &[&str] = &[
    "id: x",
    "title: t",
    "alerts: [A]",
    "vars:",
    "  X: {label: x}",
    "steps:",
    "  - step_id: a",
    "  - step_id: b",
    "    action: echo hi",
    "    automation_script: echo $X",
    "    query: up",
    "    confirm: true",
    "    timeout: 5s",
    "    timeout: -1",
    "    capture: {X: '(\\w+)'}",
    "    capture: {X: '(('}",
    "    next:",
    "      - {when: 'X == \"v\"', goto: b}",
    "      - {when: '!(', goto: a}",
    "      - {label: L, goto: end}",
    "      - {goto: nowhere}",
    "- ",
    ": ",
    "{",
    "[",
    "&a",
    "*a",
    "!!binary",
    "~",
    "'",
    "\"",
];

const CONFIG: &[&str] = &[
    "refresh: 15s", "refresh: 0s", "timeout: 1e99h", "stale_after: -5m", "author: a",
    "alertmanagers:", "  - {name: a, url: 'http://127.0.0.1:1', cluster: eu}",
    "  - {name: b, url: x, bearer_token_env: T, bearer_token_file: /f}", "prometheus:",
    "  - {name: p, url: 'http://p:9090'}", "ack: {duration: 15m}", "theme: nope", "escalation:",
    "  - {name: e, match: 'a=\"b\"', levels: [{after: 5m, targets: [s], notify: [n]}], repeat: 99999}",
    "  - {name: e, match: '{', levels: []}", "schedules:",
    "  - {name: s, time_zone: Mars/Base, turn: 0s, start: '2026-13-40T99:00:00', users: []}",
    "  - {name: s, time_zone: UTC, turn: 1w, start: '2026-11-02T09:00:00', users: [a]}",
    "notifiers:", "  - {name: n, type: webhook, url_env: U}", "  - {name: n, type: command}",
    "time_intervals:", "  - name: b", "    time_intervals:",
    "      - {times: [{start_time: '25:00', end_time: '09:00'}], weekdays: ['sunday:monday']}",
    "      - {days_of_month: ['-1:-40'], months: ['13'], years: ['0:99999']}", "keys:",
    "  refresh: f5", "  quit: ctrl-", "incidents: {severity_map: {critical: SEV9}}", "unknown: 1",
    "- ", ": ", "{", "[", "&a", "*a", "<<: *a", "'", "\"",
];

const THEME: &[&str] = &[
    "inherits: dark",
    "inherits: nope",
    "name: t",
    "critical: {fg: red, bg: black}",
    "warning: {fg: '#ff00ff', modifiers: [bold, reversed]}",
    "text: {fg: '#zz'}",
    "selected: {bg: 300}",
    "info: {modifiers: [blink]}",
    "stale: {fg: rgb(1,2)}",
    "- ",
    ": ",
    "{",
    "'",
    "\"",
];

const ALERT_KEYS: &[&str] = &[
    "fingerprint",
    "labels",
    "annotations",
    "startsAt",
    "endsAt",
    "updatedAt",
    "generatorURL",
    "receivers",
    "name",
    "status",
    "state",
    "silencedBy",
    "inhibitedBy",
    "id",
    "matchers",
    "value",
    "isRegex",
    "isEqual",
    "createdBy",
    "comment",
    "data",
    "alerts",
    "groups",
    "rules",
    "activeAt",
    "health",
    "type",
    "query",
    "duration",
];

/// JSON trees using the API's own keys and plausible scalars (dates, nulls).
fn alert_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "2026-11-22T02:00:00Z",
            "2026-11-22T02:00:00.123456789+01:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "not a date",
            "active",
            "suppressed",
            "firing",
            "pending",
            "",
        ])
        .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(prop::sample::select(ALERT_KEYS), inner, 0..8).prop_map(
                |m| serde_json::Value::Object(
                    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )
            ),
        ]
    })
}

fn temp_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn matchers_parse_without_panic_and_print_back_the_same(input in made_of(MATCHER, 24)) {
        let _ = parse_terms(&input);
        if let Ok(ms) = parse_matchers(&input) {
            let printed = format_matchers(&ms);
            let again = parse_matchers(&printed);
            prop_assert_eq!(again.as_ref(), Ok(&ms), "{:?} printed as {:?}", input, printed);
            let labels = Labels::from([("alertname".into(), input.as_str().into())]);
            for m in &ms {
                let _ = m.matches(&labels);
            }
        }
    }

    #[test]
    fn alert_json_decodes_or_says_why(v in alert_json(), cut in any::<prop::sample::Index>()) {
        let body = serde_json::to_vec(&serde_json::Value::Array(vec![v.clone()])).unwrap();
        for bytes in [&body[..], &body[..cut.index(body.len() + 1)]] {
            if let Ok(alerts) = decode::<Vec<AmAlert>>(bytes) {
                for a in alerts {
                    let _ = oncall::source::alertmanager::alert(a, "am");
                }
            }
            let _ = decode::<Vec<AmSilence>>(bytes);
            let _ = decode::<PromResponse<PromAlerts>>(bytes);
            let _ = decode::<PromResponse<PromRules>>(bytes);
        }
        if let Ok(s) = decode::<Vec<AmSilence>>(&body) {
            for s in s {
                let _ = oncall::source::alertmanager::silence(s, "am");
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn runbooks_load_without_panic(md in lines_of(MARKDOWN, 24), yaml in lines_of(YAML_RUNBOOK, 24)) {
        let dir = common::temp_dir("fuzz-rb");
        let _ = oncall::runbook::load::load_file(&temp_file(&dir, "r.md", &md));
        let _ = oncall::runbook::load::load_file(&temp_file(&dir, "r.yaml", &yaml));
        let _ = oncall::runbook::load::load_dirs(std::slice::from_ref(&dir));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn config_and_themes_load_without_panic(config in lines_of(CONFIG, 16), theme in lines_of(THEME, 10)) {
        let _ = oncall::config::parse(&config, Path::new("config.yaml"));
        let dir = common::temp_dir("fuzz-theme");
        let path = temp_file(&dir, "t.yaml", &theme);
        let spec = path.to_string_lossy().into_owned();
        let _ = oncall::draw::theme::check_theme(&spec, None);
        let (_, warning) = oncall::draw::theme::load_theme(Some(&spec), None, false);
        prop_assert_eq!(warning.is_none(), oncall::draw::theme::check_theme(&spec, None).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
