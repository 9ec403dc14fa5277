//! The alert row's state cell: who owns the alert, most important first
//! (`PAGE FAILED L1`, `acked bob 12m`, the incident id, `L2 paged carol`,
//! `silenced by …`), as many as fit; or the alert's state word in its
//! colour when nobody does.

use std::collections::HashMap;

use ratatui::style::{Modifier, Style};

use crate::core::ownership::{owner_of, Owner};
use crate::core::State;
use crate::draw::text::{seg, Seg};
use crate::draw::theme::Theme;
use crate::model::{Alert, AlertState};
use crate::sanitize::{fit, width};

fn state_style(alert: &Alert, theme: &Theme) -> Style {
    match alert.state {
        AlertState::Firing => theme.severity(alert.severity()),
        AlertState::Pending => theme.pending,
        AlertState::Suppressed if alert.is_silenced() => theme.silenced,
        AlertState::Suppressed => theme.inhibited,
        AlertState::Unknown => theme.stale,
    }
}

fn owner_style(o: &Owner, theme: &Theme) -> Style {
    match o {
        Owner::PageFailed(_) => theme.error_text.add_modifier(Modifier::BOLD),
        Owner::Acked { .. } | Owner::SilencedBy(_) => theme.silenced,
        Owner::AckEnded => theme.warning.add_modifier(Modifier::BOLD),
        Owner::Incident(_) => theme.key,
        Owner::Paged { .. } => theme.warning,
    }
}

/// The first owner in `w` columns: its longest form that fits; an ack
/// keeps its time and cuts the name while three letters fit.
fn first_form(o: &Owner, w: usize) -> String {
    let forms = o.forms();
    if let Some(f) = forms.iter().find(|f| width(f) <= w) {
        return f.clone();
    }
    if let Owner::Acked { by, left } = o {
        if let Some(room) = w.checked_sub(width(&format!("acked  {left}"))) {
            if room >= 3 {
                return format!("acked {} {left}", fit(by, room));
            }
        }
        return fit(&format!("acked {left}"), w);
    }
    fit(forms.last().map_or("", String::as_str), w)
}

/// The state column, `w` cells wide. `paged`: the escalation levels that
/// paged, per group (`ownership::paged_levels`, once per frame).
pub(super) fn state_cell(
    state: &State,
    theme: &Theme,
    alert: &Alert,
    w: usize,
    paged: &HashMap<String, (usize, String, bool)>,
) -> Vec<Seg> {
    let owners = owner_of(state, alert, paged);
    let Some(first) = owners.first() else {
        let word = fit(alert.state_word(), w);
        let used = width(&word);
        return vec![
            seg(word, state_style(alert, theme)),
            seg(" ".repeat(w - used), theme.text),
        ];
    };
    // Alone, an ack says it in full ("acked by bob, 12m left"); with others
    // each says it short, so more of them fit.
    let text = if owners.len() == 1 {
        first_form(first, w)
    } else {
        first_form(
            first,
            width(first.forms().last().unwrap_or(&String::new())).min(w),
        )
    };
    let mut used = width(&text);
    let mut segs = vec![seg(text, owner_style(first, theme))];
    for o in &owners[1..] {
        let short = o.forms().pop().unwrap_or_default();
        // A part that does not fit is left out; a later, shorter one may.
        if used + 1 + width(&short) <= w {
            used += 1 + width(&short);
            segs.push(seg(" ", theme.text));
            segs.push(seg(short, owner_style(o, theme)));
        }
    }
    segs.push(seg(" ".repeat(w.saturating_sub(used)), theme.text));
    segs
}

/// The width of the widest owner cell a row could need: the widest short
/// ack, an incident id, a paged level and a silence's author, added up
/// (over the silences, incidents and escalations, not the rows: a few,
/// and the same on every page of the list).
pub(super) fn widest_owner(state: &State, paged: &HashMap<String, (usize, String, bool)>) -> usize {
    let failed = if state.failed_pages.is_empty() { 0 } else { 14 };
    let short = |o: Owner| width(o.forms().last().map_or("", String::as_str));
    let active = || state.silences.iter().filter(|s| s.is_active(state.now));
    let ack = active()
        .filter(|s| s.is_ack(&state.ack_prefix))
        .map(|s| {
            short(Owner::Acked {
                by: crate::sanitize::line(&s.created_by).into_owned(),
                left: crate::core::ack_actions::time_left(s.ends_at, state.now),
            })
        })
        .max()
        .unwrap_or(0)
        .max(failed);
    let incident = state
        .incidents
        .iter()
        .filter(|i| i.is_open() && !i.alerts.is_empty())
        .map(|i| width(&i.id))
        .max()
        .unwrap_or(0);
    let page = paged
        .values()
        .map(|(level, to, delivered)| {
            short(Owner::Paged {
                level: *level,
                to: to.clone(),
                delivered: *delivered,
            })
        })
        .max()
        .unwrap_or(0);
    let silence = active()
        .filter(|s| !s.is_ack(&state.ack_prefix))
        .map(|s| {
            short(Owner::SilencedBy(
                crate::sanitize::line(&s.created_by).into_owned(),
            ))
        })
        .max()
        .unwrap_or(0);
    [ack, incident, page, silence]
        .into_iter()
        .filter(|&n| n > 0)
        .map(|n| n + 1)
        .sum::<usize>()
        .saturating_sub(1)
}
