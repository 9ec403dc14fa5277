//! Tests of `source::am_decode`.

use super::*;

#[test]
fn fast_timestamps_agree_with_chrono() {
    for s in [
        "2026-11-22T02:30:00.123Z",
        "2026-11-22T02:30:00Z",
        "2026-11-22T02:30:00.123456789Z",
        "0001-01-01T00:00:00Z",
        "2026-11-22T02:30:00+01:00",
        "2026-11-22t02:30:00.5Z",
    ] {
        let want = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(parse_time(s), Some(want), "{s}");
    }
    for bad in [
        "2026-13-22T02:30:00Z",
        "2026-11-22 02:30",
        "2026-11-22T02:30:00.Z",
        "",
    ] {
        assert_eq!(parse_time(bad), None, "{bad}");
    }
}

#[test]
fn the_last_date_is_reused_only_for_the_same_day() {
    let mut dates = Dates::default();
    for s in [
        "2026-11-22T02:30:00.123Z",
        "2026-11-22T23:59:59.999Z",
        "2026-11-23T00:00:00Z",
        "2026-02-28T12:00:00Z",
        "2026-02-30T12:00:00Z",
        "2026-11-23T00:00:01Z",
    ] {
        let want = DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.with_timezone(&Utc));
        assert_eq!(parse_time_with(s, &mut dates), want, "{s}");
    }
}

const ONE: &str = r#"[{"annotations":{"summary":"disk \"full\"\n"},"endsAt":"2030-01-01T00:04:00.000Z",
  "fingerprint":"0123456789abcdef","receivers":[{"name":"team"}],"startsAt":"2030-01-01T00:00:00.000Z",
  "status":{"inhibitedBy":null,"silencedBy":["s1"],"state":"suppressed","mutedBy":[]},"extra":{"a":[1]},
  "updatedAt":"2030-01-01T00:01:00.000Z","generatorURL":"http://p/graph","labels":{"job":"j","alertname":"DiskFull"}}]"#;

#[test]
fn decodes_escapes_nulls_unsorted_labels_and_unknown_fields() {
    let a = &decode_alerts(ONE.as_bytes(), "am1").unwrap()[0];
    assert_eq!(a.state, AlertState::Suppressed);
    assert_eq!(a.silenced_by, vec!["s1"]);
    assert!(a.inhibited_by.is_empty());
    assert_eq!(a.receivers.as_slice(), ["team"]);
    assert_eq!(a.sources.as_slice(), ["am1"]);
    assert_eq!(a.summary(), "disk \"full\"\n");
    assert_eq!(a.alertname(), "DiskFull");
    assert_eq!(a.labels.keys().collect::<Vec<_>>(), ["alertname", "job"]);
}

#[test]
fn agrees_with_the_serde_derived_dto() {
    let dto: Vec<crate::source::dto::AmAlert> =
        crate::source::http::decode(ONE.as_bytes()).unwrap();
    let want: Vec<Alert> = dto
        .into_iter()
        .map(|a| crate::source::alertmanager::alert(a, "am1"))
        .collect();
    let got = decode_alerts(ONE.as_bytes(), "am1").unwrap();
    assert_eq!(got, want);
}

#[test]
fn missing_fields_and_bad_json_are_errors() {
    for bad in [
        r#"[{"fingerprint":"x","status":{"state":"active"}}]"#,
        r#"[{"fingerprint":"x","startsAt":"2030-01-01T00:00:00Z"}]"#,
        r#"[{"fingerprint":"x","startsAt":"yesterday","status":{"state":"active"}}]"#,
        r#"[{"fingerprint":"x""#,
    ] {
        assert!(decode_alerts(bad.as_bytes(), "am1").is_err(), "{bad}");
    }
}
