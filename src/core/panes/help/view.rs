//! `?` help, generated from the key map in force and the modal keys'
//! tables (`ui::modal_keys`), plus the filter syntax and the `:` commands.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::core::keymap::Keymap;
use crate::core::State;
use crate::draw::text::{seg, Doc, Seg};
use crate::draw::theme::Theme;
use crate::sanitize::pad;

const KEYS_W: usize = 13;

const FILTER_EXAMPLES: &[(&str, &str)] = &[
    ("team=\"ml-platform\"", "label equals value"),
    ("severity=~\"crit.*\"", "regex match (also != and !~)"),
    ("ModelLatencyHigh", "a bare word is alertname=word, exactly"),
    (
        "\"latency\"",
        "quoted text: searched in labels and annotations",
    ),
    ("team=\"ml\", \"gpu\"", "several terms: all must match"),
];

const COMMANDS: &[(&str, &str)] = &[
    (
        ":group-by LABEL",
        "group the list by a label (default alertname)",
    ),
    (":filter MATCHERS", "set the filter, as with /"),
    (
        ":sort MODE",
        "severity, newest, oldest or unacked first (remembered)",
    ),
    (":mine", "only alerts you acked, silenced or respond to"),
    (
        ":unowned",
        "only alerts nobody acked, silenced or took into an incident",
    ),
    (":all", "every alert again (after :mine or :unowned)"),
    (":messages", "every status message, newest first"),
    (":ack TEXT", "ack with a comment (ACK! TEXT)"),
    (":silences", "the silences pane, as with S"),
    (":incidents", "the incidents pane, as with I"),
    (
        ":status WORD [NOTE]",
        "incident status: open acknowledged investigating identified monitoring",
    ),
    (
        ":resolve TEXT",
        "resolve the incident with a one-line resolution",
    ),
    (":sev 1..4", "incident severity"),
    (":title TEXT", "rename the incident"),
    (
        ":impact 14:02",
        "when impact started (also 20m ago); :milestone NAME TIME for others",
    ),
    (":note TEXT", "a timeline note, as with n"),
    (
        ":tl TYPES",
        "timeline of these event types (note status alerts …)",
    ),
    (":postmortem", "write the postmortem draft, as with p"),
    (":silenced", "show/hide silenced alerts"),
    (":inhibited", "show/hide inhibited alerts"),
    (":refresh", "poll every source now"),
    (":help", "this help"),
    (":q", "quit"),
];

fn entry(
    keys: &str,
    help: &str,
    mark: &str,
    theme: &Theme,
    col_w: usize,
    keys_w: usize,
) -> Vec<Seg> {
    let keys_w = keys_w.min(col_w / 2);
    let help_w = col_w.saturating_sub(keys_w + 3);
    vec![
        seg(" ", theme.text),
        seg(pad(keys, keys_w), theme.key),
        seg(" ", theme.text),
        seg(pad(&format!("{help}{mark}"), help_w), theme.text),
        seg(" ", theme.text),
    ]
}

fn examples(doc: &mut Doc, theme: &Theme, title: &str, items: &[(&str, &str)]) {
    doc.blank();
    doc.line(vec![seg(format!(" {title}"), theme.title)]);
    let w = items.iter().map(|(e, _)| e.len()).max().unwrap_or(0) + 2;
    for (example, meaning) in items {
        doc.field(
            &format!("   {example}"),
            w + 3,
            theme.key,
            meaning,
            theme.text,
        );
    }
}

pub fn render(state: &State, theme: &Theme, keymap: &Keymap, area: Rect, buf: &mut Buffer) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    doc(state, theme, keymap, area.width).render(buf, area, state.scroll);
}

/// The help document, laid out for `width` columns.
pub fn doc(state: &State, theme: &Theme, keymap: &Keymap, width: u16) -> Doc {
    let area_width = width;
    let mut doc = Doc::new(width);
    doc.line(vec![
        seg(" Keys", theme.title),
        seg("   (Esc or ? closes; j/k scroll)", theme.dim),
    ]);
    // Two columns of keys when the terminal is wide enough to read them.
    let width = area_width as usize;
    let cols = if width >= 80 { 2 } else { 1 };
    let col_w = (width / cols).min(52);
    let entries = keymap.help_entries();
    let keys_w = entries
        .iter()
        .map(|(k, _, _)| crate::sanitize::width(k) + 1)
        .max()
        .unwrap_or(0)
        .min(KEYS_W);
    let per_col = entries.len().div_ceil(cols);
    let mark = |a: crate::core::Action| match (a.is_mutating(), state.read_only) {
        (true, true) => " * (off)",
        (true, false) => " *",
        _ => "",
    };
    for row in 0..per_col {
        let mut line = Vec::new();
        for col in 0..cols {
            if let Some((keys, help, action)) = entries.get(col * per_col + row) {
                line.extend(entry(keys, help, mark(*action), theme, col_w, keys_w));
            }
        }
        doc.line(line);
    }
    let note = if state.read_only {
        " * changes shared state (silences, incidents): refused in read-only mode"
    } else {
        " * changes shared state (silences, incidents); refused in read-only mode"
    };
    doc.line(vec![seg(note, theme.dim)]);
    for (title, rows) in crate::core::modal_keys::help_sections() {
        let rows: Vec<(&str, &str)> = rows.iter().map(|(k, h)| (k.as_str(), *h)).collect();
        examples(&mut doc, theme, title, &rows);
    }
    examples(&mut doc, theme, "Filter ( / )", FILTER_EXAMPLES);
    examples(&mut doc, theme, "Commands ( : )", COMMANDS);
    doc
}
