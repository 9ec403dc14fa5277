//! The alert row's state cell: `PAGE FAILED L1` first, then who acked it
//! and for how long (`acked by bob, 12m left`, narrower `acked bob 12m`),
//! an ack that ended, or the alert's state word in its colour.

use ratatui::style::{Modifier, Style};

use crate::core::ack_actions::time_left;
use crate::core::{AckState, State};
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

/// The state column: an ack says who and how long ("acked by bob, 12m
/// left"; narrower "acked bob 12m", and "acked 12m" only where no name
/// fits); an ack that ended while the alert fires is flagged.
pub(super) fn state_cell(state: &State, theme: &Theme, alert: &Alert, w: usize) -> (String, Style) {
    // A page for it that no notifier delivered outranks the state: nobody
    // may know it fires.
    if let Some(f) = state.failed_page_of(alert) {
        let long = format!("PAGE FAILED L{}", f.page.note.level);
        let text = if width(&long) <= w {
            long
        } else {
            "PAGE FAILED".into()
        };
        return (text, theme.error_text.add_modifier(Modifier::BOLD));
    }
    match state.ack_state(alert) {
        AckState::Acked(s) => {
            let left = time_left(s.ends_at, state.now);
            // Narrower, the time stays said to be what is left.
            let by = crate::sanitize::line(&s.created_by);
            let text = [format!("acked by {by}, {left} left"), short_ack(&by, &left)]
                .into_iter()
                .find(|t| width(t) <= w)
                .or_else(|| {
                    // The name cut rather than dropped, while two of its letters fit.
                    let room = w.checked_sub(width(&format!("acked  {left}")))?;
                    (room >= 3).then(|| format!("acked {} {left}", fit(&by, room)))
                })
                .unwrap_or_else(|| format!("acked {left}"));
            (text, theme.silenced)
        }
        AckState::Ended(_) => (
            "ack ended".to_string(),
            theme.warning.add_modifier(Modifier::BOLD),
        ),
        AckState::None => (alert.state_word().to_string(), state_style(alert, theme)),
    }
}

/// The width of the widest `acked NAME 12m` cell an ack in force would
/// make (over the silences, not the rows: a few, and the same on every
/// page of the list).
pub(super) fn widest_ack(state: &State) -> usize {
    // `PAGE FAILED L1` needs its room too.
    let failed = if state.failed_pages.is_empty() { 0 } else { 14 };
    state
        .silences
        .iter()
        .filter(|s| s.is_ack(&state.ack_prefix) && s.is_active(state.now))
        .map(|s| width(&short_ack(&s.created_by, &time_left(s.ends_at, state.now))))
        .max()
        .unwrap_or(0)
        .max(failed)
}

fn short_ack(by: &str, left: &str) -> String {
    format!("acked {} {left}", crate::sanitize::line(by))
}
