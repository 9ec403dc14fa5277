//! Escalation policies and where an alert group stands in one:
//! which level it reached, when the next one is due, and whether an ack or
//! silence holds it. Pure: acks and silences come from Alertmanager (the
//! team's shared state), the time is passed in, so every console computes
//! the same countdown.

use chrono::{DateTime, Duration, Utc};

use super::matcher::Matcher;
use super::silence::Silence;
use super::time_interval::TimeInterval;
use super::Alert;

#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// Since the group's clock started (pauses not counted).
    pub after: Duration,
    pub targets: Vec<String>,
    /// Notifier names.
    pub notify: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub name: String,
    pub matchers: Vec<Matcher>,
    /// In order of `after`.
    pub levels: Vec<Level>,
    /// How many times the levels run again after the first pass.
    pub repeat: u32,
    /// The policy applies only inside one of these (empty: always).
    pub active_time_intervals: Vec<String>,
    /// The clock starts when the group's first alert fired, or when an
    /// incident was declared for it (then a group without one does not
    /// escalate).
    pub clock: ClockStart,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockStart {
    #[default]
    AlertStart,
    IncidentDeclared,
}

impl Policy {
    /// One pass over the levels: the last level's `after`, at least a minute.
    pub fn loop_length(&self) -> Duration {
        self.levels
            .last()
            .map_or(Duration::zero(), |l| l.after)
            .max(Duration::minutes(1))
    }

    pub fn is_active(&self, intervals: &[TimeInterval], now: DateTime<Utc>) -> bool {
        self.active_time_intervals.is_empty()
            || self.active_time_intervals.iter().any(|name| {
                intervals
                    .iter()
                    .find(|i| &i.name == name)
                    .is_some_and(|i| i.contains(now))
            })
    }
}

/// The first policy whose matchers select the alert and that is active now.
pub fn policy_for<'a>(
    alert: &Alert,
    policies: &'a [Policy],
    intervals: &[TimeInterval],
    now: DateTime<Utc>,
) -> Option<&'a Policy> {
    policies.iter().find(|p| {
        p.matchers.iter().all(|m| m.matches(&alert.labels)) && p.is_active(intervals, now)
    })
}

/// One level of one pass that fell due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// 0 for the first pass over the levels.
    pub pass: u32,
    pub level: usize,
    pub at: DateTime<Utc>,
}

impl Due {
    /// What a notification for it is recorded under: a restart or a second
    /// console finds it and does not page again.
    pub fn key(&self, policy: &str, group: &str, started: DateTime<Utc>) -> String {
        format!(
            "{policy}/{group}@{}/{}/{}",
            started.timestamp(),
            self.pass,
            self.level
        )
    }
}

/// Where a group stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    /// When its clock started (the earliest start of its firing alerts).
    pub started: DateTime<Utc>,
    /// Escalation time so far: time since `started` less the time held.
    pub elapsed: Duration,
    /// Every level that fell due, in order.
    pub reached: Vec<Due>,
    /// The next level and how long until it (in escalation time).
    pub next: Option<(u32, usize, Duration)>,
    /// The ack or silence holding it now.
    pub held_by: Option<Silence>,
}

/// Merged intervals during which some silence in `holds` covered [from, to].
fn held_time(holds: &[&Silence], from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = holds
        .iter()
        .map(|s| (s.starts_at.max(from), s.ends_at.min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let mut total = Duration::zero();
    let mut cur: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for (a, b) in spans {
        match cur {
            Some((ca, cb)) if a <= cb => cur = Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                cur = Some((a, b));
            }
            None => cur = Some((a, b)),
        }
    }
    if let Some((a, b)) = cur {
        total += b - a;
    }
    total
}

/// Where the group of `alerts` stands in `policy` at `now`. `silences` are
/// every silence the sources report (acks included, expired ones too): a
/// silence that covers every alert of the group holds its clock while it
/// is active, and the clock goes on when it ends.
pub fn standing(
    policy: &Policy,
    alerts: &[&Alert],
    silences: &[Silence],
    declared: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Standing> {
    let first = alerts.iter().map(|a| a.starts_at).min()?;
    let started = match policy.clock {
        ClockStart::AlertStart => first,
        ClockStart::IncidentDeclared => declared?,
    };
    let holds: Vec<&Silence> = silences
        .iter()
        .filter(|s| alerts.iter().all(|a| s.covers(&a.labels)))
        .collect();
    let held_by = holds
        .iter()
        .filter(|s| s.starts_at <= now && now < s.ends_at)
        .max_by_key(|s| s.ends_at)
        .map(|s| (*s).clone());
    let elapsed = (now - started) - held_time(&holds, started, now);
    let length = policy.loop_length();
    let mut reached = Vec::new();
    let mut next = None;
    'passes: for pass in 0..=policy.repeat {
        let offset = length * pass as i32;
        for (level, l) in policy.levels.iter().enumerate() {
            let due = offset + l.after;
            if due <= elapsed {
                reached.push(Due {
                    pass,
                    level,
                    // The wall-clock moment it fell due, had nothing held it since.
                    at: now - (elapsed - due),
                });
            } else {
                next = Some((pass, level, due - elapsed));
                break 'passes;
            }
        }
    }
    Some(Standing {
        started,
        elapsed,
        reached,
        next,
        held_by,
    })
}
