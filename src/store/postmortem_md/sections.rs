//! The generated sections of a postmortem draft: facts from the journal,
//! then a question in italics for the review, worded about systems and
//! conditions rather than people.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{code, one, quote, since, table_time};
use crate::model::{short_duration, Event, EventKind, Incident, Labels, Milestone, Status};

/// Labels that say where the trouble was, in the order the impact lists them.
const SCOPE_LABELS: [&str; 5] = ["cluster", "namespace", "service", "job", "instance"];

/// T+ counts from here.
pub(super) fn impact_start(inc: &Incident) -> DateTime<Utc> {
    inc.milestone(Milestone::ImpactStarted)
        .unwrap_or_else(|| inc.started())
}

/// `2026-11-22 02:07:00 UTC (T+15m)`
pub(super) fn when(inc: &Incident, t: DateTime<Utc>) -> String {
    format!("{} UTC ({})", table_time(t), since(impact_start(inc), t))
}

/// The events by time; the journal's order breaks ties.
pub(super) fn by_time(inc: &Incident) -> Vec<&Event> {
    let mut events: Vec<&Event> = inc.events.iter().collect();
    events.sort_by_key(|e| e.time);
    events
}

fn declarer(inc: &Incident) -> Option<&str> {
    inc.events
        .first()
        .filter(|e| e.kind == EventKind::Declared)
        .map(|e| e.actor.as_str())
}

fn count(n: usize, one_word: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one_word}"),
        _ => format!("{n} {many}"),
    }
}

/// `key="value"` as Alertmanager writes a matcher.
fn matcher(key: &str, value: &str) -> String {
    let v = value.replace('\\', "\\\\").replace('"', "\\\"");
    code(&format!("{key}=\"{v}\""))
}

fn alertname(fp: &str, labels: &Labels) -> String {
    code(labels.get("alertname").unwrap_or(fp))
}

pub fn summary(inc: &Incident, now: DateTime<Utc>) -> String {
    let start = impact_start(inc);
    let mut facts = vec![format!(
        "**{}**, status **{}**.",
        inc.severity,
        inc.status.word()
    )];
    if let Some(d) = inc.milestone(Milestone::Declared) {
        let by = declarer(inc).map_or(String::new(), |a| format!(" by {}", one(a)));
        facts.push(format!("Declared {} UTC{by}.", table_time(d)));
    }
    facts.push(match inc.milestone(Milestone::Resolved) {
        Some(r) => format!(
            "Impact started {} UTC; the incident was resolved {} later, at {} UTC.",
            table_time(start),
            short_duration(r - start),
            table_time(r)
        ),
        None => format!(
            "Impact started {} UTC; the incident was still {} when this draft was generated, at {}.",
            table_time(start),
            inc.status.word(),
            when(inc, now)
        ),
    });
    let mut who = format!(
        "{} linked; {} acted on it.",
        count(inc.alerts.len(), "alert", "alerts"),
        count(inc.responders.len(), "person", "people")
    );
    who[..1].make_ascii_uppercase();
    facts.push(who);
    format!(
        "{}\n\n_In a few sentences, for a reader who was not there: what happened, what it \
         affected, and how service was restored._",
        facts.join(" ")
    )
}

pub fn impact(inc: &Incident) -> String {
    let start = impact_start(inc);
    let window = match inc.milestone(Milestone::Mitigated) {
        Some(end) => format!(
            "Impact window: {} → {} UTC, mitigated after {}.",
            table_time(start),
            table_time(end),
            short_duration(end - start)
        ),
        None => format!(
            "Impact window: from {} UTC; not mitigated when this draft was generated.",
            table_time(start)
        ),
    };
    let mut scope = Vec::new();
    for key in SCOPE_LABELS {
        let values: BTreeSet<&str> = inc.alerts.iter().filter_map(|(_, l)| l.get(key)).collect();
        scope.extend(values.into_iter().map(|v| matcher(key, v)));
    }
    let mut out = match reported_impact(inc) {
        Some((at, by, text)) => format!(
            "As last reported (status update {} UTC by {}): {}\n\n{window}",
            table_time(at),
            one(by),
            one(text)
        ),
        None => window,
    };
    if !scope.is_empty() {
        out += &format!(
            "\n\nWhere, as the linked alerts' labels name it: {}.",
            scope.join(", ")
        );
    }
    out + "\n\n_Who and what was affected, and how badly? Failed or slow requests, delayed \
           data, users or customers who noticed, error budget spent._"
}

/// The `Impact:` line of the latest status update that has one: its
/// time, author and text.
fn reported_impact(inc: &Incident) -> Option<(DateTime<Utc>, &str, &str)> {
    by_time(inc)
        .into_iter()
        .rev()
        .filter(|e| e.kind == EventKind::StatusUpdate)
        .find_map(|e| {
            let line = e
                .text
                .lines()
                .find_map(|l| l.trim().strip_prefix("Impact:"))?;
            let text = line.trim();
            (!text.is_empty()).then_some((e.time, e.actor.as_str(), text))
        })
}

pub fn detection(inc: &Incident) -> String {
    let mut out = match inc.milestone(Milestone::Detected) {
        Some(d) => {
            let hand = if inc.milestone_by_hand(Milestone::Detected) {
                " (set by hand)"
            } else {
                ""
            };
            format!("Detected {}{hand}.", when(inc, d))
        }
        None => "The detection time is not known.".into(),
    };
    if inc.alerts.is_empty() {
        let by = declarer(inc).map_or(String::new(), |a| format!(" by {}", one(a)));
        out += &format!(" No alert was linked; the incident was declared by hand{by}.");
    } else {
        out += " Linked alerts:\n";
        for (fp, labels) in &inc.alerts {
            let since = first_seen(inc, fp).map_or(String::new(), |t| {
                format!(", firing since {}", when(inc, t))
            });
            let rest: Vec<String> = labels
                .iter()
                .filter(|(k, _)| *k != "alertname")
                .map(|(k, v)| matcher(k, v))
                .collect();
            out += &format!("\n- {}{since}: {}", alertname(fp, labels), rest.join(" "));
        }
    }
    out + "\n\n_Did the alerts point at the problem? What would have shown it sooner, or \
           more clearly? Was anything seen by people before an alert fired?_"
}

/// The `startsAt` recorded when the alert was linked.
fn first_seen(inc: &Incident, fp: &str) -> Option<DateTime<Utc>> {
    inc.events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Declared | EventKind::AlertLinked))
        .filter(|e| e.data.fingerprint.as_deref() == Some(fp))
        .find_map(|e| e.data.starts_at)
}

pub fn resolution(inc: &Incident) -> String {
    let mut out = String::new();
    let mitigated = inc.milestone(Milestone::Mitigated);
    let resolved = inc.milestone(Milestone::Resolved);
    if let Some(m) = mitigated.filter(|m| Some(*m) != resolved) {
        out += &format!("Mitigated {}.\n\n", when(inc, m));
    }
    match resolved {
        Some(r) if inc.status == Status::Resolved => {
            let by = inc
                .events
                .iter()
                .rev()
                .find(|e| e.kind == EventKind::Status && e.data.status == Some(Status::Resolved))
                .map_or(String::new(), |e| format!(" by {}", one(&e.actor)));
            match &inc.resolution {
                Some(text) => {
                    out += &format!("Resolved {}{by}:\n\n{}", when(inc, r), quote(text));
                }
                None => {
                    out += &format!(
                        "Resolved {}{by}; no resolution note was recorded.",
                        when(inc, r)
                    );
                }
            }
        }
        _ => {
            out += &format!(
                "Not resolved when this draft was generated (status: {}).",
                inc.status.word()
            );
        }
    }
    out + "\n\n_What restored service? Which of those measures are temporary and need a \
           follow-up?_"
}

pub fn responders(inc: &Incident) -> String {
    if inc.responders.is_empty() {
        return "_No one has acted on this incident yet._".into();
    }
    let lines: Vec<String> = inc
        .responders
        .iter()
        .map(|who| {
            let mine: Vec<&Event> = by_time(inc)
                .into_iter()
                .filter(|e| &e.actor == who)
                .collect();
            let first = mine.first().map_or(String::new(), |e| {
                format!(", first acted {}", when(inc, e.time))
            });
            let n = count(mine.len(), "timeline entry", "timeline entries");
            format!("- {}{first}, {n}", one(who))
        })
        .collect();
    lines.join("\n")
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`'))
}

/// Links an alert carries: URL-valued labels, annotations and the
/// generator URL recorded with its events, by name.
fn links(inc: &Incident, fp: &str, labels: &Labels) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut add = |k: &str, v: &str| {
        if is_url(v) {
            out.insert((k.to_string(), v.to_string()));
        }
    };
    for (k, v) in labels {
        add(k, v);
    }
    for e in inc
        .events
        .iter()
        .filter(|e| e.data.fingerprint.as_deref() == Some(fp))
    {
        for key in ["generator_url", "generatorURL"] {
            if let Some(Value::String(u)) = e.data.extra.get(key) {
                add("generatorURL", u);
            }
        }
        if let Some(Value::Object(annotations)) = e.data.extra.get("annotations") {
            for (k, v) in annotations {
                if let Value::String(u) = v {
                    add(k, u);
                }
            }
        }
    }
    out
}

pub fn supporting(inc: &Incident) -> String {
    let mut out = String::new();
    for (fp, labels) in &inc.alerts {
        out += &format!("- {} (fingerprint {})\n", alertname(fp, labels), code(fp));
        let all: Vec<String> = labels.iter().map(|(k, v)| matcher(k, v)).collect();
        out += &format!("  - labels: {}\n", all.join(" "));
        for (name, url) in links(inc, fp, labels) {
            out += &format!("  - {}: <{url}>\n", code(&name));
        }
    }
    if out.is_empty() {
        out += "_No alerts were linked to this incident._\n";
    }
    out + "\n_Add the dashboards, graphs, log queries and chat threads that let a reader check \
           the timeline._"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_web_links_are_links() {
        assert!(is_url("https://runbooks.example/a?b=c"));
        assert!(!is_url("javascript:alert(1)"));
        assert!(!is_url("https://x/<script>"));
        assert!(!is_url("https://x/a b"));
    }
}
