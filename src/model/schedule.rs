//! On-call schedules: a rotation of people in the shape PagerDuty uses
//! (users, turn length, rotation start, time zone) with overrides. Handovers
//! happen at local wall-clock time, so a Monday 09:00 handover stays 09:00
//! across a DST change. Pure: the time asked about is passed in.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Someone covering a window of the rotation (local times, end excluded).
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub user: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub name: String,
    pub time_zone: Tz,
    /// Length of one person's turn, in local wall-clock time.
    pub turn: Duration,
    /// When the first user's first turn starts (local).
    pub start: NaiveDateTime,
    pub users: Vec<String>,
    pub overrides: Vec<Override>,
}

/// Who is on call at a moment, until when, and who comes next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnCall {
    pub user: String,
    /// The next handover (end of this turn or of the override).
    pub until: DateTime<Utc>,
    pub next: String,
    /// On call by an override, not by the rotation.
    pub covering: bool,
}

impl Schedule {
    /// A local wall-clock time as UTC: in a DST gap, the first instant after
    /// it; in a fold, the earlier of the two.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut t = local;
        // A gap is at most a few hours; step forward a minute at a time.
        for _ in 0..(24 * 60) {
            match self.time_zone.from_local_datetime(&t) {
                LocalResult::Single(d) => return d.with_timezone(&Utc),
                LocalResult::Ambiguous(a, _) => return a.with_timezone(&Utc),
                LocalResult::None => t += Duration::minutes(1),
            }
        }
        Utc.from_utc_datetime(&local)
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.time_zone).naive_local()
    }

    /// The rotation's turn number at local time `local` (None before it starts).
    fn turn_at(&self, local: NaiveDateTime) -> Option<i64> {
        let since = local - self.start;
        let turn = self.turn.num_seconds();
        if since < Duration::zero() || turn <= 0 || self.users.is_empty() {
            return None;
        }
        Some(since.num_seconds() / turn)
    }

    fn rotation_user(&self, turn: i64) -> &str {
        &self.users[(turn as usize) % self.users.len()]
    }

    fn handover(&self, turn: i64) -> DateTime<Utc> {
        let secs = self.turn.num_seconds().saturating_mul(turn);
        self.to_utc(self.start + Duration::seconds(secs))
    }

    /// Who is on call at `t`: an override covering it, else the rotation.
    /// None before the rotation starts or with no users.
    pub fn at(&self, t: DateTime<Utc>) -> Option<OnCall> {
        let (user, until, covering) = self.holder(t)?;
        let next = self
            .holder(until)
            .map_or_else(|| user.clone(), |(u, _, _)| u);
        Some(OnCall {
            user,
            until,
            next,
            covering,
        })
    }

    fn holder(&self, t: DateTime<Utc>) -> Option<(String, DateTime<Utc>, bool)> {
        if let Some(o) = self
            .overrides
            .iter()
            .find(|o| self.to_utc(o.start) <= t && t < self.to_utc(o.end))
        {
            return Some((o.user.clone(), self.to_utc(o.end), true));
        }
        let turn = self.turn_at(self.local(t))?;
        let mut until = self.handover(turn + 1);
        // An override starting before the handover ends this turn early.
        if let Some(o) = self
            .overrides
            .iter()
            .map(|o| self.to_utc(o.start))
            .filter(|s| *s > t && *s < until)
            .min()
        {
            until = o;
        }
        Some((self.rotation_user(turn).to_string(), until, false))
    }

    /// When the rotation starts, in UTC.
    pub fn starts(&self) -> DateTime<Utc> {
        self.to_utc(self.start)
    }
}
