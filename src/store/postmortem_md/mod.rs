//! Renders a blameless postmortem draft from an incident: pure, no I/O.
//!
//! A template is Markdown with `{{placeholders}}`. A comment that opens the
//! template (`<!-- ... -->`) documents it and is not copied into the draft.
//! Every value is inserted once and never scanned again, so text from alerts
//! or notes that happens to contain braces stays as it is. Names oncall does
//! not know are left as written and reported in [`Rendered::unknown_placeholders`].
//!
//! Placeholders:
//! - `{{id}}`, `{{title}}`, `{{severity}}`, `{{status}}` (the incident's
//!   status now), `{{generated}}` (RFC3339 UTC of `now`)
//! - `{{front_matter}}`: the YAML block with id, title, severity, `status:
//!   draft`, incident_status, generated, every milestone (RFC3339 UTC or
//!   empty), every metric (human and in seconds), alerts and responders
//! - sections: `{{summary}}`, `{{metrics_table}}`, `{{impact}}`,
//!   `{{detection}}`, `{{resolution}}`, `{{responders}}`,
//!   `{{timeline_table}}`, `{{runbook_table}}`, `{{supporting}}`,
//!   `{{event_log}}`
//! - `{{milestone.NAME}}` for NAME in impact_started, detected,
//!   acknowledged, declared, mitigated, resolved (RFC3339 UTC or empty)
//! - `{{metric.NAME}}` for NAME in time_to_detect, time_to_acknowledge,
//!   time_to_mitigate, time_to_resolve (`4m05s` or empty)
//!
//! Every outside string passes `crate::sanitize` (no control characters);
//! table cells escape `|` and show line breaks as `<br>`; front-matter
//! strings are double-quoted YAML.

mod runbook_rows;
mod sections;
mod tables;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::model::{short_duration, Incident, Metrics, Milestone};
use crate::sanitize;

/// The template used when the config names none.
pub const DEFAULT_TEMPLATE: &str = include_str!("postmortem_template.md");

/// The placeholder names [`render`] fills.
pub fn placeholder_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "id",
        "title",
        "severity",
        "status",
        "generated",
        "front_matter",
        "summary",
        "metrics_table",
        "impact",
        "detection",
        "resolution",
        "responders",
        "timeline_table",
        "runbook_table",
        "supporting",
        "event_log",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    names.extend(
        Milestone::ALL
            .iter()
            .map(|m| format!("milestone.{}", m.word())),
    );
    names.extend(METRICS.iter().map(|(n, _)| format!("metric.{n}")));
    names
}

/// A filled template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// Names (without braces, sorted, once each) left as written.
    pub unknown_placeholders: Vec<String>,
}

/// Fills the template's `{{placeholders}}` from the incident. `now` is the
/// generation time. The same incident, template and `now` give the same text.
pub fn render(incident: &Incident, template: &str, now: DateTime<Utc>) -> Rendered {
    let values = values(incident, now);
    fill(drop_leading_comment(template), &values)
}

/// The value of every known placeholder.
fn values(incident: &Incident, now: DateTime<Utc>) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let mut put = |k: &str, s: String| {
        v.insert(k.to_string(), s);
    };
    put("id", one(&incident.id));
    put("title", one(&incident.title));
    put("severity", incident.severity.to_string());
    put("status", incident.status.word().to_string());
    put("generated", rfc3339(now));
    put("front_matter", front_matter(incident, now));
    put("summary", sections::summary(incident, now));
    put("metrics_table", tables::metrics_table(incident));
    put("impact", sections::impact(incident));
    put("detection", sections::detection(incident));
    put("resolution", sections::resolution(incident));
    put("responders", sections::responders(incident));
    put("timeline_table", tables::timeline_table(incident));
    put("runbook_table", runbook_rows::runbook_table(incident));
    put("supporting", sections::supporting(incident));
    put("event_log", tables::event_log(incident));
    for m in Milestone::ALL {
        let at = incident.milestone(m).map(rfc3339).unwrap_or_default();
        put(&format!("milestone.{}", m.word()), at);
    }
    let metrics = incident.metrics();
    for (name, get) in METRICS {
        let d = get(&metrics).map(short_duration).unwrap_or_default();
        put(&format!("metric.{name}"), d);
    }
    v
}

type MetricGet = fn(&Metrics) -> Option<Duration>;

/// The metrics in the order documents show them.
pub(crate) const METRICS: [(&str, MetricGet); 4] = [
    ("time_to_detect", |m| m.time_to_detect),
    ("time_to_acknowledge", |m| m.time_to_acknowledge),
    ("time_to_mitigate", |m| m.time_to_mitigate),
    ("time_to_resolve", |m| m.time_to_resolve),
];

/// Drops a `<!-- ... -->` comment that opens the template, and the line
/// breaks after it.
fn drop_leading_comment(template: &str) -> &str {
    let t = template.trim_start_matches('\u{FEFF}');
    let Some(rest) = t.trim_start().strip_prefix("<!--") else {
        return t;
    };
    match rest.find("-->") {
        Some(end) => rest[end + 3..].trim_start_matches(['\r', '\n']),
        None => t,
    }
}

/// One pass over the template: `{{ name }}` becomes its value; unknown names
/// stay as written. A placeholder does not span lines.
fn fill(template: &str, values: &BTreeMap<String, String>) -> Rendered {
    let mut text = String::with_capacity(template.len() * 2);
    let mut unknown = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").filter(|&c| !after[..c].contains('\n'));
        let Some(close) = close else {
            text.push_str("{{");
            rest = after;
            continue;
        };
        let name = after[..close].trim();
        match values.get(name) {
            Some(value) => text.push_str(value),
            None => {
                text.push_str(&rest[open..open + 2 + close + 2]);
                unknown.insert(name.to_string());
            }
        }
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    Rendered {
        text,
        unknown_placeholders: unknown.into_iter().collect(),
    }
}

fn front_matter(incident: &Incident, now: DateTime<Utc>) -> String {
    let mut out = String::from("---\n");
    out += &format!("id: {}\n", yaml_str(&incident.id));
    out += &format!("title: {}\n", yaml_str(&incident.title));
    out += &format!("severity: {}\n", incident.severity);
    out += "status: draft\n";
    out += &format!("incident_status: {}\n", incident.status.word());
    out += &format!("generated: {}\n", rfc3339(now));
    out += "milestones:\n";
    for m in Milestone::ALL {
        out += &yaml_field(m.word(), incident.milestone(m).map(rfc3339));
    }
    out += "metrics:\n";
    let metrics = incident.metrics();
    for (name, get) in METRICS {
        let d = get(&metrics);
        out += &yaml_field(name, d.map(short_duration));
        let secs = d.map(|d| d.num_seconds().to_string());
        out += &yaml_field(&format!("{name}_seconds"), secs);
    }
    let alertnames: BTreeSet<&str> = incident
        .alerts
        .iter()
        .filter_map(|(_, labels)| labels.get("alertname"))
        .collect();
    out += &yaml_list("alerts", alertnames.into_iter());
    out += &yaml_list("responders", incident.responders.iter().map(String::as_str));
    out += "---";
    out
}

fn yaml_field(key: &str, value: Option<String>) -> String {
    match value {
        Some(v) => format!("  {key}: {v}\n"),
        None => format!("  {key}:\n"),
    }
}

fn yaml_list<'a>(key: &str, items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(|i| format!("  - {}\n", yaml_str(i))).collect();
    if items.is_empty() {
        format!("{key}: []\n")
    } else {
        format!("{key}:\n{}", items.concat())
    }
}

/// A double-quoted YAML scalar (JSON string syntax is valid YAML) of the
/// sanitized one-line text.
pub(crate) fn yaml_str(s: &str) -> String {
    serde_json::to_string(&one(s)).unwrap_or_else(|_| "\"\"".into())
}

/// RFC3339 UTC to the second: `2026-11-22T02:07:00Z`.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Table time: `2026-11-22 02:07:00` (the column says UTC).
pub(crate) fn table_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `T+12m`, `T+4m05s`, `T-3m`: time since `start`, trailing zero units dropped.
pub(crate) fn since(start: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let d = t - start;
    let (sign, d) = if d < Duration::zero() {
        ("T-", -d)
    } else {
        ("T+", d)
    };
    format!("{sign}{}", compact(d))
}

/// `short_duration` without a trailing zero unit: `12m00s` → `12m`.
pub(crate) fn compact(d: Duration) -> String {
    let s = short_duration(d);
    for zero in ["00s", "00m", "00h"] {
        if let Some(head) = s.strip_suffix(zero) {
            if head.ends_with(|c: char| c.is_ascii_alphabetic()) {
                return head.to_string();
            }
        }
    }
    s
}

/// Sanitized one-line text (line breaks shown as `⏎`).
pub(crate) fn one(s: &str) -> String {
    sanitize::line(s).into_owned()
}

/// A Markdown table cell: sanitized, `|` escaped, line breaks as `<br>`.
pub(crate) fn cell(s: &str) -> String {
    sanitize::lines(s.trim())
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("<br>")
        .replace('|', "\\|")
}

/// An inline code span of sanitized one-line text, fenced with more
/// backticks than it contains. Empty text gives an empty string.
pub(crate) fn code(s: &str) -> String {
    let s = one(s);
    if s.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A code span for a table cell (`|` escaped; GFM unescapes it inside code).
pub(crate) fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// Multi-line text as a Markdown block quote.
pub(crate) fn quote(s: &str) -> String {
    sanitize::lines(s.trim())
        .iter()
        .map(|l| format!("> {}", l.trim_end()).trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_once_and_reports_unknown_names() {
        let v = vals(&[("id", "INC-1"), ("title", "{{id}} stays")]);
        let r = fill(
            "# {{id}}: {{ title }} {{nope}} {{range .x}}{{id}} {{ {{\n}}",
            &v,
        );
        assert_eq!(
            r.text,
            "# INC-1: {{id}} stays {{nope}} {{range .x}}INC-1 {{ {{\n}}"
        );
        assert_eq!(r.unknown_placeholders, ["nope", "range .x"]);
    }

    #[test]
    fn the_opening_comment_is_dropped() {
        assert_eq!(drop_leading_comment("<!-- {{x}} -->\n\n---\nid"), "---\nid");
        assert_eq!(drop_leading_comment("text <!-- c -->"), "text <!-- c -->");
        assert_eq!(drop_leading_comment("<!-- unclosed"), "<!-- unclosed");
    }

    #[test]
    fn escaping() {
        assert_eq!(cell("a | b\nc\u{1b}[2J"), "a \\| b<br>c");
        assert_eq!(code("kubectl get"), "`kubectl get`");
        assert_eq!(code("echo `x`"), "`` echo `x` ``");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        assert_eq!(yaml_str("say \"hi\"\n\u{7}"), "\"say \\\"hi\\\"⏎\"");
        assert_eq!(quote("one\n\ntwo"), "> one\n>\n> two");
    }

    #[test]
    fn relative_times_drop_zero_units() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-22T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(since(t0, t0 + Duration::minutes(12)), "T+12m");
        assert_eq!(since(t0, t0 + Duration::seconds(245)), "T+4m05s");
        assert_eq!(since(t0, t0 + Duration::hours(1)), "T+1h");
        assert_eq!(since(t0, t0 - Duration::minutes(3)), "T-3m");
        assert_eq!(since(t0, t0), "T+0s");
    }

    #[test]
    fn the_default_template_documents_every_placeholder() {
        let comment = &DEFAULT_TEMPLATE[..DEFAULT_TEMPLATE.find("-->").unwrap()];
        for name in placeholder_names() {
            let documented = match name.split_once('.') {
                Some((head, tail)) => {
                    comment.contains(&format!("{{{{{head}.NAME}}}}")) && comment.contains(tail)
                }
                None => comment.contains(&format!("{{{{{name}}}}}")),
            };
            assert!(documented, "{name} is not documented in the template");
        }
    }
}
