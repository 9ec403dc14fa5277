//! The `schedules:` config: rotations in PagerDuty's shape,
//! checked into `model::schedule::Schedule`s.

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::model::duration::parse_duration;
use crate::model::schedule::{Override, Schedule};

/// `{name, time_zone: America/New_York, turn: 1w, start: "2026-11-02T09:00:00", users: [...], overrides: [...]}`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub name: String,
    pub time_zone: String,
    pub turn: String,
    pub start: String,
    pub users: Vec<String>,
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    pub user: String,
    pub start: String,
    pub end: String,
}

/// A local wall-clock time: `2026-11-02T09:00:00`, `2026-11-02 09:00`.
pub fn local_time(text: &str) -> Result<NaiveDateTime, String> {
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
    .ok_or_else(|| format!("{text:?} is not a local time like 2026-11-02T09:00:00"))
}

/// Checks every schedule; errors name the schedule and the key.
pub fn schedules(configs: &[ScheduleConfig]) -> Result<Vec<Schedule>, String> {
    let mut out: Vec<Schedule> = Vec::new();
    for c in configs {
        let at = |key: &str, e: String| format!("schedules.{}.{key}: {e}", c.name);
        if out.iter().any(|s| s.name == c.name) {
            return Err(format!("schedules: {:?} is defined twice", c.name));
        }
        let time_zone = c.time_zone.parse().map_err(|_| {
            at(
                "time_zone",
                format!(
                    "{:?} is not an IANA time zone (e.g. Europe/Berlin)",
                    c.time_zone
                ),
            )
        })?;
        let turn = parse_duration(&c.turn).map_err(|e| at("turn", e.to_string()))?;
        let turn = chrono::Duration::from_std(turn).map_err(|e| at("turn", e.to_string()))?;
        if turn < chrono::Duration::hours(1) {
            return Err(at("turn", format!("{} is shorter than an hour", c.turn)));
        }
        if c.users.is_empty() {
            return Err(at("users", "a rotation needs at least one user".into()));
        }
        let mut overrides = Vec::new();
        for o in &c.overrides {
            let (start, end) = (
                local_time(&o.start).map_err(|e| at("overrides.start", e))?,
                local_time(&o.end).map_err(|e| at("overrides.end", e))?,
            );
            if end <= start {
                return Err(at(
                    "overrides",
                    format!("{}'s override ends before it starts", o.user),
                ));
            }
            overrides.push(Override {
                user: o.user.clone(),
                start,
                end,
            });
        }
        out.push(Schedule {
            name: c.name.clone(),
            time_zone,
            turn,
            start: local_time(&c.start).map_err(|e| at("start", e))?,
            users: c.users.clone(),
            overrides,
        });
    }
    Ok(out)
}
