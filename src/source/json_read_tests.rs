//! Tests of `source::json_read`.

use super::*;

#[test]
fn strings_escapes_and_surrogates() {
    let mut r = Reader::new(r#" "plain" "a\"b\\c\/d\n\t\u00e9\ud83d\ude80" "#);
    assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
    assert_eq!(r.string().unwrap(), "a\"b\\c/d\n\té🚀");
    r.end().unwrap();
    for bad in [
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\x""#,
        r#""abc"#,
        r#""\u12""#,
    ] {
        assert!(Reader::new(bad).string().is_err(), "{bad}");
    }
}

#[test]
fn skips_any_value_and_says_where_it_failed() {
    let text = "{\"a\": [1, -2.5e3, true, false, null, {\"b\": \"c\"}], \"d\": {}}";
    let mut r = Reader::new(text);
    r.skip().unwrap();
    r.end().unwrap();
    let err = Reader::new("[1,\n 2,\n x]").skip().unwrap_err();
    assert_eq!((err.line, err.column), (3, 2), "{err}");
    assert_eq!(err.kind, ReadKind::Syntax);
    for cut in ["[1, 2", "[\"ab", "[\"a\\u00", "[nu", "{\"a\":"] {
        let err = Reader::new(cut).skip().unwrap_err();
        assert_eq!(err.kind, ReadKind::Eof, "{cut}: {err}");
    }
    let mut r = Reader::new("[12]");
    r.open(b'[').unwrap();
    assert_eq!(r.string().unwrap_err().kind, ReadKind::Shape);
    assert_eq!(
        Reader::new("{}").open(b'[').unwrap_err().kind,
        ReadKind::Shape
    );
    for bad in [
        "[1 2]",
        "{\"a\" 1}",
        "[01]",
        "[1.]",
        "[-]",
        "[tru]",
        "[",
        "{\"a\":1,}",
    ] {
        assert!(Reader::new(bad).skip().is_err(), "{bad}");
    }
    let deep = "[".repeat(200) + &"]".repeat(200);
    assert!(Reader::new(&deep).skip().is_err(), "too deep");
}
