//! The `time_intervals:` config, in Alertmanager's shape, checked into
//! `model::time_interval::TimeInterval`s.
//!
//! ```yaml
//! time_intervals:
//!   - name: business_hours
//!     time_intervals:
//!       - {times: [{start_time: "09:00", end_time: "17:00"}], weekdays: ["monday:friday"], location: Europe/Berlin}
//! ```

use std::fmt;

use chrono_tz::Tz;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::model::time_interval::{Span, TimeInterval, TimeRange};
use crate::yaml;

/// `{name, time_intervals: [...]}`: a named union of sub-intervals.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeIntervalConfig {
    pub name: String,
    #[serde(default)]
    pub time_intervals: Vec<TimeRangeConfig>,
}

/// One sub-interval; a field left out matches anything.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRangeConfig {
    #[serde(default)]
    pub times: Vec<TimesConfig>,
    /// `monday`, `monday:friday`.
    #[serde(default)]
    pub weekdays: Vec<RangeItem>,
    /// `1`, `1:5`, `-1`, `-3:-1`.
    #[serde(default)]
    pub days_of_month: Vec<RangeItem>,
    /// `january`, `january:march`, `1:3`.
    #[serde(default)]
    pub months: Vec<RangeItem>,
    /// `2026`, `2026:2028`.
    #[serde(default)]
    pub years: Vec<RangeItem>,
    /// An IANA zone (default UTC).
    pub location: Option<String>,
}

/// `{start_time: "09:00", end_time: "17:00"}`, end excluded.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimesConfig {
    pub start_time: String,
    pub end_time: String,
}

/// One list entry: a name, a number or an `a:b` range. YAML numbers are
/// taken as their text, so `years: [2026]` and `days_of_month: [-1]` work
/// unquoted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeItem(pub String);

impl<'de> Deserialize<'de> for RangeItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = RangeItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name, a number or a range like a:b")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RangeItem, E> {
                Ok(RangeItem(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RangeItem, E> {
                Ok(RangeItem(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RangeItem, E> {
                Ok(RangeItem(v.to_string()))
            }
        }
        d.deserialize_any(Text)
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Checks the config's `time_intervals:` section as it is stored (an opaque
/// YAML value); absent or null is no intervals.
pub fn time_intervals_value(value: Option<&yaml::Value>) -> Result<Vec<TimeInterval>, String> {
    match value {
        None | Some(yaml::Value::Null) => Ok(Vec::new()),
        Some(v) => {
            let configs = Vec::<TimeIntervalConfig>::deserialize(v)
                .map_err(|e| format!("time_intervals: {e}"))?;
            time_intervals(&configs)
        }
    }
}

/// Checks every named interval; errors read `time_intervals.NAME.FIELD: ...`.
pub fn time_intervals(configs: &[TimeIntervalConfig]) -> Result<Vec<TimeInterval>, String> {
    let mut out: Vec<TimeInterval> = Vec::new();
    for c in configs {
        let at = |key: &str, e: String| format!("time_intervals.{}.{key}: {e}", c.name);
        if c.name.trim().is_empty() {
            return Err("time_intervals.name: every time interval needs a name".into());
        }
        if out.iter().any(|t| t.name == c.name) {
            return Err(at("name", format!("{:?} is defined twice", c.name)));
        }
        let ranges = c
            .time_intervals
            .iter()
            .map(|r| range(r).map_err(|(key, e)| at(key, e)))
            .collect::<Result<_, _>>()?;
        out.push(TimeInterval {
            name: c.name.clone(),
            ranges,
        });
    }
    Ok(out)
}

/// One sub-interval; an error names its key.
fn range(c: &TimeRangeConfig) -> Result<TimeRange, (&'static str, String)> {
    let location = match &c.location {
        None => Tz::UTC,
        Some(name) => name.trim().parse().map_err(|_| {
            (
                "location",
                format!("{name:?} is not an IANA time zone (e.g. Europe/Berlin)"),
            )
        })?,
    };
    let mut times = Vec::new();
    for t in &c.times {
        let start = clock(&t.start_time, false).map_err(|e| ("times.start_time", e))?;
        let end = clock(&t.end_time, true).map_err(|e| ("times.end_time", e))?;
        if end <= start {
            return Err((
                "times",
                format!(
                    "{} to {} does not end after it starts (split a range over midnight in two)",
                    t.start_time, t.end_time
                ),
            ));
        }
        times.push(Span { start, end });
    }
    Ok(TimeRange {
        times,
        weekdays: spans(&c.weekdays, weekday).map_err(|e| ("weekdays", e))?,
        days_of_month: day_spans(&c.days_of_month).map_err(|e| ("days_of_month", e))?,
        months: spans(&c.months, month).map_err(|e| ("months", e))?,
        years: spans(&c.years, year).map_err(|e| ("years", e))?,
        location,
    })
}

/// `HH:MM` as minutes after midnight; `24:00` only as an end.
fn clock(text: &str, is_end: bool) -> Result<u16, String> {
    let bad = || format!("{text:?} is not a time like 09:00 (00:00 to 24:00)");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match (h, m) {
        (24, 0) if is_end => Ok(24 * 60),
        (24, 0) => Err(format!("{text:?}: 24:00 can only end a range")),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

/// `a` or `a:b` (trimmed), split into its ends.
fn ends(item: &RangeItem) -> Result<(&str, &str), String> {
    let text = item.0.trim();
    let parts: Vec<&str> = text.splitn(3, ':').map(str::trim).collect();
    match parts[..] {
        [one] if !one.is_empty() => Ok((one, one)),
        [a, b] if !a.is_empty() && !b.is_empty() => Ok((a, b)),
        _ => Err(format!("{:?} is not a value or a range like a:b", item.0)),
    }
}

/// Each item as an inclusive span whose ends `one` reads; a span has to
/// run forwards.
fn spans<T: PartialOrd + Copy>(
    items: &[RangeItem],
    one: fn(&str) -> Result<T, String>,
) -> Result<Vec<Span<T>>, String> {
    items
        .iter()
        .map(|item| {
            let (a, b) = ends(item)?;
            let (start, end) = (one(a)?, one(b)?);
            if end < start {
                return Err(format!("{:?} starts after it ends", item.0));
            }
            Ok(Span { start, end })
        })
        .collect()
}

fn weekday(text: &str) -> Result<u8, String> {
    let lower = text.to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == lower)
        .map(|i| i as u8)
        .ok_or_else(|| format!("{text:?} is not a weekday (monday to sunday)"))
}

fn month(text: &str) -> Result<u8, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = MONTHS.iter().position(|m| *m == lower) {
        return Ok(i as u8 + 1);
    }
    match lower.parse::<u8>() {
        Ok(n @ 1..=12) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a month (january to december, or 1 to 12)"
        )),
    }
}

fn year(text: &str) -> Result<i32, String> {
    match text.parse::<i32>() {
        Ok(n @ 1..=9999) => Ok(n),
        _ => Err(format!("{text:?} is not a year like 2026")),
    }
}

/// Days of the month: 1 to 31, or -31 to -1 counting from the end. Two ends
/// of the same sign have to run forwards; `2:-2` (the second to the
/// second-last) mixes them.
fn day_spans(items: &[RangeItem]) -> Result<Vec<Span<i8>>, String> {
    let day = |text: &str| match text.parse::<i8>() {
        Ok(n @ (1..=31 | -31..=-1)) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a day of the month (1 to 31, or -31 to -1 from the end)"
        )),
    };
    items
        .iter()
        .map(|item| {
            let (a, b) = ends(item)?;
            let (start, end) = (day(a)?, day(b)?);
            if (start > 0) == (end > 0) && end < start {
                return Err(format!("{:?} starts after it ends", item.0));
            }
            Ok(Span { start, end })
        })
        .collect()
}
