//! Tests of `source::alertmanager_writes`.

use super::*;

#[test]
fn errors_name_the_member_and_the_reason() {
    let e = WriteError {
        attempts: vec![
            (
                "am-eu-1".into(),
                SourceError::Connect("connection refused".into()),
            ),
            (
                "am-eu-2".into(),
                SourceError::Status {
                    status: 400,
                    snippet: "\"silence invalid: matcher value empty\"".into(),
                },
            ),
        ],
    };
    assert_eq!(
        e.to_string(),
        "am-eu-1: cannot connect: connection refused; 400 from am-eu-2: silence invalid: matcher value empty"
    );
    assert!(!worth_another_member(&e.attempts[1].1));
    assert_eq!(
        server_words(r#""invalid label name \"a-b\"""#),
        r#"invalid label name "a-b""#
    );
    assert_eq!(
        server_words(r#"{"code":601,"message":"must be of type uuid: \"x\""}"#),
        r#"must be of type uuid: "x""#
    );
    assert_eq!(server_words(r#""clipped \"a-b…"#), r#"clipped "a-b…"#);
    assert!(worth_another_member(&e.attempts[0].1));
    assert_eq!(path_segment("ab-12/../x"), "ab-12%2F%2E%2E%2Fx");
}
