//! Named time intervals in Alertmanager's `time_intervals` shape: "business
//! hours", "weekends", "the last day of the month". A moment is inside a named
//! interval when it is inside any of its ranges; a range holds a moment when
//! every field it sets agrees (an empty field means "any"). Every field is read
//! in the range's own time zone, so 09:00 stays 09:00 across a DST change.
//! Pure: the moment asked about is passed in.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

/// A named list of ranges; `contains` is their union.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeInterval {
    pub name: String,
    pub ranges: Vec<TimeRange>,
}

impl TimeInterval {
    /// Whether `t` falls in any of the ranges (never, when there are none).
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.ranges.iter().any(|r| r.contains(t))
    }
}

/// One sub-interval. Each list is a union of spans; an empty list matches
/// anything.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeRange {
    /// Minutes after local midnight, `start` included, `end` excluded
    /// (`end` may be 1440, i.e. 24:00).
    pub times: Vec<Span<u16>>,
    /// Days from Monday (0) to Sunday (6), both ends included.
    pub weekdays: Vec<Span<u8>>,
    /// Days of the month, both ends included; a negative day counts from the
    /// end of the month (-1 is the last day).
    pub days_of_month: Vec<Span<i8>>,
    /// Months 1 (January) to 12, both ends included.
    pub months: Vec<Span<u8>>,
    /// Calendar years, both ends included.
    pub years: Vec<Span<i32>>,
    /// The zone every field above is read in.
    pub location: Tz,
}

/// `start..=end` for days, months and years; `start..end` for `times`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span<T> {
    pub start: T,
    pub end: T,
}

impl Default for TimeRange {
    /// Matches every moment.
    fn default() -> Self {
        TimeRange {
            times: Vec::new(),
            weekdays: Vec::new(),
            days_of_month: Vec::new(),
            months: Vec::new(),
            years: Vec::new(),
            location: Tz::UTC,
        }
    }
}

impl TimeRange {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&self.location).naive_local();
        let date = local.date();
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let weekday = date.weekday().num_days_from_monday() as u8;
        let month = date.month() as u8;
        any(&self.times, |s| s.start <= minute && minute < s.end)
            && any(&self.weekdays, |s| s.start <= weekday && weekday <= s.end)
            && any(&self.days_of_month, |s| day_in(date, *s))
            && any(&self.months, |s| s.start <= month && month <= s.end)
            && any(&self.years, |s| {
                s.start <= date.year() && date.year() <= s.end
            })
    }
}

/// An empty list matches anything; otherwise one span has to.
fn any<T>(spans: &[Span<T>], hit: impl Fn(&Span<T>) -> bool) -> bool {
    spans.is_empty() || spans.iter().any(hit)
}

/// Whether `date`'s day lies in `span` once negative days are resolved
/// against the length of `date`'s month.
fn day_in(date: NaiveDate, span: Span<i8>) -> bool {
    let len = days_in_month(date) as i32;
    let resolve = |d: i8| {
        let d = d as i32;
        if d < 0 {
            len + d + 1
        } else {
            d
        }
    };
    let day = date.day() as i32;
    resolve(span.start) <= day && day <= resolve(span.end)
}

fn days_in_month(date: NaiveDate) -> u32 {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|first| first.pred_opt())
        .map_or(31, |last| last.day())
}
