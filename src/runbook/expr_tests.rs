use std::collections::BTreeMap;

use super::{eval, validate, variables};

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn string_comparisons() {
    let v = vars(&[("STAGE", "inference")]);
    assert_eq!(eval(r#"STAGE == "inference""#, &v), Ok(true));
    assert_eq!(eval("STAGE == 'fetch'", &v), Ok(false));
    assert_eq!(eval(r#"STAGE != "fetch""#, &v), Ok(true));
    assert!(eval(r#"STAGE < "z""#, &v).unwrap_err().contains("numbers"));
}

#[test]
fn numbers_compare_as_numbers() {
    let v = vars(&[("LAG", "300"), ("RATIO", "0.25")]);
    // As strings "300" < "40"; as numbers it is not.
    assert_eq!(eval("LAG < 40", &v), Ok(false));
    assert_eq!(eval("LAG >= 300", &v), Ok(true));
    assert_eq!(eval("LAG > 299.5", &v), Ok(true));
    assert_eq!(eval("RATIO <= 0.25 && RATIO > -1", &v), Ok(true));
    assert_eq!(eval(r#"LAG == "300.0""#, &v), Ok(true));
}

#[test]
fn regex_matches_are_anchored() {
    let v = vars(&[("POD", "api-7f9c")]);
    assert_eq!(eval(r#"POD =~ "api-.*""#, &v), Ok(true));
    assert_eq!(eval(r#"POD =~ "7f9c""#, &v), Ok(false));
    assert_eq!(eval(r#"POD =~ "api-\w+""#, &v), Ok(true));
    assert!(validate(r#"POD =~ "(unclosed""#)
        .unwrap_err()
        .contains("invalid regex"));
    assert!(validate("POD =~ api").is_err());
}

#[test]
fn logic_precedence_and_parentheses() {
    let v = vars(&[("A", "1"), ("B", ""), ("C", "x")]);
    // && binds tighter than ||.
    assert_eq!(eval("true || false && false", &v), Ok(true));
    assert_eq!(eval("(true || false) && false", &v), Ok(false));
    assert_eq!(eval("!B && A", &v), Ok(true));
    assert_eq!(eval("!(A == 1)", &v), Ok(false));
    assert_eq!(eval("C", &v), Ok(true));
    assert_eq!(eval("B", &v), Ok(false));
}

#[test]
fn unset_variables() {
    let v = vars(&[]);
    let e = eval(r#"STAGE == "x""#, &v).unwrap_err();
    assert!(e.contains("STAGE"), "{e}");
    // A bare name asks whether it is set: no error.
    assert_eq!(eval("STAGE", &v), Ok(false));
    // Short-circuit: the right side is not read.
    assert_eq!(eval(r#"false && STAGE == "x""#, &v), Ok(false));
}

#[test]
fn syntax_errors_name_the_column() {
    for bad in [
        "",
        "A ==",
        "(A",
        "A B",
        "A = 1",
        "\"x",
        "A && && B",
        "42",
        "A == 1)",
        "@",
    ] {
        assert!(validate(bad).is_err(), "{bad:?} should not validate");
    }
    assert!(validate("A = 1").unwrap_err().contains("=="));
    assert!(validate("(A").unwrap_err().contains("column 3"));
    assert!(validate(r#"A == "it\"s""#).is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}A{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(validate(&deep).is_err());
    let nots = format!("{}A", "!".repeat(10_000));
    assert!(validate(&nots).is_err());
}

#[test]
fn variables_are_listed() {
    assert_eq!(
        variables(r#"B == "x" || (A && !B) || C =~ "y""#).unwrap(),
        vec!["A", "B", "C"]
    );
}
