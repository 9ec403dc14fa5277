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
        ("team ml", "expected an operator", 6),
        (r#""free text""#, "found the text", 1),
        // Alertmanager refuses these too.
        (r#"alertname=="X""#, "missing value", 11),
        (r#"a=>"1""#, "", 0),
        (r#"job=value""#, "unterminated", 10),
        (r#"contains_unescaped_quote = foo"bar"#, "", 0),
        (r#"a="1",,b="2""#, "expected a label name", 7),
        (r#"a!"1""#, "operators", 0),
    ];
    for (input, want, column) in cases {
        match parse_matchers(input) {
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

/// Alertmanager's default mode reads these with its classic parser, which
/// trims one brace at each end rather than pairing them.
#[test]
fn an_unpaired_brace_is_trimmed_as_alertmanager_does() {
    let want = vec![("a".to_string(), MatchOp::Eq, "1".to_string())];
    assert_eq!(ops(r#"{a="1""#), want);
    assert_eq!(ops(r#"a="1"}"#), want);
}

#[test]
fn regex_escapes_reach_the_server_unchanged() {
    let m = &parse_matchers(r#"instance=~"fraud-\d:8080""#).unwrap()[0];
    assert_eq!(m.value, r"fraud-\d:8080");
    assert!(m.matches(&labels(&[("instance", "fraud-0:8080")])));
    assert!(!m.matches(&labels(&[("instance", "fraud-d:8080")])));
    let m = &parse_matchers(r#"instance=~"fraud-0\.*""#).unwrap()[0];
    assert_eq!(m.value, r"fraud-0\.*");
    assert!(m.matches(&labels(&[("instance", "fraud-0...")])));
    assert!(!m.matches(&labels(&[("instance", "fraud-0:8080")])));
    // Unquoted, as the classic parser reads it.
    assert_eq!(ops(r"job=~api\w+")[0].2, r"api\w+");
    // The three escapes both of Alertmanager's parsers agree on.
    assert_eq!(ops(r#"a="x\\y\"z\n""#)[0].2, "x\\y\"z\n");
}

#[test]
fn quoted_and_utf8_label_names() {
    assert_eq!(
        ops(r#"{"foo"="bar"}"#),
        vec![("foo".to_string(), MatchOp::Eq, "bar".to_string())]
    );
    assert_eq!(
        ops(r#"{"service name"=~"a.*", café="au lait"}"#),
        vec![
            ("service name".to_string(), MatchOp::Re, "a.*".to_string()),
            ("café".to_string(), MatchOp::Eq, "au lait".to_string()),
        ]
    );
    let m = &parse_matchers(r#""service name"="x""#).unwrap()[0];
    assert!(m.matches(&labels(&[("service name", "x")])));
}

#[test]
fn free_text_only_in_filters() {
    let terms = parse_terms(r#"team="ml", "p99 latency""#).unwrap();
    assert!(matches!(&terms[1], Term::Text(t) if t == "p99 latency"));
}

#[test]
fn round_trips_through_display() {
    let input = r#"{alertname="X", team=~"ml.*", note!="say \"hi\"", re=~"a\\d", "a b"="c"}"#;
    let parsed = parse_matchers(input).unwrap();
    assert_eq!(parse_matchers(&format_matchers(&parsed)).unwrap(), parsed);
    assert_eq!(format_matchers(&parsed), input);
    // A backslash the classic parser keeps prints escaped, and reads back.
    let kept = parse_matchers(r#"re=~"a\d""#).unwrap();
    assert_eq!(kept[0].value, r"a\d");
    assert_eq!(parse_matchers(&format_matchers(&kept)).unwrap(), kept);
}

/// Refused by both of Alertmanager's parsers: the error given is the one
/// that matters, not an escape the classic parser would have kept.
#[test]
fn the_error_past_a_kept_escape_is_the_one_given() {
    let e = parse_matchers(r#"instance=~"fraud-\d:8080",alertname=="X""#).unwrap_err();
    assert!(e.message.contains("missing value after alertname="), "{e}");
    assert_eq!(e.column, 37, "{e}");
    // Only the escape is wrong for the UTF-8 parser, and the quoted name
    // is wrong for the classic one: both are said.
    let e = parse_matchers(r#"{"service"="x", pod=~"a\d"}"#).unwrap_err();
    assert!(e.message.contains(r"unknown escape \d"), "{e}");
    assert!(e.message.contains("classic parser"), "{e}");
    // A regex error names the regex once.
    let e = parse_matchers(r#"a=~"((""#).unwrap_err();
    assert!(!e.message.contains("error: "), "{e}");
}
