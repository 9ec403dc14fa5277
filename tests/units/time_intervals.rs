//! `time_intervals:` in Alertmanager's shape: checking the config and asking
//! whether a moment is inside a named interval.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use oncall::config::{time_intervals, time_intervals_value, TimeIntervalConfig};
use oncall::model::time_interval::TimeInterval;

fn load(yaml: &str) -> Result<Vec<TimeInterval>, String> {
    let configs: Vec<TimeIntervalConfig> = serde_yaml::from_str(yaml).expect("valid YAML shape");
    time_intervals(&configs)
}

fn one(yaml: &str) -> TimeInterval {
    let mut all = load(yaml).expect("valid time_intervals");
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

/// A wall-clock time in `zone` (which has to exist and be unambiguous).
fn local(zone: Tz, text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a local time");
    zone.from_local_datetime(&naive)
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&Utc)
}

fn berlin(text: &str) -> DateTime<Utc> {
    local(chrono_tz::Europe::Berlin, text)
}

fn err(yaml: &str) -> String {
    load(yaml).expect_err("should be rejected")
}

const BUSINESS_HOURS: &str = r#"
- name: business_hours
  time_intervals:
    - times: [{start_time: "09:00", end_time: "17:00"}]
      weekdays: ["monday:friday"]
      location: Europe/Berlin
"#;

#[test]
fn business_hours_in_berlin_on_an_ordinary_day() {
    let bh = one(BUSINESS_HOURS);
    assert_eq!(bh.name, "business_hours");
    // Wednesday 2026-01-14, CET (UTC+1).
    assert!(!bh.contains(berlin("2026-01-14 08:59")));
    assert!(bh.contains(berlin("2026-01-14 09:00")));
    assert!(bh.contains(berlin("2026-01-14 16:59")));
    assert!(!bh.contains(berlin("2026-01-14 17:00")));
    // The same in UTC terms: 09:00 CET is 08:00Z.
    assert!(!bh.contains(utc("2026-01-14T07:59:59Z")));
    assert!(bh.contains(utc("2026-01-14T08:00:00Z")));
    assert!(bh.contains(utc("2026-01-14T15:59:59Z")));
    assert!(!bh.contains(utc("2026-01-14T16:00:00Z")));
}

#[test]
fn business_hours_across_the_spring_dst_change() {
    let bh = one(BUSINESS_HOURS);
    // Friday 2026-03-27 is still CET (UTC+1): 09:00 local is 08:00Z.
    assert!(!bh.contains(utc("2026-03-27T07:59:00Z")));
    assert!(bh.contains(utc("2026-03-27T08:00:00Z")));
    assert!(bh.contains(utc("2026-03-27T15:59:00Z")));
    assert!(!bh.contains(utc("2026-03-27T16:00:00Z")));
    // Clocks go forward on Sunday 2026-03-29; Monday 2026-03-30 is CEST
    // (UTC+2): 09:00 local is 07:00Z.
    assert!(!bh.contains(utc("2026-03-30T06:59:00Z")));
    assert!(bh.contains(utc("2026-03-30T07:00:00Z")));
    assert!(bh.contains(utc("2026-03-30T14:59:00Z")));
    assert!(!bh.contains(utc("2026-03-30T15:00:00Z")));
    for day in ["2026-03-27", "2026-03-30", "2026-03-31"] {
        assert!(!bh.contains(berlin(&format!("{day} 08:59"))), "{day}");
        assert!(bh.contains(berlin(&format!("{day} 09:00"))), "{day}");
        assert!(bh.contains(berlin(&format!("{day} 16:59"))), "{day}");
        assert!(!bh.contains(berlin(&format!("{day} 17:00"))), "{day}");
    }
    // The change day itself is a Sunday.
    assert!(!bh.contains(berlin("2026-03-29 10:00")));
}

#[test]
fn business_hours_across_the_autumn_dst_change() {
    let bh = one(BUSINESS_HOURS);
    // Friday 2026-10-23 is still CEST (UTC+2).
    assert!(!bh.contains(utc("2026-10-23T06:59:00Z")));
    assert!(bh.contains(utc("2026-10-23T07:00:00Z")));
    assert!(!bh.contains(utc("2026-10-23T15:00:00Z")));
    // Clocks go back on Sunday 2026-10-25; Monday 2026-10-26 is CET (UTC+1).
    assert!(!bh.contains(utc("2026-10-26T07:59:00Z")));
    assert!(bh.contains(utc("2026-10-26T08:00:00Z")));
    assert!(bh.contains(utc("2026-10-26T15:59:00Z")));
    assert!(!bh.contains(utc("2026-10-26T16:00:00Z")));
    for day in ["2026-10-23", "2026-10-26", "2026-10-27"] {
        assert!(!bh.contains(berlin(&format!("{day} 08:59"))), "{day}");
        assert!(bh.contains(berlin(&format!("{day} 09:00"))), "{day}");
        assert!(bh.contains(berlin(&format!("{day} 16:59"))), "{day}");
        assert!(!bh.contains(berlin(&format!("{day} 17:00"))), "{day}");
    }
    assert!(!bh.contains(berlin("2026-10-25 10:00")));
}

#[test]
fn local_hours_on_the_dst_change_nights() {
    let night = one(r#"
- name: change_night
  time_intervals:
    - {times: [{start_time: "02:00", end_time: "03:00"}], location: Europe/Berlin}
"#);
    // Spring: 02:00-03:00 local does not exist on 2026-03-29.
    assert!(!night.contains(utc("2026-03-29T00:59:00Z"))); // 01:59 CET
    assert!(!night.contains(utc("2026-03-29T01:00:00Z"))); // 03:00 CEST
                                                           // Autumn: 02:00-03:00 local happens twice on 2026-10-25.
    assert!(!night.contains(utc("2026-10-24T23:59:00Z"))); // 01:59 CEST
    assert!(night.contains(utc("2026-10-25T00:00:00Z"))); // 02:00 CEST
    assert!(night.contains(utc("2026-10-25T00:59:00Z"))); // 02:59 CEST
    assert!(night.contains(utc("2026-10-25T01:00:00Z"))); // 02:00 CET
    assert!(night.contains(utc("2026-10-25T01:59:00Z"))); // 02:59 CET
    assert!(!night.contains(utc("2026-10-25T02:00:00Z"))); // 03:00 CET
}

#[test]
fn weekends_and_the_default_zone_is_utc() {
    let weekend = one(r#"
- name: weekend
  time_intervals:
    - weekdays: [Saturday, SUNDAY]
"#);
    assert!(!weekend.contains(utc("2026-03-27T23:59:59Z"))); // Friday
    assert!(weekend.contains(utc("2026-03-28T00:00:00Z"))); // Saturday
    assert!(weekend.contains(utc("2026-03-29T23:59:59Z"))); // Sunday
    assert!(!weekend.contains(utc("2026-03-30T00:00:00Z"))); // Monday

    // The weekday is the one in the location: Saturday 00:30 in Tokyo is
    // still Friday in UTC.
    let tokyo = one(r#"
- name: weekend_tokyo
  time_intervals:
    - {weekdays: ["saturday:sunday"], location: Asia/Tokyo}
"#);
    assert!(tokyo.contains(utc("2026-03-27T15:30:00Z")));
    assert!(!tokyo.contains(utc("2026-03-29T15:30:00Z"))); // Monday 00:30 JST
}

#[test]
fn end_of_day_is_24_00() {
    let evening = one(r#"
- name: evening
  time_intervals:
    - times: [{start_time: "18:00", end_time: "24:00"}]
"#);
    assert!(!evening.contains(utc("2026-05-01T17:59:59Z")));
    assert!(evening.contains(utc("2026-05-01T18:00:00Z")));
    assert!(evening.contains(utc("2026-05-01T23:59:59Z")));
    assert!(!evening.contains(utc("2026-05-02T00:00:00Z")));
}

#[test]
fn several_times_in_one_sub_interval() {
    let split = one(r#"
- name: split_shift
  time_intervals:
    - times:
        - {start_time: "08:00", end_time: "12:00"}
        - {start_time: "13:00", end_time: "17:00"}
"#);
    assert!(split.contains(utc("2026-05-01T11:59:00Z")));
    assert!(!split.contains(utc("2026-05-01T12:30:00Z")));
    assert!(split.contains(utc("2026-05-01T13:00:00Z")));
}

#[test]
fn negative_days_of_month_count_from_the_end() {
    let last = one(r#"
- name: month_end
  time_intervals:
    - days_of_month: [-1]
"#);
    // February in the leap year 2028 ends on the 29th.
    assert!(!last.contains(utc("2028-02-28T12:00:00Z")));
    assert!(last.contains(utc("2028-02-29T00:00:00Z")));
    assert!(last.contains(utc("2028-02-29T23:59:59Z")));
    // ... and on the 28th in 2027.
    assert!(last.contains(utc("2027-02-28T12:00:00Z")));
    assert!(last.contains(utc("2026-04-30T12:00:00Z")));
    assert!(!last.contains(utc("2026-05-30T12:00:00Z")));
    assert!(last.contains(utc("2026-05-31T12:00:00Z")));
    assert!(last.contains(utc("2026-12-31T12:00:00Z")));

    let last_three = one(r#"
- name: last_three
  time_intervals:
    - days_of_month: ["-3:-1"]
"#);
    assert!(!last_three.contains(utc("2028-02-26T12:00:00Z")));
    assert!(last_three.contains(utc("2028-02-27T12:00:00Z")));
    assert!(last_three.contains(utc("2028-02-29T12:00:00Z")));
    assert!(!last_three.contains(utc("2028-03-01T12:00:00Z")));
    assert!(!last_three.contains(utc("2028-03-28T12:00:00Z")));
    assert!(last_three.contains(utc("2028-03-29T12:00:00Z")));

    let mixed = one(r#"
- name: mixed
  time_intervals:
    - days_of_month: ["1:5", 10, "20:-2"]
"#);
    assert!(mixed.contains(utc("2028-02-01T12:00:00Z")));
    assert!(mixed.contains(utc("2028-02-05T12:00:00Z")));
    assert!(!mixed.contains(utc("2028-02-06T12:00:00Z")));
    assert!(mixed.contains(utc("2028-02-10T12:00:00Z")));
    assert!(!mixed.contains(utc("2028-02-11T12:00:00Z")));
    assert!(mixed.contains(utc("2028-02-28T12:00:00Z")));
    assert!(!mixed.contains(utc("2028-02-29T12:00:00Z")));
}

#[test]
fn days_of_month_in_the_location() {
    // 2026-03-31T23:30Z is already April 1st in Berlin.
    let first = one(r#"
- name: first
  time_intervals:
    - {days_of_month: [1], location: Europe/Berlin}
"#);
    assert!(first.contains(utc("2026-03-31T22:30:00Z")));
    assert!(!first.contains(utc("2026-03-31T21:30:00Z")));
}

#[test]
fn months_and_years() {
    let q1 = one(r#"
- name: q1
  time_intervals:
    - months: ["january:march"]
      years: ["2026:2027"]
"#);
    assert!(!q1.contains(utc("2025-02-01T00:00:00Z")));
    assert!(q1.contains(utc("2026-01-01T00:00:00Z")));
    assert!(q1.contains(utc("2027-03-31T23:59:59Z")));
    assert!(!q1.contains(utc("2027-04-01T00:00:00Z")));
    assert!(!q1.contains(utc("2028-01-15T00:00:00Z")));

    let numbers = one(r#"
- name: numbers
  time_intervals:
    - months: ["1:3", 12, July, "October:november"]
      years: [2026]
"#);
    for (t, want) in [
        ("2026-02-10T00:00:00Z", true),
        ("2026-04-10T00:00:00Z", false),
        ("2026-07-10T00:00:00Z", true),
        ("2026-08-10T00:00:00Z", false),
        ("2026-10-10T00:00:00Z", true),
        ("2026-11-30T00:00:00Z", true),
        ("2026-12-10T00:00:00Z", true),
        ("2027-02-10T00:00:00Z", false),
    ] {
        assert_eq!(numbers.contains(utc(t)), want, "{t}");
    }
}

#[test]
fn sub_intervals_are_or_ed_and_fields_and_ed() {
    let support = one(r#"
- name: support_hours
  time_intervals:
    - {times: [{start_time: "09:00", end_time: "17:00"}], weekdays: ["monday:friday"], location: Europe/Berlin}
    - {weekdays: [saturday], times: [{start_time: "10:00", end_time: "12:00"}]}
"#);
    assert_eq!(support.ranges.len(), 2);
    // Weekday in Berlin.
    assert!(support.contains(berlin("2026-06-03 09:30")));
    assert!(!support.contains(berlin("2026-06-03 17:30")));
    // Saturday 10:00-12:00 UTC (the second sub-interval has no location).
    assert!(!support.contains(utc("2026-06-06T09:59:00Z")));
    assert!(support.contains(utc("2026-06-06T10:00:00Z")));
    assert!(support.contains(utc("2026-06-06T11:59:00Z")));
    assert!(!support.contains(utc("2026-06-06T12:00:00Z")));
    // Saturday 10:30 Berlin is 08:30Z: neither sub-interval.
    assert!(!support.contains(berlin("2026-06-06 10:30")));
    // Sunday: neither.
    assert!(!support.contains(utc("2026-06-07T10:30:00Z")));
}

#[test]
fn empty_fields_match_everything_and_no_sub_intervals_match_nothing() {
    let all = load(
        r#"
- name: always
  time_intervals:
    - {}
- name: never
  time_intervals: []
"#,
    )
    .unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].contains(utc("2026-06-07T10:30:00Z")));
    assert!(!all[1].contains(utc("2026-06-07T10:30:00Z")));
}

#[test]
fn from_the_config_value() {
    let value: serde_yaml::Value = serde_yaml::from_str(BUSINESS_HOURS).unwrap();
    let all = time_intervals_value(Some(&value)).unwrap();
    assert_eq!(all[0].name, "business_hours");
    assert!(time_intervals_value(None).unwrap().is_empty());
    assert!(time_intervals_value(Some(&serde_yaml::Value::Null))
        .unwrap()
        .is_empty());
    let bad: serde_yaml::Value = serde_yaml::from_str("- {name: x, when: always}").unwrap();
    let e = time_intervals_value(Some(&bad)).unwrap_err();
    assert!(e.starts_with("time_intervals: "), "{e}");
    assert!(e.contains("when"), "{e}");
    let bad: serde_yaml::Value =
        serde_yaml::from_str("- {name: x, time_intervals: [{weekdays: [funday]}]}").unwrap();
    let e = time_intervals_value(Some(&bad)).unwrap_err();
    assert!(e.starts_with("time_intervals.x.weekdays: "), "{e}");
}

#[test]
fn unknown_keys_are_rejected() {
    let e = serde_yaml::from_str::<Vec<TimeIntervalConfig>>(
        "- {name: x, time_intervals: [{weekday: [monday]}]}",
    )
    .unwrap_err();
    assert!(e.to_string().contains("weekday"), "{e}");
}

/// Each error starts `time_intervals.NAME.FIELD: ` and quotes what is wrong.
#[test]
fn every_error_names_the_field() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"[{start_time: "9am", end_time: "17:00"}]"#,
            "times.start_time",
            "9am",
        ),
        (
            r#"[{start_time: "09:00", end_time: "25:00"}]"#,
            "times.end_time",
            "25:00",
        ),
        (
            r#"[{start_time: "09:60", end_time: "17:00"}]"#,
            "times.start_time",
            "09:60",
        ),
        (
            r#"[{start_time: "24:00", end_time: "24:00"}]"#,
            "times.start_time",
            "24:00",
        ),
        (
            r#"[{start_time: "17:00", end_time: "09:00"}]"#,
            "times",
            "17:00 to 09:00",
        ),
        (
            r#"[{start_time: "09:00", end_time: "09:00"}]"#,
            "times",
            "09:00 to 09:00",
        ),
    ];
    for (times, field, quoted) in cases {
        let e = err(&format!(
            "- {{name: bh, time_intervals: [{{times: {times}}}]}}"
        ));
        assert!(
            e.starts_with(&format!("time_intervals.bh.{field}: ")),
            "{times}: {e}"
        );
        assert!(e.contains(quoted), "{times}: {e}");
    }

    let cases: &[(&str, &str, &str)] = &[
        ("weekdays: [funday]", "weekdays", "funday"),
        ("weekdays: [\"friday:monday\"]", "weekdays", "friday:monday"),
        ("weekdays: [\"monday:\"]", "weekdays", "monday:"),
        (
            "weekdays: [\"monday:tuesday:friday\"]",
            "weekdays",
            "monday:tuesday:friday",
        ),
        ("days_of_month: [0]", "days_of_month", "0"),
        ("days_of_month: [32]", "days_of_month", "32"),
        ("days_of_month: [-32]", "days_of_month", "-32"),
        ("days_of_month: [\"5:1\"]", "days_of_month", "5:1"),
        ("days_of_month: [\"-1:-3\"]", "days_of_month", "-1:-3"),
        ("days_of_month: [first]", "days_of_month", "first"),
        ("months: [smarch]", "months", "smarch"),
        ("months: [13]", "months", "13"),
        (
            "months: [\"december:january\"]",
            "months",
            "december:january",
        ),
        ("years: [\"2028:2026\"]", "years", "2028:2026"),
        ("years: [next]", "years", "next"),
        (
            "location: Mars/Olympus_Mons",
            "location",
            "Mars/Olympus_Mons",
        ),
    ];
    for (field_yaml, field, quoted) in cases {
        let e = err(&format!(
            "- {{name: bh, time_intervals: [{{{field_yaml}}}]}}"
        ));
        assert!(
            e.starts_with(&format!("time_intervals.bh.{field}: ")),
            "{field_yaml}: {e}"
        );
        assert!(e.contains(quoted), "{field_yaml}: {e}");
    }

    // The bad sub-interval may come after good ones.
    let e = err(r#"
- name: ok
  time_intervals: [{weekdays: [monday]}]
- name: late
  time_intervals:
    - {weekdays: [monday]}
    - {months: [jan]}
"#);
    assert!(e.starts_with("time_intervals.late.months: "), "{e}");

    let e = err(r#"
- {name: twice, time_intervals: []}
- {name: twice, time_intervals: [{weekdays: [monday]}]}
"#);
    assert!(e.starts_with("time_intervals.twice.name: "), "{e}");
    assert!(e.contains("twice"), "{e}");

    let e = err("- {name: '', time_intervals: []}");
    assert!(e.starts_with("time_intervals.name: "), "{e}");
}
