//! Durations in Prometheus style: `30s`, `15m`, `2h`, `1d`, `1w`, `1h30m`.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {input:?}: {reason} (examples: 30s, 15m, 2h, 1d, 1h30m)")]
pub struct DurationError {
    pub input: String,
    pub reason: &'static str,
}

pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let err = |reason| DurationError {
        input: input.to_string(),
        reason,
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("empty"));
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if num.is_empty() {
            return Err(err("a unit must follow a number"));
        }
        let n: u64 = num.parse().map_err(|_| err("number too large"))?;
        num.clear();
        let unit_ms: u64 = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            's' => 1_000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            'y' => 365 * 86_400_000,
            _ => return Err(err("unknown unit")),
        };
        total = n
            .checked_mul(unit_ms)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| err("too large"))?;
        any = true;
    }
    if !num.is_empty() {
        return Err(err("missing unit"));
    }
    if !any {
        return Err(err("empty"));
    }
    Ok(Duration::from_millis(total))
}

/// Short age for tables: `42s`, `17m`, `3h`, `2d`, `5w`.
pub fn format_age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        86_400..=1_209_599 => format!("{}d", s / 86_400),
        _ => format!("{}w", s / 604_800),
    }
}

/// Prometheus style, exact: `5m`, `1h30m`, `45s`, `0s`.
pub fn format_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let parts = [
        (secs / 86_400, "d"),
        (secs % 86_400 / 3600, "h"),
        (secs % 3600 / 60, "m"),
        (secs % 60, "s"),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect()
}

/// Longer form for detail views: `2h 5m`, `17m 3s`.
pub fn format_age_long(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m {sec}s")
    } else {
        format!("{sec}s")
    }
}

/// The end of a silence: a duration from `now` (`2h`), or a UTC time
/// (`2026-11-22 18:00`, RFC 3339, or `18:00` = the next 18:00).
pub fn parse_until(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    if let Ok(d) = parse_duration(s) {
        return Ok(now + chrono::Duration::from_std(d).map_err(|_| "too long".to_string())?);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let s2 = s.trim_end_matches("UTC").trim();
    for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s2, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(t) = NaiveTime::parse_from_str(s2, "%H:%M") {
        let today = now.date_naive().and_time(t).and_utc();
        return Ok(if today > now {
            today
        } else {
            today + chrono::Duration::days(1)
        });
    }
    Err(format!(
        "{s:?} is neither a duration (30m, 2h, 1d) nor a UTC time (18:00, 2026-11-22 18:00, RFC3339)"
    ))
}

/// A moment in the past, for milestones: `20m` or `20m ago` (before `now`),
/// or a UTC time as `parse_until` takes it, where `14:02` means the last 14:02.
pub fn parse_since(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    let bare = s.strip_suffix("ago").unwrap_or(s).trim();
    if let Ok(d) = parse_duration(bare) {
        return Ok(now - chrono::Duration::from_std(d).map_err(|_| "too long".to_string())?);
    }
    let t = parse_until(s, now).map_err(|_| {
        format!("{s:?} is neither a time ago (20m, 1h ago) nor a UTC time (14:02, 2026-11-22 14:02, RFC3339)")
    })?;
    // A bare HH:MM comes back as the next one; a milestone wants the last.
    Ok(if t > now && s.len() <= 8 {
        t - chrono::Duration::days(1)
    } else {
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse_duration("15s").unwrap(), Duration::from_secs(15));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1d").unwrap(), Duration::from_secs(86_400));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn ages_are_short() {
        assert_eq!(format_age(5), "5s");
        assert_eq!(format_age(17 * 60 + 3), "17m");
        assert_eq!(format_age(3 * 3600), "3h");
        assert_eq!(format_age(-4), "0s");
        assert_eq!(format_age_long(3725), "1h 2m");
        assert_eq!(format_duration(300), "5m");
        assert_eq!(format_duration(5400), "1h30m");
        assert_eq!(format_duration(90_061), "1d1h1m1s");
    }

    #[test]
    fn until_takes_durations_and_utc_times() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        assert_eq!(
            parse_until("2h", now).unwrap(),
            now + chrono::Duration::hours(2)
        );
        assert_eq!(
            parse_until("2026-11-23 08:30", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap()
        );
        assert_eq!(
            parse_until("09:00", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
        );
        assert_eq!(
            parse_until("2026-11-22T12:00:00+01:00", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 22, 11, 0, 0).unwrap()
        );
        assert!(parse_until("soon", now).is_err());
    }
}
