//! The demo's Prometheus history: the alert's expression drifting below its
//! threshold, then crossing it when the alert started; and, for some alerts,
//! a flapping past. Pure functions of the question, so every newcomer sees
//! the same picture.

use crate::model::history::{Series, Threshold};

/// The expression from `from` to `to` every `step` seconds.
pub fn history(
    threshold: Option<Threshold>,
    started: i64,
    from: i64,
    to: i64,
    step: i64,
) -> Series {
    let points = (from..=to)
        .step_by(step.max(1) as usize)
        .map(|t| (t, value(threshold, started, t)))
        .collect();
    Series {
        labels: Default::default(),
        points,
    }
}

/// The `ALERTS` series: firing since `started`, and for every third alert
/// (by fingerprint) twice more earlier in the day.
pub fn fires(fingerprint: &str, started: i64, from: i64, to: i64, step: i64) -> Series {
    let mut starts = vec![started];
    if fingerprint.bytes().map(u32::from).sum::<u32>() % 3 == 0 {
        starts.extend([to - 5 * 3600, to - 9 * 3600 - 1200]);
    }
    let mut points: Vec<(i64, f64)> = starts
        .iter()
        .filter(|s| **s > from + step)
        .flat_map(|s| (0..10).map(move |i| (s + i * step, 1.0)))
        .filter(|(t, _)| *t <= to)
        .collect();
    points.sort_by_key(|p| p.0);
    Series {
        labels: Default::default(),
        points,
    }
}

/// Below the threshold, a slow wave; past it after the start.
fn value(threshold: Option<Threshold>, started: i64, t: i64) -> f64 {
    let line = threshold.map_or(1.0, |th| th.value);
    let scale = if line == 0.0 { 1.0 } else { line.abs() };
    let wave = ((t as f64) / 600.0).sin() * 0.08 + ((t as f64) / 97.0).sin() * 0.03;
    let low = threshold.is_some_and(|th| th.op.fires_low());
    // It crossed a little before it started (rules wait their `for:`).
    let offset = match (t >= started - 120, low) {
        (false, false) => -0.25,
        (true, false) => 0.2 + ((t - started) as f64 / 3600.0).min(0.3),
        (false, true) => 0.25,
        (true, true) => -0.2,
    };
    line + scale * (offset + wave)
}
