//! Static checks of runbooks, and parsers that never panic on mangled input.

use std::path::Path;

use oncall::model::runbook::{Branch, BranchCond, Runbook};
use oncall::runbook::check::check;
use oncall::runbook::expr;
use oncall::runbook::markdown::parse_markdown;
use oncall::runbook::yaml_form::parse_yaml;

fn yaml(text: &str) -> Runbook {
    parse_yaml(Path::new("rb/flow.yaml"), text).unwrap()
}

const FLOW: &str = r#"title: Flow
vars: {REGION: eu}
steps:
  - step_id: probe
    automation_script: ./probe
    capture: {STAGE: 'stage: (\w+)'}
    next:
      - {when: 'STAGE == "db"', goto: db}
      - {when: 'REGION == "us"', goto: end}
  - step_id: app
    action: Look at the app.
    next: [{goto: end}]
  - step_id: db
    action: Look at the database.
"#;

#[test]
fn a_sound_flow_has_no_problems() {
    assert_eq!(check(&yaml(FLOW)), Vec::<String>::new());
}

#[test]
fn goto_unknown_step_and_unreachable_steps() {
    let text = FLOW.replace("goto: db}", "goto: dbb}");
    let problems = check(&yaml(&text));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        problems[0],
        "rb/flow.yaml:4: step probe: goto \"dbb\" names no step of this runbook."
    );
    // app always goes to end, and nothing else reaches db now.
    assert_eq!(
        problems[1],
        "rb/flow.yaml:13: step db: no path from the first step reaches it."
    );
}

#[test]
fn labels_stop_the_fallthrough() {
    let text = FLOW
        .replace(
            "next: [{goto: end}]",
            "next: [{label: Done, goto: end}, {label: Again, goto: probe}]",
        )
        .replace("goto: db}", "goto: app}");
    let problems = check(&yaml(&text));
    assert_eq!(
        problems,
        vec!["rb/flow.yaml:13: step db: no path from the first step reaches it."]
    );
}

#[test]
fn bad_regexes_and_expressions() {
    let text = FLOW
        .replace(r"'stage: (\w+)'", "'stage: (('")
        .replace(r#"'REGION == "us"'"#, r#"'ZONE == "a" &&'"#);
    let problems = check(&yaml(&text));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0]
        .starts_with("rb/flow.yaml:4: step probe: the capture regex for STAGE does not compile"));
    assert!(
        problems[1]
            .starts_with("rb/flow.yaml:4: step probe: when \"ZONE == \\\"a\\\" &&\" is not valid"),
        "{}",
        problems[1]
    );
}

#[test]
fn when_reading_an_uncaptured_variable() {
    let text = FLOW.replace(r#"'REGION == "us"'"#, r#"'ZONE == "us"'"#);
    assert_eq!(
        check(&yaml(&text)),
        vec![
            r#"rb/flow.yaml:4: step probe: when "ZONE == \"us\"" reads ZONE, which no step captures."#
        ]
    );
}

#[test]
fn duplicate_ids_built_by_hand() {
    let mut rb = yaml(FLOW);
    let mut copy = rb.steps[1].clone();
    copy.id = "probe".into();
    copy.line = 20;
    copy.next = vec![Branch {
        cond: BranchCond::Always,
        goto: "end".into(),
    }];
    rb.steps.push(copy);
    let problems = check(&rb);
    assert!(
        problems.contains(
            &"rb/flow.yaml:20: step probe: the id is already used by the step at line 4."
                .to_string()
        ),
        "{problems:?}"
    );
}

#[test]
fn bad_var_patterns() {
    let rb = yaml("title: T\nvars: {NS: {pattern: '[a-'}}\nsteps: [{step_id: a}]\n");
    let problems = check(&rb);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("rb/flow.yaml: var NS: the pattern does not compile"),
        "{problems:?}"
    );
}

/// xorshift: deterministic "random" edits without a crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const MD: &str = "---\nalerts: [A]\nvars: {X: {label: x}}\n---\n# T\n## Diagnosis\n1. Run:\n   ```sh {name=a confirm=true}\n   $ echo {{.x}}\n   ```\n```console\n$ ls \\\n  -l\nout\n```\n## Mitigation\nDo it.\n";
const PIECES: [&str; 14] = [
    "```", "~~~", "---", "\n", "{", "}", "$ ", "## ", "# ", "name=", "  ", "\\", "é", ": [",
];

fn mangle(rng: &mut Rng, base: &str) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for _ in 0..1 + rng.next(4) {
        let at = rng.next(chars.len() + 1);
        match rng.next(3) {
            0 => chars.truncate(at),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ => {
                let piece = PIECES[rng.next(PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mangled_runbooks_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let p = Path::new("fuzz.md");
    for i in 0..MD.len() {
        if MD.is_char_boundary(i) {
            let _ = parse_markdown(p, &MD[..i]);
        }
    }
    for _ in 0..400 {
        let md = mangle(&mut rng, MD);
        if let Ok(rb) = parse_markdown(p, &md) {
            let _ = check(&rb);
        }
        let y = mangle(&mut rng, FLOW);
        if let Ok(rb) = parse_yaml(Path::new("fuzz.yaml"), &y) {
            let _ = check(&rb);
        }
        let e = mangle(&mut rng, r#"!(A == "x" || B =~ 'y.*') && C >= -1.5"#);
        let _ = expr::validate(&e);
        let _ = expr::eval(&e, &Default::default());
    }
}
