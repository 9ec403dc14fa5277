//! The silence form, drawn over the body: one line per matcher (kept or
//! dropped), the end, comment, author, clusters, the submit line, and the
//! alerts the matchers select right now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Clear, Widget};

use crate::core::panes::silence_form::{Field, SilenceForm};
use crate::core::State;
use crate::draw::text::{fill_row, put_segs, seg, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::{format_age, parse_until};
use crate::sanitize::{fit, width};

const LABEL_W: usize = 11;

/// The hint line: what the keys do in the form's current mode.
fn hint(form: &SilenceForm) -> &'static str {
    if form.editing.is_some() {
        "typing · Enter keeps · Esc undoes · Ctrl-u clears"
    } else {
        "↑↓ move · Space keep/drop · o operator · d delete · Enter edit/submit · Esc close"
    }
}

/// The text of a field, or the edit buffer with a cursor when it is being edited.
fn value(form: &SilenceForm, field: Field, text: &str, theme: &Theme) -> Vec<Seg> {
    if form.focused() == field {
        if let Some(edit) = &form.editing {
            return vec![
                seg(edit.clone(), theme.input),
                seg(" ", theme.input.add_modifier(Modifier::REVERSED)),
            ];
        }
    }
    vec![seg(text.to_string(), theme.text)]
}

fn line(label: &str, label_style: Style, rest: Vec<Seg>, theme: &Theme) -> Vec<Seg> {
    let mut segs = vec![seg(format!("  {label:<w$}", w = LABEL_W), label_style)];
    segs.extend(rest);
    let _ = theme;
    segs
}

/// The form's lines, with the index of the focused one.
fn lines(state: &State, form: &SilenceForm, theme: &Theme) -> (Vec<Vec<Seg>>, usize) {
    let mut out: Vec<Vec<Seg>> = Vec::new();
    let mut focus_line = 0;
    let title = match &form.id {
        Some(id) => format!(" Edit silence {}", id.chars().take(8).collect::<String>()),
        None => " New silence".into(),
    };
    out.push(vec![seg(title, theme.title)]);
    out.push(vec![seg(format!(" {}", hint(form)), theme.dim)]);
    for field in form.fields() {
        if form.focused() == field {
            focus_line = out.len();
        }
        let segs = match field {
            Field::Matcher(i) => {
                let m = &form.matchers[i];
                let (mark, style) = if m.keep {
                    ("[x] ", theme.text)
                } else {
                    ("[ ] ", theme.dim.add_modifier(Modifier::CROSSED_OUT))
                };
                let label = if i == 0 { "Matchers" } else { "" };
                let mut rest = vec![seg(mark, theme.key)];
                let mut v = value(form, field, &m.matcher.to_string(), theme);
                if form.editing.is_none() || form.focused() != field {
                    v[0].1 = style;
                }
                rest.extend(v);
                line(label, theme.dim, rest, theme)
            }
            Field::AddMatcher => {
                let label = if form.matchers.is_empty() {
                    "Matchers"
                } else {
                    ""
                };
                let text = if form.focused() == field && form.editing.is_some() {
                    value(form, field, "", theme)
                } else {
                    vec![seg("+ add a matcher (name=value)", theme.dim)]
                };
                line(label, theme.dim, text, theme)
            }
            Field::Until => {
                let mut rest = value(form, field, &form.until, theme);
                let text = form
                    .editing
                    .as_deref()
                    .filter(|_| form.focused() == field)
                    .unwrap_or(&form.until);
                match parse_until(text, state.now) {
                    Ok(end) => rest.push(seg(
                        format!(
                            "   ends {} (in {})",
                            end.format("%Y-%m-%d %H:%M UTC"),
                            format_age((end - state.now).num_seconds())
                        ),
                        theme.dim,
                    )),
                    Err(_) => rest.push(seg(
                        "   30m, 2h, 1d, or 18:00 / 2026-11-22 18:00 (UTC)",
                        theme.error_text,
                    )),
                }
                line("Ends", theme.dim, rest, theme)
            }
            Field::Comment => {
                let mut rest = value(form, field, &form.comment, theme);
                if form.comment.is_empty() && form.editing.is_none() {
                    let why = if form.require_comment {
                        "(required: why?)"
                    } else {
                        "(optional)"
                    };
                    rest = vec![seg(why, theme.dim)];
                }
                line("Comment", theme.dim, rest, theme)
            }
            Field::Author => line(
                "Author",
                theme.dim,
                value(form, field, &form.author, theme),
                theme,
            ),
            Field::Cluster(i) => {
                let (name, on) = &form.clusters[i];
                let label = if i == 0 { "Write to" } else { "" };
                let mark = if *on { "[x] " } else { "[ ] " };
                line(
                    label,
                    theme.dim,
                    vec![seg(mark, theme.key), seg(name.clone(), theme.text)],
                    theme,
                )
            }
            Field::Submit => {
                let text = if form.submitting {
                    "  [ sending… ]"
                } else if form.id.is_some() {
                    "  [ Update silence ]"
                } else {
                    "  [ Create silence ]"
                };
                vec![seg(text, theme.title.add_modifier(Modifier::BOLD))]
            }
        };
        out.push(segs);
    }
    if let Some(e) = &form.error {
        for (k, l) in e.lines().enumerate() {
            let mark = if k == 0 { "✗" } else { " " };
            out.push(vec![seg(format!("  {mark} {l}"), theme.error_text)]);
        }
    }
    out.push(vec![]);
    let n = form.matched.len();
    let noun = if n == 1 { "alert" } else { "alerts" };
    out.push(vec![seg(
        format!(
            " Selects {n} current {noun}{}",
            if n > 0 { ":" } else { "" }
        ),
        if n == 0 { theme.warning } else { theme.title },
    )]);
    for &i in &form.matched {
        let Some(a) = state.alerts.get(i) else {
            continue;
        };
        // Alerts the form was not opened for are marked, whatever the width.
        let (mark, mark_style) = if form.besides.contains(&i) {
            (" + ", theme.warning)
        } else {
            ("   ", theme.text)
        };
        out.push(vec![
            seg(mark, mark_style),
            seg(
                a.alertname().to_string(),
                theme.text.add_modifier(Modifier::BOLD),
            ),
            seg("  ", theme.text),
            seg(a.summary().to_string(), theme.dim),
        ]);
    }
    (out, focus_line)
}

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(form) = &state.form else { return };
    if area.width == 0 || area.height == 0 {
        return;
    }
    Clear.render(area, buf);
    buf.set_style(area, theme.text);
    let (lines, focus) = lines(state, form, theme);
    let h = area.height as usize;
    // Keep the focused line on screen; the preview scrolls off first.
    let first = focus.saturating_sub(h.saturating_sub(2));
    let w = area.width as usize;
    for (k, segs) in lines.iter().enumerate().skip(first).take(h) {
        let y = area.y + (k - first) as u16;
        let used: usize = segs.iter().map(|s| width(&s.0)).sum();
        let mut segs: Vec<Seg> = if used > w {
            segs.iter().map(|(t, s)| (fit(t, w), *s)).collect()
        } else {
            segs.clone()
        };
        // The focus is also marked in text, for screens without color.
        if k == focus {
            if let Some(first) = segs.first_mut().filter(|s| s.0.starts_with(' ')) {
                first.0.replace_range(0..1, "›");
            }
        }
        put_segs(buf, area, y, &segs);
        if k == focus && form.editing.is_none() {
            fill_row(buf, area, y, theme.selected);
        }
    }
}
