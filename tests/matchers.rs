//! Alertmanager's matcher syntax, as `oncall alerts --filter`, `oncall ack`
//! and the `/` filter read it.

use oncall::model::matcher::{format_matchers, parse_terms, Term};
use oncall::model::{parse_matchers, Labels, MatchOp};

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

fn ops(input: &str) -> Vec<(String, MatchOp, String)> {
    parse_matchers(input)
        .unwrap_or_else(|e| panic!("{input:?}: {e}"))
        .into_iter()
        .map(|m| (m.name, m.op, m.value))
        .collect()
}

#[test]
fn all_four_operators() {
    let got = ops(r#"a="1", b!="2", c=~"3.*", d!~"4|5""#);
    assert_eq!(
        got,
        vec![
            ("a".into(), MatchOp::Eq, "1".into()),
            ("b".into(), MatchOp::Ne, "2".into()),
            ("c".into(), MatchOp::Re, "3.*".into()),
            ("d".into(), MatchOp::NotRe, "4|5".into()),
        ]
    );
}

#[test]
fn braces_are_optional_and_spaces_free() {
    let want = ops(r#"alertname="X",severity=~"crit.*""#);
    assert_eq!(ops(r#"{alertname="X",severity=~"crit.*"}"#), want);
    assert_eq!(
        ops(r#"  { alertname = "X" ,  severity =~ "crit.*" , }  "#),
        want
    );
    assert!(ops("{}").is_empty());
    assert!(ops("").is_empty());
}

#[test]
fn unquoted_values_and_bare_words() {
    assert_eq!(
        ops("severity=critical"),
        vec![("severity".into(), MatchOp::Eq, "critical".into())]
    );
    assert_eq!(
        ops("ModelDown"),
        vec![("alertname".into(), MatchOp::Eq, "ModelDown".into())]
    );
    assert_eq!(ops("ModelDown, team=ml").len(), 2);
}

#[test]
fn quoted_values_keep_commas_braces_and_escapes() {
    let got = ops(r#"summary="a, b {c}", q="say \"hi\"", p="C:\\tmp""#);
    assert_eq!(got[0].2, "a, b {c}");
    assert_eq!(got[1].2, "say \"hi\"");
    assert_eq!(got[2].2, "C:\\tmp");
}

#[test]
fn regexes_are_anchored_like_alertmanager() {
    let m = &parse_matchers(r#"severity=~"crit""#).unwrap()[0];
    assert!(m.matches(&labels(&[("severity", "crit")])));
    assert!(
        !m.matches(&labels(&[("severity", "critical")])),
        "must be anchored at the end"
    );
    let m = &parse_matchers(r#"job=~"api|web""#).unwrap()[0];
    assert!(m.matches(&labels(&[("job", "web")])));
    assert!(!m.matches(&labels(&[("job", "webapi")])));
}

#[test]
fn missing_labels_read_as_empty() {
    let eq_empty = &parse_matchers(r#"team="""#).unwrap()[0];
    assert!(eq_empty.matches(&labels(&[])));
    let ne = &parse_matchers(r#"team!="ml""#).unwrap()[0];
    assert!(ne.matches(&labels(&[])));
    let not_re = &parse_matchers(r#"team!~"ml.*""#).unwrap()[0];
    assert!(not_re.matches(&labels(&[("team", "data")])));
    assert!(!not_re.matches(&labels(&[("team", "ml-platform")])));
}

#[test]
fn unicode_values() {
    let m = &parse_matchers(r#"service="支付-api""#).unwrap()[0];
    assert!(m.matches(&labels(&[("service", "支付-api")])));
}

#[test]
fn errors_say_what_and_where() {
    let cases: &[(&str, &str, usize)] = &[
        (r#"severity="critical"#, "unterminated", 10),
        (r#"a="1" b="2""#, "expected ','", 7),
        (r#"severity=~"(crit""#, "invalid regex", 11),
        (r#"="x""#, "missing label name", 1),
        (r#"{a="1""#, "missing closing '}'", 7),
        (r#"a="1"}"#, "unexpected", 6),
        (r#"a=>"1""#, "", 0),
        ("team ml", "expected an operator", 6),
        (r#""free text""#, "found the text", 1),
    ];
    for (input, want, column) in cases {
        match parse_matchers(input) {
            Ok(m) if want.is_empty() => assert_eq!(m.len(), 1, "{input}"),
            Ok(m) => panic!("{input:?} parsed as {m:?}, expected an error containing {want:?}"),
            Err(e) => {
                assert!(e.to_string().contains(want), "{input:?}: {e}");
                if *column > 0 {
                    assert_eq!(e.column, *column, "{input:?}: {e}");
                }
            }
        }
    }
}

#[test]
fn free_text_only_in_filters() {
    let terms = parse_terms(r#"team="ml", "p99 latency""#).unwrap();
    assert!(matches!(&terms[1], Term::Text(t) if t == "p99 latency"));
}

#[test]
fn round_trips_through_display() {
    let input = r#"{alertname="X", team=~"ml.*", note!="say \"hi\""}"#;
    let parsed = parse_matchers(input).unwrap();
    assert_eq!(parse_matchers(&format_matchers(&parsed)).unwrap(), parsed);
}
