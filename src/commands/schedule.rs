//! `oncall schedule [NAME] [--at TIME]`: who is on call, for scripts and for
//! checking a rotation before it goes live.

use std::process::ExitCode;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::incident::fail;
use crate::cli::ScheduleArgs;
use crate::config::Settings;
use crate::model::schedule::Schedule;

fn parse_at(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
        .map(|n| n.and_utc())
        .ok_or_else(|| format!("--at {text:?}: use RFC 3339 or YYYY-MM-DD HH:MM (UTC)"))
}

/// `alice until Mon 2026-11-02 09:00 EST (14:00 UTC), then bob`
pub fn describe(s: &Schedule, at: DateTime<Utc>) -> Option<String> {
    let on = s.at(at)?;
    let local = on.until.with_timezone(&s.time_zone);
    let covering = if on.covering { " (override)" } else { "" };
    Some(format!(
        "{}{covering} until {} ({} UTC), then {}",
        on.user,
        local.format("%a %Y-%m-%d %H:%M %Z"),
        on.until.format("%H:%M"),
        on.next
    ))
}

pub fn run(settings: &Settings, args: &ScheduleArgs) -> ExitCode {
    let at = match args.at.as_deref().map(parse_at).transpose() {
        Ok(t) => t.unwrap_or_else(Utc::now),
        Err(e) => return fail(e),
    };
    let chosen: Vec<&Schedule> = match &args.name {
        Some(n) => settings.schedules.iter().filter(|s| &s.name == n).collect(),
        None => settings.schedules.iter().collect(),
    };
    if chosen.is_empty() {
        let known: Vec<&str> = settings.schedules.iter().map(|s| s.name.as_str()).collect();
        return fail(match &args.name {
            Some(n) => format!("no schedule {n:?}; configured: {}", known.join(", ")),
            None => "no schedules: configured (see README, `schedules:`)".into(),
        });
    }
    let mut ok = true;
    for s in chosen {
        match describe(s, at) {
            Some(text) => println!("{}: {}", s.name, crate::sanitize::line(&text)),
            None => {
                ok = false;
                let starts = s.starts().with_timezone(&s.time_zone);
                eprintln!(
                    "oncall: {}: nobody is on call at {}; the rotation starts {}",
                    s.name,
                    at.format("%Y-%m-%d %H:%M UTC"),
                    starts.format("%a %Y-%m-%d %H:%M %Z")
                );
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
