//! The top bar: what is firing overall (never filtered, so a filter cannot
//! hide a critical from the counts), the view in force, and badges.

use crate::draw::text::severity_tag;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::core::{Health, Row, State};
use crate::draw::text::{fill_row, put_segs, seg, segs_width, Seg};
use crate::draw::theme::Theme;
use crate::model::Severity;

/// How far the counts give way when the row is short: the product name
/// goes first, then the zero counts, then the long words, so a count that
/// matters (`2 new`) is never cut to `2 n`.
const FULL: u8 = 0;
const NO_NAME: u8 = 1;
const NO_ZEROS: u8 = 2;
const SHORT: u8 = 3;

/// Counts of everything (unfiltered), at compaction `level` (`FULL` ..
/// `SHORT`); before any source answered there is nothing to count, and
/// zeros would read as "all clear".
fn count_segs(state: &State, theme: &Theme, level: u8) -> Vec<Seg> {
    let compact = level >= NO_ZEROS;
    let mut segs = Vec::new();
    if level < NO_NAME {
        segs.push(seg(" oncall ", theme.title.patch(theme.header)));
    }
    let dim = theme.header.patch(theme.dim);
    if !state.sources.iter().any(|s| s.last_ok.is_some()) {
        // Every source refused: not "waiting", blind, and said as loudly as
        // the list says it.
        let all_down = !state.sources.is_empty()
            && (0..state.sources.len()).all(|i| matches!(state.health(i), Health::Down { .. }));
        if all_down {
            let style = theme
                .header
                .patch(theme.error_text)
                .add_modifier(ratatui::style::Modifier::BOLD);
            segs.push(seg(" NO SOURCE ANSWERS", style));
        } else {
            segs.push(seg(" waiting for the first answer…", dim));
        }
        return segs;
    }
    let c = &state.counts;
    for s in [
        Severity::Critical,
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::None,
    ] {
        let n = c.by_severity[s as usize];
        // ERR only where the data has that severity at all: most setups
        // use critical/warning/info, and a constant `0 ERR` is noise.
        if n == 0 && (compact || s == Severity::None || (s == Severity::Error && !c.any_error)) {
            continue;
        }
        let tag = if s == Severity::None {
            "OTHER"
        } else {
            severity_tag(s)
        };
        let style = if n > 0 {
            theme.header.patch(theme.severity(s))
        } else {
            dim
        };
        segs.push(seg(" ", theme.header));
        segs.push(seg(format!("{n} {tag}"), style));
    }
    if c.by_severity.iter().all(|&n| n == 0) {
        // Acked and silenced alerts still fire: say so, not "nothing".
        let quiet = if c.suppressed > 0 {
            " all firing acked/silenced"
        } else {
            " nothing firing"
        };
        segs.push(seg(quiet, dim));
    }
    let (pending, suppressed) = if level >= SHORT {
        ("pend", "supp")
    } else {
        ("pending", "suppressed")
    };
    if c.pending > 0 || !compact {
        segs.push(seg(" · ", dim));
        segs.push(seg(
            format!("{} {pending}", c.pending),
            if c.pending > 0 {
                theme.header.patch(theme.pending)
            } else {
                dim
            },
        ));
    }
    if c.suppressed > 0 || !compact {
        segs.push(seg(" · ", dim));
        segs.push(seg(format!("{} {suppressed}", c.suppressed), dim));
    }
    if state.triage.new > 0 {
        segs.push(seg(" · ", dim));
        segs.push(seg(
            format!("{} new", state.triage.new),
            theme
                .header
                .patch(theme.key)
                .add_modifier(ratatui::style::Modifier::BOLD),
        ));
    }
    if c.unknown > 0 {
        // Gone with a restarted Alertmanager: maybe still firing.
        segs.push(seg(" · ", dim));
        segs.push(seg(
            format!("{} unknown", c.unknown),
            theme.header.patch(theme.stale),
        ));
    }
    segs
}

fn badges(state: &State, theme: &Theme) -> Vec<Seg> {
    let mut out = Vec::new();
    let answered = state.sources.iter().any(|s| s.last_ok.is_some());
    let covered = state.covered();
    let health: Vec<Health> = (0..state.sources.len()).map(|i| state.health(i)).collect();
    let stale = (0..health.len()).any(|i| matches!(health[i], Health::Stale { .. }) && !covered[i]);
    let down = (0..health.len())
        .filter(|&i| match health[i] {
            Health::Down { .. } => true,
            Health::Stale { .. } => covered[i],
            _ => false,
        })
        .count();
    // Stale: data on screen is older than it looks. Down: a source never
    // answered, so its alerts are missing altogether, or it stopped
    // answering while another member of its cluster still answers for it
    // (the data is fresh, the cluster is not whole).
    if answered && stale {
        out.push(seg(" STALE DATA ", theme.stale));
        out.push(seg(" ", theme.header));
    }
    // Down before any answer too: a console started blind says so.
    if down > 0 {
        let noun = if down == 1 { "SOURCE" } else { "SOURCES" };
        out.push(seg(format!(" {down} {noun} DOWN "), theme.down));
        out.push(seg(" ", theme.header));
    }
    // Incidents are not being recorded: never quiet about that.
    if state.journal_error.is_some() {
        // The team store (PostgreSQL) away says how long; the status line
        // and the message history say why.
        let text = match (state.shared_store, state.journal_failing_since) {
            (true, Some(since)) => format!(
                " STORE DOWN {} ",
                crate::model::duration::format_age((state.now - since).num_seconds())
            ),
            _ => " JOURNAL FAILING ".to_string(),
        };
        out.push(seg(text, theme.down));
        out.push(seg(" ", theme.header));
    }
    if state.journal_pending > 0 {
        let n = state.journal_pending;
        let s = if n == 1 { "" } else { "s" };
        out.push(seg(format!(" {n} change{s} not yet shared "), theme.stale));
        out.push(seg(" ", theme.header));
    }
    // A command is running: visible from every pane, with how long.
    if let Some((_, i)) = state.rb.running {
        let took = state
            .rb
            .stepper
            .as_ref()
            .and_then(|s| s.runs.get(i))
            .and_then(|r| r.started)
            .map(|t| crate::model::duration::format_age_long((state.now - t).num_seconds()))
            .unwrap_or_default();
        out.push(seg(format!(" ▶ STEP {} {took} ", i + 1), theme.warning));
        out.push(seg(" ", theme.header));
    }
    // Warnings said at startup (a broken runbook, a theme) wait in the
    // message history rather than hold the status line.
    if state.messages.unread > 0 {
        let n = state.messages.unread;
        out.push(seg(format!(" {n} MSG "), theme.warning));
        out.push(seg(" ", theme.header));
    }
    if state.read_only {
        out.push(seg(" READ-ONLY ", theme.badge));
        out.push(seg(" ", theme.header));
    }
    if state.demo {
        out.push(seg(" DEMO ", theme.badge));
        out.push(seg(" ", theme.header));
    }
    out
}

/// The view in force: grouping, filter, hidden kinds.
pub fn context_segs(state: &State, theme: &Theme) -> Vec<Seg> {
    let dim = theme.header.patch(theme.dim);
    let text = theme.header;
    let mut segs = vec![seg(" by ", dim), seg(state.group_by.clone(), text)];
    let sort = match state.triage.owners {
        crate::core::triage::OwnerView::Unowned => crate::core::triage::SortMode::Severity,
        _ => state.triage.sort,
    };
    if sort != crate::core::triage::SortMode::Severity {
        segs.push(seg(" · ", dim));
        segs.push(seg(format!("{} first", sort.name()), text));
    }
    match state.triage.owners {
        crate::core::triage::OwnerView::All => {}
        crate::core::triage::OwnerView::Mine => {
            segs.push(seg(" · mine", theme.header.patch(theme.key)))
        }
        crate::core::triage::OwnerView::Unowned => {
            segs.push(seg(" · unowned", theme.header.patch(theme.key)))
        }
    }
    if state.filter.is_empty() {
        segs.push(seg(" · no filter", dim));
    } else {
        let shown = state
            .rows
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Row::Alert { .. }
                        | Row::Group {
                            single: Some(_),
                            ..
                        }
                )
            })
            .count();
        segs.push(seg(" · filter ", dim));
        segs.push(seg(
            state.filter.source.clone(),
            theme.header.patch(theme.key),
        ));
        segs.push(seg(
            format!(" ({shown} of {} shown)", state.alerts.len()),
            dim,
        ));
    }
    if !state.show_silenced {
        segs.push(seg(" · silenced hidden", dim));
    }
    if !state.show_inhibited {
        segs.push(seg(" · inhibited hidden", dim));
    }
    segs
}

pub fn context_width(state: &State, theme: &Theme) -> usize {
    segs_width(&context_segs(state, theme))
}

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    for y in area.top()..area.bottom() {
        fill_row(buf, area, y, theme.header);
    }
    let badges = badges(state, theme);
    let bw = segs_width(&badges) as u16;
    let (left_w, bx) = if bw + 20 <= area.width {
        (area.width - bw, area.right() - bw)
    } else {
        (area.width, area.right())
    };
    let left = Rect::new(area.x, area.y, left_w, 1);
    // The widest form of the counts that fits beside the badges.
    let first = if area.width < 64 { SHORT } else { FULL };
    let mut segs = (first..SHORT)
        .map(|level| count_segs(state, theme, level))
        .find(|segs| segs_width(segs) <= left_w as usize)
        .unwrap_or_else(|| count_segs(state, theme, SHORT));
    if area.height == 1 {
        // One row: the view in force follows the counts, as far as it fits.
        segs.push(seg(" ·", theme.header.patch(theme.dim)));
        segs.extend(context_segs(state, theme));
    }
    put_segs(buf, left, area.y, &segs);
    if bx < area.right() {
        put_segs(buf, Rect::new(bx, area.y, bw, 1), area.y, &badges);
    }
    if area.height >= 2 {
        put_segs(
            buf,
            Rect::new(area.x, area.y + 1, area.width, 1),
            area.y + 1,
            &context_segs(state, theme),
        );
    }
}
