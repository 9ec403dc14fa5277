//! The silences pane: active, pending and recently ended silences, each with
//! a countdown bar, its matchers, author and comment. Acks are marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::core::ack_actions::time_left;
use crate::core::keymap::Keymap;
use crate::core::{Action, State};
use crate::draw::text::{fill_row, put_segs, seg, title_row, Seg};
use crate::draw::theme::Theme;
use crate::model::duration::format_age;
use crate::model::{MatchOp, Matcher, Silence, SilenceState};
use crate::sanitize::pad;

const BAR: usize = 8;
/// The countdown's cells: the bar and its ends, and room for the longest
/// time left (`23h59m`), right-aligned.
const COUNTDOWN: usize = BAR + 2 + 6;

/// `▕████░░░░▏ 12m`: the part of the silence still to run, and how long.
fn countdown(s: &Silence, state: &State) -> String {
    let now = state.now;
    match s.state_at(now) {
        SilenceState::Active => {
            let total = (s.ends_at - s.starts_at).num_seconds().max(1) as f64;
            let left = (s.ends_at - now).num_seconds().max(0);
            let left_text = time_left(s.ends_at, now);
            let filled = ((left as f64 / total) * BAR as f64).ceil() as usize;
            let filled = filled.min(BAR);
            format!(
                "▕{}{}▏{:>6}",
                "█".repeat(filled),
                "░".repeat(BAR - filled),
                left_text
            )
        }
        SilenceState::Pending => format!(
            "starts in {}",
            format_age((s.starts_at - now).num_seconds())
        ),
        SilenceState::Expired => {
            format!("ended {} ago", format_age((now - s.ends_at).num_seconds()))
        }
    }
}

/// Matchers in little room: the alertname first and bare, then `name=value`
/// without quotes where none are needed, so rows differ early.
fn compact_matchers(matchers: &[Matcher]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let is_name = |m: &Matcher| m.name == "alertname" && m.op == MatchOp::Eq;
    parts.extend(
        matchers
            .iter()
            .filter(|m| is_name(m))
            .map(|m| m.value.clone()),
    );
    for m in matchers.iter().filter(|m| !is_name(m)) {
        let plain = !m.value.is_empty()
            && m.value
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.:/".contains(c));
        parts.push(if plain {
            format!("{}{}{}", m.name, m.op.symbol(), m.value)
        } else {
            m.to_string()
        });
    }
    parts.join(" ")
}

/// The state word; an active ack says ACK.
fn kind(s: &Silence, state: &State) -> &'static str {
    match (s.state_at(state.now), s.is_ack(&state.ack_prefix)) {
        (SilenceState::Active, true) => "ACK",
        (SilenceState::Active, false) => "active",
        (SilenceState::Pending, _) => "pending",
        (SilenceState::Expired, _) => "ended",
    }
}

struct Cols {
    matchers: usize,
    by: usize,
    comment: usize,
}

fn columns(w: usize) -> Cols {
    // state 7 + countdown + gaps.
    let rest = w.saturating_sub(1 + 7 + 1 + COUNTDOWN + 1);
    let by = if w >= 70 { 10 } else { 0 };
    let rest = rest.saturating_sub(if by > 0 { by + 1 } else { 0 });
    let matchers = rest * 3 / 5;
    Cols {
        matchers,
        by,
        comment: rest.saturating_sub(matchers + 1),
    }
}

fn row(s: &Silence, state: &State, theme: &Theme, c: &Cols) -> Vec<Seg> {
    let ended = s.state_at(state.now) == SilenceState::Expired;
    let text = if ended { theme.dim } else { theme.text };
    let word = kind(s, state);
    let word_style = if ended {
        theme.dim
    } else {
        theme.silenced.add_modifier(Modifier::BOLD)
    };
    let mut segs = vec![
        seg(" ", text),
        seg(pad(word, 7), word_style),
        seg(" ", text),
        seg(
            pad(&countdown(s, state), COUNTDOWN),
            if ended { theme.dim } else { theme.pending },
        ),
        seg(" ", text),
        seg(pad(&compact_matchers(&s.matchers), c.matchers), text),
        seg(" ", text),
    ];
    if c.by > 0 {
        segs.push(seg(pad(&s.created_by, c.by), theme.dim));
        segs.push(seg(" ", text));
    }
    let comment = if s.is_ack(&state.ack_prefix) {
        s.ack_text(&state.ack_prefix)
    } else {
        &s.comment
    };
    segs.push(seg(pad(comment, c.comment), text));
    segs
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    let hint = &hint(keymap);
    if area.width == 0 || area.height == 0 {
        return;
    }
    let w = area.width as usize;
    let c = columns(w);
    let n = state.silence_rows.len();
    let mut title = format!(" Silences ({n})");
    if !state.silence_filter.is_empty() {
        title += &format!(" matching {:?}", state.silence_filter);
    }
    title_row(buf, area, &title, hint, theme.title, theme.dim);
    if area.height < 3 {
        return;
    }
    let mut head = format!(" {} {} ", pad("STATE", 7), pad("ENDS", COUNTDOWN));
    head += &pad("MATCHERS", c.matchers + 1);
    if c.by > 0 {
        head += &pad("BY", c.by + 1);
    }
    head += "COMMENT";
    put_segs(
        buf,
        area,
        area.y + 1,
        &[seg(head, theme.dim.add_modifier(Modifier::BOLD))],
    );
    let list = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    if n == 0 {
        let msg = if state.silence_filter.is_empty() {
            " No active silences, and none ended in the last day."
        } else {
            " No silence matches the filter (Esc clears it)."
        };
        put_segs(buf, list, list.y, &[seg(msg, theme.dim)]);
        return;
    }
    let h = list.height as usize;
    let first = state.silence_cursor.saturating_sub(h.saturating_sub(1));
    for (k, &i) in state.silence_rows.iter().enumerate().skip(first).take(h) {
        let y = list.y + (k - first) as u16;
        let mut segs = row(&state.silences[i], state, theme, &c);
        let selected = k == state.silence_cursor;
        if selected {
            // The cursor is also marked in text, for screens without color.
            segs[0].0 = "›".into();
        }
        put_segs(buf, list, y, &segs);
        if selected {
            fill_row(buf, list, y, theme.selected);
        }
    }
}

/// The silences pane's keys, from the key map in force.
fn hint(keymap: &Keymap) -> String {
    let k = |a| keymap.keys_for(a);
    format!(
        "{} expire · {} extend · {} edit · {} filter · {} back",
        k(Action::Expire),
        k(Action::Extend),
        k(Action::Open),
        k(Action::Filter),
        k(Action::Back)
    )
}
