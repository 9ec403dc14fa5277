//! The postmortem tells what ran: a step run through the console becomes
//! one row of the *Runbook execution* table, with its command as it ran
//! (the label's value in place of `$INSTANCE`), exit code, time, branch
//! and the last lines of its output.

use crate::common;

use common::stepper::*;
use oncall::model::Incident;
use oncall::store::postmortem_md::{render, DEFAULT_TEMPLATE};

fn runbook_section(text: &str) -> String {
    let from = text.find("## Runbook execution").expect("the section");
    let rest = &text[from..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |n| n + 3);
    rest[..end].to_string()
}

#[test]
fn one_row_per_step_with_the_values_it_saw_and_its_last_output() {
    let (mut s, mut disk) = console("gpu-node-07");
    let (run, _) = start_first_step(&mut s, &mut disk);
    let output: Vec<String> = (1..=10)
        .map(|n| format!("probe {n}"))
        .chain(["used=97".into()])
        .collect();
    let lines: Vec<&str> = output.iter().map(String::as_str).collect();
    finish(&mut s, &mut disk, run, &lines, 0);
    let id = disk.incidents[0].0.clone();
    let inc = Incident::replay(&id, disk.events(&id).to_vec()).unwrap();
    let section = runbook_section(&render(&inc, DEFAULT_TEMPLATE, t0()).text);
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| 20")).collect();
    assert_eq!(rows.len(), 1, "one row for one step run:\n{section}");
    let row = rows[0];
    assert!(
        row.contains(r#"`printf 'used=%s\n' "gpu-node-07"`"#),
        "{row}"
    );
    assert!(!row.contains("$INSTANCE"), "{row}");
    assert!(row.contains("| 0 | 1.2s |"), "{row}");
    assert!(row.contains("→ restart"), "the branch: {row}");
    // The last lines only, bounded.
    assert!(row.contains("…<br>probe 9<br>probe 10<br>used=97"), "{row}");
    assert!(!row.contains("probe 8"), "{row}");
}
