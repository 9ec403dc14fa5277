//! Hostile input, as properties (proptest): whatever a source, a label or a
//! runbook holds, the screen gets no control bytes and columns stay where
//! they are measured to be, and a label value never changes the command a
//! runbook step runs. The case counts are bounded so the suite stays fast;
//! `PROPTEST_CASES=100000 cargo test --test hostile_input` runs longer.

use crate::common;

use std::collections::BTreeMap;

use common::proptest_cases as cases;
use common::stepper::{self, MEASURE};
use oncall::core::{update, Action, Effect, Msg};
use oncall::sanitize::{fit, line, pad, width};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Pieces an attacker (or a broken exporter) puts in a string: escape
/// sequences, C0/C1 controls, bidi overrides, zero-width and combining
/// characters, wide CJK and emoji, shell metacharacters, and any char.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = [
        "\u{1b}[2J",
        "\u{1b}]52;c;ZXZpbA==\u{7}",
        "\u{1b}P+q\u{1b}\\",
        "\u{9b}31m",
        "\u{9d}0;t\u{9c}",
        "\u{1b}",
        "\u{7}",
        "\0",
        "\r",
        "\n",
        "\r\n",
        "\t",
        "\u{7f}",
        "\u{85}",
        "\u{202e}",
        "\u{2066}",
        "\u{200f}",
        "\u{200b}",
        "\u{feff}",
        "\u{2028}",
        "e\u{301}",
        "\u{301}",
        "漢字",
        "🔥",
        "👩‍🚒",
        "\u{fe0f}",
        "#\u{fe0f}\u{20e3}",
        "👍🏽",
        "🇩🇪",
        "\u{644}\u{622}",
        "\u{1100}\u{1161}\u{11a8}",
        "ｱ",
        "$(reboot)",
        "`id`",
        "'; rm -rf / #",
        "\"$HOME\"",
        "*",
        "?",
        "[a]",
        "${X:-y}",
        " ",
        "a",
        "=",
        ",",
        "{",
        "}",
        "~",
        "\\",
    ];
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(pieces.to_vec()).prop_map(str::to_string),
            2 => any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || oncall::sanitize::is_format_control(c)
}

/// Every cell of a drawn buffer, as the terminal would receive it.
fn dirty_cells(buf: &Buffer) -> Vec<String> {
    buf.content
        .iter()
        .map(|c| c.symbol())
        .filter(|s| s.chars().any(unsafe_char))
        .map(|s| format!("{s:?}"))
        .collect()
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn the_sanitizer_leaves_no_control_and_measures_true(s in hostile(), n in 0usize..30) {
        let clean = line(&s);
        prop_assert!(!clean.chars().any(unsafe_char), "{:?} -> {:?}", s, clean);
        let cut = fit(&s, n);
        prop_assert!(width(&cut) <= n, "fit({:?}, {}) = {:?}", s, n, cut);
        prop_assert_eq!(width(&pad(&s, n)), n);
    }

    /// What the sanitizer measures is what ratatui draws: text padded to n
    /// columns ends at column n, so the next column never shifts.
    #[test]
    fn padded_text_ends_where_it_is_measured_to(s in hostile(), n in 1u16..20) {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 1));
        let (x, _) = buf.set_stringn(0, 0, pad(&s, n as usize), 40, Style::default());
        buf.set_string(x, 0, "|", Style::default());
        prop_assert_eq!(x, n, "{:?}", s);
        prop_assert_eq!(buf[(n, 0)].symbol(), "|");
        prop_assert!(dirty_cells(&buf).is_empty(), "{:?}", dirty_cells(&buf));
    }
}

proptest! {
    #![proptest_config(cases(48))]

    /// Labels, annotations and a source's error text of any content: the
    /// list, the detail view and the status bar draw no control byte.
    #[test]
    fn any_alert_text_draws_clean(
        name in hostile(), value in hostile(), summary in hostile(), reason in hostile(),
    ) {
        let mut a = stepper::alert("gpu-node-07");
        a.labels.insert("alertname".into(), name.into());
        a.labels.insert("pod".into(), value.as_str().into());
        a.labels.insert(value.into(), "x".into());
        a.annotations.insert("summary".into(), summary.as_str().into());
        a.annotations.insert("description".into(), summary.into());
        let (mut s, _) = stepper::console("gpu-node-07");
        common::fixtures::poll_alerts(&mut s, vec![a]);
        let at = s.now;
        update(&mut s, Msg::Polled {
            source: 0,
            at,
            result: Err(oncall::source::SourceError::Status { status: 502, snippet: reason }),
        });
        for (w, h) in [(120, 30), (80, 24), (24, 6)] {
            let buf = common::screen::render(&s, w, h);
            prop_assert!(dirty_cells(&buf).is_empty(), "list {}x{}: {:?}", w, h, dirty_cells(&buf));
        }
        update(&mut s, Msg::Action(Action::Open));
        let buf = common::screen::render(&s, 100, 40);
        prop_assert!(dirty_cells(&buf).is_empty(), "detail: {:?}", dirty_cells(&buf));
    }

    /// A label value of any content reaches a step only as its environment:
    /// the command that goes out is the runbook's text, byte for byte, or
    /// the step is refused before anything runs.
    #[test]
    fn label_values_never_change_the_command(value in hostile()) {
        let (mut s, mut disk) = stepper::console(&value);
        let mut fx = stepper::act(&mut s, &mut disk, Action::Runbook);
        fx.extend(stepper::act(&mut s, &mut disk, Action::Open));
        // Declare the incident, then (when the step may run) confirm it.
        for _ in 0..2 {
            if s.confirm.is_some() {
                fx.extend(stepper::answer(&mut s, &mut disk, true));
            }
        }
        let runs: Vec<_> = fx.iter().filter_map(|e| match e {
            Effect::RunStep { request, .. } => Some(request.clone()),
            _ => None,
        }).collect();
        prop_assert!(runs.len() <= 1);
        let valid = oncall::runbook::vars::validate(&value, None).is_ok();
        prop_assert_eq!(runs.len(), valid as usize, "value {:?}: {:?}", value, stepper::status(&s));
        for r in runs {
            prop_assert_eq!(&r.command, MEASURE);
            let env: BTreeMap<_, _> = r.env.iter().cloned().collect();
            prop_assert_eq!(env.get("INSTANCE"), Some(&value));
            prop_assert_eq!(env.get("ONCALL_LABEL_INSTANCE"), Some(&value));
        }
    }
}

/// The executor, for real: the step's bash with the value in the environment
/// prints the value back unchanged, so no quoting, `$(...)` or `;` in it
/// was ever read as shell.
#[test]
fn the_shell_never_reads_a_value_as_code() {
    use oncall::runbook::exec::{spawn, ExecEvent, ExecRequest};
    let mut runner = proptest::test_runner::TestRunner::new(cases(24));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let values = hostile().prop_filter(
        "env values hold no NUL; output is split at line ends",
        |v| !v.contains(['\0', '\n', '\r']),
    );
    runner
        .run(&values, |value| {
            let (tx, mut rx) = tokio::sync::mpsc::channel(64);
            let req = ExecRequest {
                command: r#"printf '%s' "$INSTANCE""#.into(),
                env: vec![("INSTANCE".into(), value.clone())],
                timeout: std::time::Duration::from_secs(10),
                workdir: None,
                session: None,
            };
            let out = rt.block_on(async move {
                let _h = spawn(req, tx);
                let mut out = Vec::new();
                while let Some(ev) = rx.recv().await {
                    match ev {
                        ExecEvent::Output { line, .. } => out.push(line),
                        ExecEvent::Done(o) => {
                            assert_eq!(o.exit_code, Some(0), "{o:?}");
                            break;
                        }
                    }
                }
                out
            });
            let expected: Vec<String> = if value.is_empty() {
                vec![]
            } else {
                vec![value.clone()]
            };
            prop_assert_eq!(out, expected);
            Ok(())
        })
        .unwrap();
}
