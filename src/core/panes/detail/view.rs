//! One alert in full. The first lines answer the four questions of a good
//! alert (what, how bad, since when, what to check first); everything else
//! (labels, annotations, sources, silences) follows for scrolling.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::core::ack_actions::ack_words;
use crate::core::AckState;
use crate::core::State;
use crate::draw::text::severity_tag;
use crate::draw::text::{seg, segs_width, Doc};
use crate::draw::theme::Theme;
use crate::model::duration::{format_age, format_age_long};
use crate::model::{Alert, AlertState};
use crate::sanitize::width;

/// Lines of "What" (summary and description) shown before `more`.
const WHAT_LINES: usize = 5;
/// Width of the label column: the longest label (" Fingerprint") and a
/// blank before the value.
pub const KEY_W: usize = 13;

fn utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn questions(doc: &mut Doc, state: &State, theme: &Theme, a: &Alert) {
    let sev = a.severity();
    let state_style = match a.state {
        AlertState::Firing => theme.severity(sev),
        AlertState::Pending => theme.pending,
        AlertState::Suppressed => theme.silenced,
        AlertState::Unknown => theme.stale,
    };
    let mut title = vec![
        seg(" ", theme.text),
        seg(severity_tag(sev), theme.severity(sev)),
        seg(" ", theme.text),
        seg(a.alertname().to_string(), theme.title),
    ];
    let word = match state.ack_state(a) {
        AckState::Acked(_) => "acked",
        AckState::Ended(_) => "firing · ack ended",
        AckState::None => a.state_word(),
    };
    let mut tail = vec![seg(" ", theme.text), seg(word, state_style)];
    if state.is_stale(a) {
        tail.push(seg("  STALE: its sources are not answering", theme.stale));
    }
    if let Some((_, since)) = state.unknown.get(&a.fingerprint) {
        let left = chrono::Duration::from_std(state.resolve_grace).unwrap_or_default()
            - (state.now - *since);
        tail.push(seg(
            format!(
                "  gone with a restarted source; resolved if not re-sent in {}",
                format_age_long(left.num_seconds().max(0))
            ),
            theme.stale,
        ));
    }
    // The state word wraps to its own line rather than being cut.
    if segs_width(&title) + segs_width(&tail) < doc.width {
        title.push(seg(" ", theme.text));
        title.extend(tail);
        doc.line(title);
    } else {
        doc.line(title);
        doc.line(tail);
    }
    doc.blank();
    let k = theme.dim.add_modifier(Modifier::BOLD);
    let summary = a.summary();
    // A long "What" is folded to a few lines, so How bad, Since and Check
    // stay on the first screen; Enter shows it whole.
    let mut what = Doc::new(doc.width as u16);
    what.field(
        " What",
        KEY_W,
        k,
        if summary.is_empty() {
            "(no summary annotation)"
        } else {
            summary
        },
        theme.text,
    );
    if let Some(desc) = a
        .annotation("description")
        .filter(|d| !d.is_empty() && *d != summary)
    {
        what.field("", KEY_W, k, desc, theme.text);
    }
    let n = what.lines.len();
    if n > WHAT_LINES && !state.detail_more {
        doc.lines
            .extend(what.lines.into_iter().take(WHAT_LINES - 1));
        doc.line(vec![
            seg(" ".repeat(KEY_W), theme.text),
            seg(
                format!("… {} more lines (Enter shows all)", n - (WHAT_LINES - 1)),
                theme.dim.add_modifier(Modifier::BOLD),
            ),
        ]);
    } else {
        doc.lines.extend(what.lines);
    }
    // Who suppressed it and for how long belongs to "how bad", not only
    // to the section at the end.
    let mut bad = format!("{} · {}", sev.name(), a.state_word());
    let ack = state.ack_state(a);
    if let AckState::Acked(s) = ack {
        bad = format!("{} · {}", sev.name(), ack_words(s, state.now));
        let text = s.ack_text(&state.ack_prefix);
        if !text.is_empty() {
            bad += &format!(" ({text})");
        }
    } else if let AckState::Ended(s) = ack {
        bad += &format!(
            " · ACK ENDED {} ago (was acked by {}): unacknowledged again",
            format_age_long((state.now - s.ends_at).num_seconds()),
            s.created_by
        );
    } else if let Some(s) = state.silences_of(a).next() {
        let left = (s.ends_at - state.now).num_seconds();
        bad += &format!(" by {} ({} left)", s.created_by, format_age_long(left));
    } else if let Some(x) = a
        .inhibited_by
        .iter()
        .find_map(|fp| state.alerts.iter().find(|x| x.fingerprint == fp))
    {
        bad += &format!(" by {}", x.alertname());
    }
    if let Some(v) = a.annotation("value").filter(|v| !v.is_empty()) {
        bad += &format!(" · value {v}");
    }
    doc.field(" How bad", KEY_W, k, &bad, theme.severity(sev));
    if let Some(inc) = state.incident_of(&a.fingerprint) {
        let text = format!("{} {} {}: {}", inc.id, inc.severity, inc.status, inc.title);
        doc.field(" Incident", KEY_W, k, &text, theme.critical);
    }
    if !state.policies.is_empty() {
        let text = crate::core::escalations::escalation_of(state, a)
            .unwrap_or_else(|| "no escalation policy".to_string());
        doc.field(" Escalation", KEY_W, k, &text, theme.text);
    }
    if let Some(f) = state.failed_page_of(a) {
        doc.field(" Paging", KEY_W, k, &f.words(state.now), theme.error_text);
    }
    let since = (state.now - a.starts_at).num_seconds();
    doc.field(
        " Since",
        KEY_W,
        k,
        &format!("{} ({} ago)", utc(a.starts_at), format_age_long(since)),
        theme.text,
    );
    if let Some(rule) = state.rule_for(a) {
        let mut text = rule.expr.clone();
        if rule.for_secs > 0 {
            text += &format!(
                "  for {}",
                crate::model::duration::format_duration(rule.for_secs)
            );
        }
        doc.field(" Rule", KEY_W, k, &text, theme.text);
        doc.field(
            "",
            KEY_W,
            k,
            &format!("group {} · {}", rule.group, rule.file),
            theme.dim,
        );
        // A pending alert: when it fires if the condition holds.
        if a.state == AlertState::Pending && rule.for_secs > 0 {
            let left = rule.for_secs as i64 - since;
            let when = if left > 0 {
                format!("fires in {} if it holds", format_age_long(left))
            } else {
                "fires at the next evaluation".into()
            };
            doc.field("", KEY_W, k, &when, theme.pending);
        }
    } else if let Some(expr) = crate::model::history::generator_expr(&a.generator_url) {
        doc.field(" Rule", KEY_W, k, &expr, theme.text);
        doc.field(
            "",
            KEY_W,
            k,
            "from the generatorURL (no configured Prometheus has the rule)",
            theme.dim,
        );
    }
    let runbook = a.annotation("runbook_url").filter(|u| !u.is_empty());
    match runbook {
        Some(url) => doc.field(" Check", KEY_W, k, &format!("runbook {url}"), theme.key),
        None => doc.field(" Check", KEY_W, k, "no runbook_url annotation", theme.dim),
    }
    if !a.generator_url.is_empty() {
        doc.field(" Graph", KEY_W, k, &a.generator_url, theme.text);
    }
    if runbook.is_some() || !a.generator_url.is_empty() {
        let what = if runbook.is_some() {
            "runbook"
        } else {
            "source"
        };
        doc.field(
            "",
            KEY_W,
            k,
            &format!("y copies the {what} link"),
            theme.dim,
        );
    }
}

/// A titled list of name/value pairs; values wrap under themselves.
fn pairs<'a>(
    doc: &mut Doc,
    theme: &Theme,
    title: &str,
    items: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) {
    doc.blank();
    doc.line(vec![seg(format!(" {title}"), theme.title)]);
    let key_w = items
        .clone()
        .map(|(k, _)| width(k) + 5)
        .max()
        .unwrap_or(0)
        .min(28);
    for (name, value) in items {
        doc.field(&format!("   {name}"), key_w, theme.dim, value, theme.text);
    }
}

fn suppression(doc: &mut Doc, state: &State, theme: &Theme, a: &Alert) {
    if a.silenced_by.is_empty() && a.inhibited_by.is_empty() {
        return;
    }
    doc.blank();
    doc.line(vec![seg(" Suppressed by", theme.title)]);
    for id in &a.silenced_by {
        match state.silences.iter().find(|s| &s.id == id) {
            Some(s) => {
                let left = (s.ends_at - state.now).num_seconds();
                let left = if left > 0 {
                    format!("{} left", format_age_long(left))
                } else {
                    "expired".into()
                };
                let kind = if s.is_ack(&state.ack_prefix) {
                    "ack"
                } else {
                    "silence"
                };
                doc.field(
                    &format!("   {kind}"),
                    12,
                    theme.dim,
                    &format!(
                        "{} by {}, {left} (until {})",
                        s.id,
                        s.created_by,
                        utc(s.ends_at)
                    ),
                    theme.silenced,
                );
                doc.field("", 12, theme.dim, &s.comment, theme.text);
                let matchers: Vec<String> = s.matchers.iter().map(|m| m.to_string()).collect();
                doc.field("", 12, theme.dim, &matchers.join(", "), theme.dim);
            }
            None => doc.field(
                "   silence",
                12,
                theme.dim,
                &format!("{id} (not in the silences list)"),
                theme.silenced,
            ),
        }
    }
    for fp in &a.inhibited_by {
        let by = state.alerts.iter().find(|x| x.fingerprint == fp);
        let text = match by {
            Some(x) => format!(
                "alert {fp} ({} {}, {})",
                severity_tag(x.severity()),
                x.alertname(),
                x.state_word()
            ),
            None => format!("alert {fp}"),
        };
        doc.field("   inhibited", 14, theme.dim, &text, theme.inhibited);
    }
}

/// The detail document, laid out for `width` columns.
pub fn doc(state: &State, theme: &Theme, width: u16) -> Doc {
    let mut doc = Doc::new(width);
    let Some(a) = state.detail_alert() else {
        doc.blank();
        doc.field(
            " ",
            2,
            theme.text,
            "This alert is no longer reported by any source: it was resolved or has expired.",
            theme.ok,
        );
        doc.field(" ", 2, theme.text, "Esc goes back to the list.", theme.dim);
        return doc;
    };
    questions(&mut doc, state, theme, a);
    super::context::prometheus(&mut doc, state, theme, a);
    super::context::nearby(&mut doc, state, theme, a);
    pairs(&mut doc, theme, "Labels", a.labels.iter());
    pairs(&mut doc, theme, "Annotations", a.annotations.iter());
    doc.blank();
    let k = theme.dim.add_modifier(Modifier::BOLD);
    doc.field(" Sources", 13, k, &a.sources.join(", "), theme.text);
    doc.field(" Receivers", 13, k, &a.receivers.join(", "), theme.text);
    let updated = a.updated_at.map(|t| {
        format!(
            "{} ({} ago)",
            utc(t),
            format_age((state.now - t).num_seconds())
        )
    });
    doc.field(
        " Updated",
        13,
        k,
        updated.as_deref().unwrap_or("—"),
        theme.dim,
    );
    doc.field(" Fingerprint", 13, k, &a.fingerprint, theme.dim);
    suppression(&mut doc, state, theme, a);
    doc
}

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let scroll = if state.detail_alert().is_some() {
        state.scroll
    } else {
        0
    };
    doc(state, theme, area.width).render(buf, area, scroll);
}
