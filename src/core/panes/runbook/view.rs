//! The runbook stepper pane: the runbook's context, its steps with their
//! status, the shown step in full, and the step's output as it streams.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::core::keymap::Keymap;
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, title_row, wrap_lines, Seg};
use crate::draw::theme::Theme;
use crate::model::runbook::StepKind;
use crate::runbook::stepper::{StepStatus, Stepper};
use crate::sanitize::fit;

pub fn symbol(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Pending => "·",
        StepStatus::Running => "▶",
        StepStatus::Done => "✓",
        StepStatus::Failed => "✗",
        StepStatus::Skipped => "↷",
    }
}

/// Joins the hard-wrapped lines of each paragraph (YAML block scalars,
/// Markdown prose) so the pane wraps them to its own width. Indented lines
/// and list items stay lines of their own: they are examples and tables.
fn reflow(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut joinable = false;
    for line in text.lines() {
        let own = line.starts_with([' ', '\t', '-', '*', '|']);
        if line.trim().is_empty() {
            out.push(String::new());
            joinable = false;
        } else if joinable && !own {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else {
            out.push(line.trim_end().to_string());
            joinable = !own;
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

fn status_style(theme: &Theme, status: StepStatus) -> Style {
    match status {
        StepStatus::Pending => theme.dim,
        StepStatus::Running => theme.warning.add_modifier(Modifier::BOLD),
        StepStatus::Done => theme.ok,
        StepStatus::Failed => theme.error_text,
        StepStatus::Skipped => theme.dim,
    }
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
    if area.width < 2 || area.height == 0 {
        return;
    }
    let Some(s) = &state.rb.stepper else {
        return missing(state, theme, area, buf);
    };
    let (done, all) = s.counts();
    let recorded = state.rb.incident.as_deref().unwrap_or("not recorded");
    let title = format!(
        " Runbook {} · {} · {recorded} · {done}/{all}",
        s.runbook.title, s.alertname
    );
    title_row(
        buf,
        area,
        &fit(&title, area.width as usize),
        "",
        theme.title,
        theme.dim,
    );
    // The keys get a row of their own at the bottom: on the title row they
    // were cut at 80 columns.
    let area = if area.height >= 10 {
        let last = area.bottom() - 1;
        put_segs(
            buf,
            area,
            last,
            &[seg(
                fit(&format!(" {hint}"), area.width as usize),
                theme.dim,
            )],
        );
        Rect::new(area.x, area.y, area.width, area.height - 1)
    } else {
        area
    };
    let w = area.width as usize;
    let mut y = area.y + 1;
    // Context gets fewer lines on a small screen; the steps matter more.
    let per = if area.height >= 30 {
        3
    } else if area.height >= 18 {
        1
    } else {
        0
    };
    for heading in ["Meaning", "Impact"] {
        let Some(text) = s.runbook.context_text(heading) else {
            continue;
        };
        for (k, l) in wrap_lines(&reflow(text), w.saturating_sub(10))
            .iter()
            .take(per)
            .enumerate()
        {
            let head = if k == 0 {
                format!(" {heading:<8} ")
            } else {
                " ".repeat(10)
            };
            put_segs(
                buf,
                area,
                y,
                &[seg(head, theme.dim), seg(l.clone(), theme.text)],
            );
            y += 1;
        }
    }
    if y >= area.bottom() {
        return;
    }
    let body = Rect::new(area.x, y, area.width, area.bottom() - y);
    let list_w = (area.width / 3).clamp(16, 34).min(area.width);
    let list = Rect::new(body.x, body.y, list_w, body.height);
    steps(state, s, theme, list, buf);
    if area.width > list_w + 2 {
        let right = Rect::new(
            body.x + list_w + 1,
            body.y,
            area.width - list_w - 1,
            body.height,
        );
        detail(state, s, theme, right, buf);
    }
}

fn missing(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let w = area.width as usize;
    let name = state
        .rb
        .missing
        .as_ref()
        .map_or("this alert", |m| m.alertname.as_str());
    let mut lines: Vec<Seg> = vec![
        seg(format!(" No runbook for {name}"), theme.title),
        seg("", theme.text),
    ];
    for l in wrap_lines(
        "Looked in runbooks/ and the config's runbooks: dirs, by the last segment of the alert's \
         runbook_url, then the runbooks' alerts: lists, then the alertname.",
        w.saturating_sub(2),
    ) {
        lines.push(seg(format!(" {l}"), theme.dim));
    }
    lines.push(seg("", theme.text));
    match state.rb.missing.as_ref().and_then(|m| m.url.as_deref()) {
        Some(url) => {
            lines.push(seg(
                " Its runbook_url (y copies it through OSC 52):",
                theme.text,
            ));
            lines.push(seg(format!("   {url}"), theme.key));
        }
        None => lines.push(seg(" It has no runbook_url annotation either.", theme.text)),
    }
    for (k, l) in lines.into_iter().enumerate() {
        let y = area.y + k as u16;
        if y >= area.bottom() {
            break;
        }
        put_segs(buf, area, y, &[seg(fit(&l.0, w), l.1)]);
    }
}

fn steps(state: &State, s: &Stepper, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let h = area.height as usize;
    let n = s.runs.len();
    if n == 0 {
        put_segs(buf, area, area.y, &[seg(" (no steps)", theme.dim)]);
        return;
    }
    let cursor = state.rb.cursor.min(n - 1);
    let first = cursor.saturating_sub(h.saturating_sub(1));
    for i in (first..n).take(h) {
        let y = area.y + (i - first) as u16;
        let st = s.status(i);
        let step = &s.runbook.steps[i];
        let current = s.current == Some(i);
        let text = if current {
            theme.text.add_modifier(Modifier::BOLD)
        } else {
            theme.text
        };
        let room = (area.width as usize).saturating_sub(6);
        let segs = [
            seg(if i == cursor { "›" } else { " " }, text),
            seg(symbol(st), status_style(theme, st)),
            seg(format!("{:>2} ", i + 1), theme.dim),
            seg(fit(&step.title, room), text),
        ];
        put_segs(buf, area, y, &segs);
        if i == cursor {
            fill_row(buf, area, y, theme.selected);
        }
    }
}

fn detail(state: &State, s: &Stepper, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let i = state.rb.cursor.min(s.runs.len().saturating_sub(1));
    let Some(step) = s.step(i) else { return };
    let run = &s.runs[i];
    let w = area.width as usize;
    let mut doc: Vec<Seg> = Vec::new();
    let status = run.status();
    let mut head = format!(
        "Step {}/{} · {} · {} · {}",
        i + 1,
        s.runs.len(),
        step.role.word(),
        step.id,
        status.word()
    );
    if s.current == Some(i) && state.rb.running.is_none() {
        head.push_str(" · next");
    }
    doc.push(seg(head, theme.title));
    if s.current == Some(i) {
        if let Some(options) = &s.choice {
            doc.push(seg(
                "Choose how to go on:",
                theme.warning.add_modifier(Modifier::BOLD),
            ));
            for (k, (label, goto)) in options.iter().enumerate() {
                doc.push(seg(
                    format!(" {}  {label} → {}", k + 1, s.target_name(*goto)),
                    theme.text,
                ));
            }
        }
    }
    if let Some(t) = s.taken.as_ref().filter(|t| t.goto == Some(i)) {
        doc.push(seg(format!("↳ came here by: {}", t.text), theme.info));
    }
    if !s.captured.is_empty() && !step.capture.is_empty() {
        let vals: Vec<String> = step
            .capture
            .iter()
            .filter_map(|c| s.captured.get(&c.var).map(|v| format!("{}={v}", c.var)))
            .collect();
        if !vals.is_empty() {
            doc.push(seg(format!("captured: {}", vals.join(" ")), theme.info));
        }
    }
    // A failed step's advice comes first, so it stays on screen next to
    // the output that takes the lower half.
    let failed = status == StepStatus::Failed;
    if failed {
        if let Some(t) = &step.troubleshooting {
            labelled(&mut doc, "If not: ", t, w, theme.warning);
        }
    }
    for l in wrap_lines(&reflow(&step.description), w) {
        doc.push(seg(l, theme.text));
    }
    if let Some(cmd) = &step.command {
        // A command to do by hand has no prompt: oncall will not run it.
        let prompt = match step.kind {
            StepKind::Query => "promql> ",
            StepKind::Manual => "│ ",
            StepKind::Shell => "$ ",
        };
        for (k, l) in wrap_lines(cmd, w.saturating_sub(2)).into_iter().enumerate() {
            doc.push(seg(
                format!("{}{l}", if k == 0 { prompt } else { "  " }),
                theme.key,
            ));
        }
    }
    if step.kind == StepKind::Manual {
        let why = step
            .manual_why
            .as_deref()
            .map_or(String::new(), |w| format!("{w} · "));
        doc.push(seg(
            format!("(manual: {why}d done · f failed · > skipped)"),
            theme.dim,
        ));
    }
    if let Some(t) = &step.expected {
        labelled(&mut doc, "Expected: ", t, w, theme.dim);
    }
    if let Some(t) = step.troubleshooting.as_ref().filter(|_| !failed) {
        labelled(&mut doc, "If not: ", t, w, theme.dim);
    }
    let has_output =
        !run.output.is_empty() || run.summary.is_some() || status == StepStatus::Running;
    // The output keeps at least half of the column once there is any.
    let doc_h = if has_output {
        (area.height as usize / 2).max(1)
    } else {
        area.height as usize
    };
    for (k, l) in doc.iter().take(doc_h).enumerate() {
        put_segs(buf, area, area.y + k as u16, &[seg(fit(&l.0, w), l.1)]);
    }
    if !has_output {
        return;
    }
    let top = area.y + doc.len().min(doc_h) as u16;
    if top >= area.bottom() {
        return;
    }
    let out = Rect::new(area.x, top, area.width, area.bottom() - top);
    output(state, s, i, theme, out, buf);
}

/// `label` then the text, wrapped, continuation lines under the text.
fn labelled(doc: &mut Vec<(String, Style)>, label: &str, text: &str, w: usize, style: Style) {
    for (k, l) in wrap_lines(&reflow(text), w.saturating_sub(label.len()))
        .into_iter()
        .enumerate()
    {
        let lead = if k == 0 {
            label.to_string()
        } else {
            " ".repeat(label.len())
        };
        doc.push(seg(format!("{lead}{l}"), style));
    }
}

fn output(state: &State, s: &Stepper, i: usize, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let run = &s.runs[i];
    let w = area.width as usize;
    let status = run.status();
    let end = match (&run.summary, status) {
        (_, StepStatus::Running) => {
            let took = run
                .started
                .map(|t| crate::model::duration::format_age_long((state.now - t).num_seconds()))
                .unwrap_or_default();
            format!("running {took} · Ctrl-c stops it")
        }
        (Some(sm), _) => sm.clone(),
        (None, _) => status.word().to_string(),
    };
    let dropped = if run.dropped > 0 {
        format!(" · {} earlier lines dropped", run.dropped)
    } else {
        String::new()
    };
    let rule = format!("── output · {end}{dropped} ");
    let rule_style = match status {
        StepStatus::Done => theme.ok,
        StepStatus::Failed => theme.error_text,
        _ => theme.dim,
    };
    put_segs(
        buf,
        area,
        area.y,
        &[seg(fit(&format!("{rule}{}", "─".repeat(w)), w), rule_style)],
    );
    let h = area.height.saturating_sub(1) as usize;
    if h == 0 {
        return;
    }
    let lines: Vec<String> = run.output.iter().flat_map(|l| wrap_lines(l, w)).collect();
    let last = lines.len().saturating_sub(state.rb.scroll.min(lines.len()));
    let first = last.saturating_sub(h);
    for (k, l) in lines[first..last].iter().enumerate() {
        put_segs(
            buf,
            area,
            area.y + 1 + k as u16,
            &[seg(l.clone(), theme.text)],
        );
    }
}

/// The pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} run · {} done · {} failed · {} skip · 1-9 choose · {} stop · {} back",
        k(Action::Open),
        k(Action::StepDone),
        k(Action::StepFailed),
        k(Action::StepSkip),
        k(Action::StopStep),
        k(Action::Back)
    )
}
