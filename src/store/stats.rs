//! What `oncall stats` reports, computed from the incidents and the
//! activity log: pure, `now` is given.
//!
//! - incidents by (current) severity, and how many are open;
//! - median and mean time to acknowledge and to resolve, over the incidents
//!   that have the metric (`Incident::metrics`);
//! - incidents declared in the last 24 hours and 7 days;
//! - the noisiest alerts: fired most (`Fired` activity, a repeat of the same
//!   observation counted once) and acked without an incident (`Acked`
//!   activity on a fingerprint no incident links), per alertname.
//!
//! Repeats: consoles sharing a state dir record the same observation twice,
//! so an entry counts once per (kind, key, fingerprint).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use crate::model::{Activity, ActivityKind, Incident, Milestone, Sev};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    pub incidents: usize,
    pub open: usize,
    /// Every severity, SEV1 first, with its count (zero included).
    pub by_severity: Vec<(Sev, usize)>,
    pub declared_last_24h: usize,
    pub declared_last_7d: usize,
    pub time_to_acknowledge: Spread,
    pub time_to_resolve: Spread,
    /// Most first; ties by alertname.
    pub fired: Vec<AlertCount>,
    pub acked_without_incident: Vec<AlertCount>,
}

/// Median and mean of some durations (`None` when there are none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub median: Option<Duration>,
    pub mean: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertCount {
    pub alertname: String,
    pub count: usize,
}

pub fn compute(incidents: &[Incident], activity: &[Activity], now: DateTime<Utc>) -> Stats {
    let by_severity = Sev::ALL
        .iter()
        .map(|s| (*s, incidents.iter().filter(|i| i.severity == *s).count()))
        .collect();
    let declared_within = |d: Duration| {
        incidents
            .iter()
            .filter_map(|i| i.milestone(Milestone::Declared))
            .filter(|t| *t <= now && *t > now - d)
            .count()
    };
    let metrics: Vec<_> = incidents.iter().map(Incident::metrics).collect();
    let linked: BTreeSet<&str> = incidents
        .iter()
        .flat_map(|i| i.alerts.iter().map(|(fp, _)| fp.as_str()))
        .collect();
    Stats {
        incidents: incidents.len(),
        open: incidents.iter().filter(|i| i.is_open()).count(),
        by_severity,
        declared_last_24h: declared_within(Duration::hours(24)),
        declared_last_7d: declared_within(Duration::days(7)),
        time_to_acknowledge: spread(
            metrics
                .iter()
                .filter_map(|m| m.time_to_acknowledge)
                .collect(),
        ),
        time_to_resolve: spread(metrics.iter().filter_map(|m| m.time_to_resolve).collect()),
        fired: per_alertname(activity, |a| a.kind == ActivityKind::Fired),
        acked_without_incident: per_alertname(activity, |a| {
            a.kind == ActivityKind::Acked && !linked.contains(a.fingerprint.as_str())
        }),
    }
}

/// Median (the mean of the middle two for an even count) and mean, to the
/// millisecond.
pub fn spread(mut durations: Vec<Duration>) -> Spread {
    durations.sort();
    let n = durations.len();
    if n == 0 {
        return Spread::default();
    }
    let ms = |d: &Duration| d.num_milliseconds();
    let median = if n % 2 == 1 {
        ms(&durations[n / 2])
    } else {
        (ms(&durations[n / 2 - 1]) + ms(&durations[n / 2])) / 2
    };
    let mean = durations.iter().map(ms).sum::<i64>() / n as i64;
    Spread {
        count: n,
        median: Some(Duration::milliseconds(median)),
        mean: Some(Duration::milliseconds(mean)),
    }
}

fn per_alertname(activity: &[Activity], keep: impl Fn(&Activity) -> bool) -> Vec<AlertCount> {
    let mut seen = BTreeSet::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in activity.iter().filter(|a| keep(a)) {
        let kind = a.kind == ActivityKind::Fired;
        if seen.insert((kind, a.key.as_str(), a.fingerprint.as_str())) {
            *counts.entry(a.alertname.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<AlertCount> = counts
        .into_iter()
        .map(|(name, count)| AlertCount {
            alertname: name.to_string(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.alertname.cmp(&b.alertname)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventData, EventKind, Status};
    use chrono::TimeZone;

    fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn mins(v: &[i64]) -> Vec<Duration> {
        v.iter().map(|m| Duration::minutes(*m)).collect()
    }

    #[test]
    fn medians_and_means() {
        assert_eq!(spread(vec![]), Spread::default());
        // 2, 6, 13: median 6, mean 21/3 = 7.
        let s = spread(mins(&[13, 2, 6]));
        assert_eq!(s.count, 3);
        assert_eq!(s.median, Some(Duration::minutes(6)));
        assert_eq!(s.mean, Some(Duration::minutes(7)));
        // 1, 4, 5, 30: median (4+5)/2 = 4m30s, mean 40/4 = 10m.
        let s = spread(mins(&[30, 5, 1, 4]));
        assert_eq!(s.median, Some(Duration::seconds(270)));
        assert_eq!(s.mean, Some(Duration::minutes(10)));
        // 1s and 2s: the median keeps its half second.
        let s = spread(vec![Duration::seconds(1), Duration::seconds(2)]);
        assert_eq!(s.median, Some(Duration::milliseconds(1500)));
    }

    /// Declared at `at` by alice with an alert that started `lead` minutes
    /// before; acked after `ack` minutes, resolved after `resolve` minutes
    /// (both counted from the alert's start).
    fn incident(
        id: &str,
        sev: Sev,
        at: DateTime<Utc>,
        lead: i64,
        ack: i64,
        resolve: Option<i64>,
    ) -> Incident {
        let start = at - Duration::minutes(lead);
        let declared = EventData {
            severity: Some(sev),
            fingerprint: Some(format!("fp-{id}")),
            starts_at: Some(start),
            ..EventData::default()
        };
        let mut events = vec![
            Event::new(at, "alice", EventKind::Declared, id).with(declared),
            Event::new(start + Duration::minutes(ack), "alice", EventKind::Ack, ""),
        ];
        if let Some(r) = resolve {
            let data = EventData {
                status: Some(Status::Resolved),
                ..EventData::default()
            };
            events.push(
                Event::new(start + Duration::minutes(r), "alice", EventKind::Status, "").with(data),
            );
        }
        Incident::replay(id, events).unwrap()
    }

    fn act(kind: ActivityKind, name: &str, fp: &str, key: &str) -> Activity {
        Activity {
            time: t(22, 0, 0),
            kind,
            alertname: name.into(),
            fingerprint: fp.into(),
            key: key.into(),
            actor: String::new(),
        }
    }

    #[test]
    fn counts_times_and_noisy_alerts() {
        let now = t(22, 12, 0);
        let incidents = vec![
            // ack 6m, resolved 50m; declared 2h ago
            incident("a", Sev::Sev1, now - Duration::hours(2), 5, 6, Some(50)),
            // ack 2m, resolved 120m; declared 3 days ago
            incident("b", Sev::Sev2, now - Duration::days(3), 1, 2, Some(120)),
            // ack 13m, open; declared 20 days ago
            incident("c", Sev::Sev2, now - Duration::days(20), 0, 13, None),
        ];
        let activity = vec![
            act(ActivityKind::Fired, "ModelServerDown", "x1", "x1@1"),
            act(ActivityKind::Fired, "ModelServerDown", "x1", "x1@1"), // a repeat
            act(ActivityKind::Fired, "ModelServerDown", "x1", "x1@2"), // fired again
            act(ActivityKind::Fired, "ModelServerDown", "x2", "x2@1"),
            act(ActivityKind::Fired, "DiskFull", "d1", "d1@1"),
            act(ActivityKind::Acked, "ModelServerDown", "fp-a", "s1"), // linked to a
            act(ActivityKind::Acked, "NoisyCron", "n1", "s2"),
            act(ActivityKind::Acked, "NoisyCron", "n1", "s2"), // a repeat
            act(ActivityKind::Acked, "NoisyCron", "n1", "s3"),
            act(ActivityKind::Other, "NoisyCron", "n1", "s4"),
        ];
        let s = compute(&incidents, &activity, now);
        assert_eq!((s.incidents, s.open), (3, 1));
        let sev: Vec<usize> = s.by_severity.iter().map(|(_, n)| *n).collect();
        assert_eq!(sev, [1, 2, 0, 0]);
        assert_eq!((s.declared_last_24h, s.declared_last_7d), (1, 2));
        // ack: 2, 6, 13 → median 6m, mean 7m.
        assert_eq!(s.time_to_acknowledge.median, Some(Duration::minutes(6)));
        assert_eq!(s.time_to_acknowledge.mean, Some(Duration::minutes(7)));
        // resolve: 50, 120 → median and mean 85m.
        assert_eq!(s.time_to_resolve.count, 2);
        assert_eq!(s.time_to_resolve.median, Some(Duration::minutes(85)));
        assert_eq!(s.time_to_resolve.mean, Some(Duration::minutes(85)));
        let counts = |v: &[AlertCount]| -> Vec<(String, usize)> {
            v.iter().map(|c| (c.alertname.clone(), c.count)).collect()
        };
        assert_eq!(
            counts(&s.fired),
            [("ModelServerDown".into(), 3), ("DiskFull".into(), 1)]
        );
        assert_eq!(counts(&s.acked_without_incident), [("NoisyCron".into(), 2)]);
    }
}
