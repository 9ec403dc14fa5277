//! Conformance with Alertmanager's own matcher parsers: every row of its
//! published parser test tables (inputs and expected results, transcribed as
//! facts into tests/data/alertmanager_matchers.json) is run through the
//! matching entry point of ours, and the agreement is reported per table.
//! The target is every row.

use oncall::model::matcher::{parse_matchers, parse_matchers_as_alertmanager, parsers};
use oncall::model::{MatchOp, Matcher, MatcherError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Tables {
    commit: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    test: String,
    name: String,
    parser: String,
    single: bool,
    input: String,
    want: Option<Vec<Want>>,
    error: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Want {
    name: String,
    op: String,
    value: String,
}

fn tables() -> Tables {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/alertmanager_matchers.json"
    );
    let text = std::fs::read_to_string(path).expect("tests/data/alertmanager_matchers.json");
    serde_json::from_str(&text).expect("the tables are JSON")
}

fn op(op: MatchOp) -> &'static str {
    op.symbol()
}

fn as_wants(ms: &[Matcher]) -> Vec<Want> {
    ms.iter()
        .map(|m| Want {
            name: m.name.clone(),
            op: op(m.op).into(),
            value: m.value.clone(),
        })
        .collect()
}

/// What our entry point for this row's parser says.
fn ours(case: &Case) -> Result<Vec<Matcher>, MatcherError> {
    match (case.parser.as_str(), case.single) {
        ("utf8", false) => parsers::utf8(&case.input),
        ("utf8", true) => parsers::utf8_one(&case.input).map(|m| vec![m]),
        ("classic", false) => parsers::classic(&case.input),
        ("fallback", false) => parse_matchers_as_alertmanager(&case.input),
        ("fallback", true) => parsers::fallback_one(&case.input).map(|m| vec![m]),
        (p, s) => panic!("no entry point for parser {p} single={s}"),
    }
}

/// None when ours agrees with the row, else what differs.
fn disagreement(case: &Case) -> Option<String> {
    let got = ours(case);
    match (&case.want, got) {
        (Some(want), Ok(got)) if *want == as_wants(&got) => None,
        (Some(want), Ok(got)) => Some(format!("want {want:?}, got {:?}", as_wants(&got))),
        (Some(want), Err(e)) => Some(format!("want {want:?}, got the error {e}")),
        (None, Err(_)) => None,
        (None, Ok(got)) => Some(format!(
            "want an error ({}), got {:?}",
            case.error.as_deref().unwrap_or("?"),
            as_wants(&got)
        )),
    }
}

#[test]
fn every_row_of_alertmanagers_parser_tables_agrees() {
    let t = tables();
    let mut per_table: Vec<(String, usize, usize)> = Vec::new();
    let mut failures = Vec::new();
    for case in &t.cases {
        let key = format!("{} {} ({})", case.file, case.test, case.parser);
        let ok = match disagreement(case) {
            None => true,
            Some(why) => {
                failures.push(format!(
                    "{key} {:?} input {:?}: {why}",
                    case.name, case.input
                ));
                false
            }
        };
        match per_table.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, agree, all)) => {
                *agree += ok as usize;
                *all += 1;
            }
            None => per_table.push((key, ok as usize, 1)),
        }
    }
    let agree: usize = per_table.iter().map(|(_, a, _)| a).sum();
    println!("Alertmanager {} parser tables:", &t.commit[..12]);
    for (key, a, all) in &per_table {
        println!("  {a:>3}/{all:<3} {key}");
    }
    println!("  {agree:>3}/{:<3} in all", t.cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows disagree:\n{}",
        failures.len(),
        t.cases.len(),
        failures.join("\n")
    );
    assert!(
        t.cases.len() >= 190,
        "the tables lost rows: {}",
        t.cases.len()
    );
}

/// Our one habit on top of Alertmanager's reading: over every input of the
/// tables, `parse_matchers` reads an input exactly as Alertmanager's default
/// mode does whenever Alertmanager accepts it; where Alertmanager refuses it,
/// ours either refuses it too or read a bare word as `alertname=word`.
#[test]
fn the_bare_word_habit_is_the_only_difference() {
    let t = tables();
    let mut bare = Vec::new();
    for case in t.cases.iter().filter(|c| !c.single) {
        let am = parse_matchers_as_alertmanager(&case.input);
        let ours = parse_matchers(&case.input);
        match (am, ours) {
            (Ok(am), Ok(ours)) => assert_eq!(am, ours, "{:?}", case.input),
            (Ok(am), Err(e)) => panic!(
                "{:?}: Alertmanager reads {am:?}, ours refuses: {e}",
                case.input
            ),
            (Err(_), Err(_)) => {}
            (Err(_), Ok(ours)) => {
                assert!(
                    ours.iter()
                        .any(|m| m.name == "alertname" && m.op == MatchOp::Eq),
                    "{:?} is refused by Alertmanager and read by ours as {ours:?}",
                    case.input
                );
                bare.push(case.input.clone());
            }
        }
    }
    println!("read as bare words where Alertmanager refuses: {bare:?}");
}
