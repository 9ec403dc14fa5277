//! The built-in demo: an HA pair of Alertmanagers and a Prometheus serving
//! ML models, with alerts that fire, change and resolve over a five-minute
//! cycle. No network; the scenario is a pure function of time, so it is
//! testable and every newcomer sees the same story.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Snapshot;
use crate::model::{
    fingerprint, Alert, AlertRule, AlertState, Labels, MatchOp, Matcher, Silence, SilenceState,
};

/// The scenario repeats with this period.
pub const CYCLE_SECS: i64 = 300;
pub use crate::config::source_spec::demo_specs as specs;
use crate::config::source_spec::{DEMO_AM_NAMES as AM_NAMES, DEMO_PROM_NAME as PROM_NAME};

const SILENCE_ID: &str = "5f1c2d7e-demo-4b1a-9f0e-approvalrate";

struct DemoAlert {
    labels: &'static [(&'static str, &'static str)],
    summary: String,
    description: &'static str,
    runbook: Option<&'static str>,
    /// Seconds before the demo started (negative) or into the cycle.
    since: i64,
    state: AlertState,
    silenced: bool,
    inhibited_by: Option<&'static [(&'static str, &'static str)]>,
}

const LATENCY: &[(&str, &str)] = &[
    ("alertname", "ModelLatencySLOBreach"),
    ("severity", "critical"),
    ("team", "ml-platform"),
    ("service", "fraud-scoring"),
    ("model", "fraud-xgb-v14"),
    ("namespace", "ml-serving"),
];
const ERRORS: &[(&str, &str)] = &[
    ("alertname", "ModelErrorRateHigh"),
    ("severity", "critical"),
    ("team", "ml-platform"),
    ("service", "recsys-ranker"),
    ("model", "ranker-dlrm-v7"),
    ("namespace", "ml-serving"),
];
const SERVER_DOWN: &[(&str, &str)] = &[
    ("alertname", "ModelServerDown"),
    ("severity", "critical"),
    ("team", "ml-platform"),
    ("service", "fraud-scoring"),
    ("pod", "fraud-xgb-v14-7d9f6c-x2lq"),
    ("instance", "gpu-node-07"),
    ("namespace", "ml-serving"),
];
const GPU_MEM: &[(&str, &str)] = &[
    ("alertname", "GPUMemoryNearlyFull"),
    ("severity", "warning"),
    ("team", "ml-platform"),
    ("instance", "gpu-node-07"),
    ("gpu", "0"),
    ("namespace", "ml-serving"),
];
const DRIFT: &[(&str, &str)] = &[
    ("alertname", "FeatureDataDrift"),
    ("severity", "warning"),
    ("team", "ml-quality"),
    ("model", "churn-predictor-v3"),
    ("feature", "account_age_days"),
];
const STALE: &[(&str, &str)] = &[
    ("alertname", "FeatureStoreStale"),
    ("severity", "warning"),
    ("team", "data-platform"),
    ("feature_view", "user_txn_aggregates"),
    ("store", "online-redis"),
];
const APPROVAL: &[(&str, &str)] = &[
    ("alertname", "ApprovalRateDrift"),
    ("severity", "warning"),
    ("team", "ml-quality"),
    ("model", "credit-limit-v5"),
    ("service", "credit-decision"),
];
const CONFIDENCE: &[(&str, &str)] = &[
    ("alertname", "LowConfidenceSurge"),
    ("severity", "info"),
    ("team", "ml-quality"),
    ("model", "fraud-xgb-v14"),
    ("service", "fraud-scoring"),
];
const QUEUE: &[(&str, &str)] = &[
    ("alertname", "InferenceQueueBacklog"),
    ("severity", "warning"),
    ("team", "ml-platform"),
    ("service", "recsys-ranker"),
    ("queue", "batch-scoring"),
];

fn scenario(t: i64) -> Vec<DemoAlert> {
    let base = |labels, summary: String, description, since| DemoAlert {
        labels,
        summary,
        description,
        runbook: None,
        since,
        state: AlertState::Firing,
        silenced: false,
        inhibited_by: None,
    };
    let mut v = Vec::new();
    let p99 = 780 + (t % 60) * 3;
    v.push(DemoAlert {
        runbook: Some("https://runbooks.example.com/ml/modellatencyslobreach"),
        ..base(LATENCY, format!("fraud-scoring p99 latency {p99}ms, SLO is 300ms"),
            "p99 of fraud-scoring inference over 5m exceeds the 300ms SLO. Checkout calls time out and fall back to rules-only scoring.", -23 * 60)
    });
    if (40..240).contains(&t) {
        let pct = 4 + (t - 40) / 25;
        v.push(DemoAlert {
            runbook: Some("https://runbooks.example.com/ml/modelerrorratehigh"),
            ..base(ERRORS, format!("recsys-ranker returns errors for {pct}% of requests"),
                "5xx ratio of ranker-dlrm-v7 above 2% for 5m. Homepage recommendations fall back to popularity.", 40)
        });
    }
    let down = (120..200).contains(&t);
    if down {
        v.push(DemoAlert {
            runbook: Some("https://runbooks.example.com/ml/modelserverdown"),
            ..base(
                SERVER_DOWN,
                "fraud-xgb-v14 pod on gpu-node-07 is not ready".into(),
                "Readiness probe failing; the pod restarted 3 times in 10m (OOMKilled).",
                120,
            )
        });
    }
    v.push(DemoAlert {
        inhibited_by: down.then_some(SERVER_DOWN),
        ..base(
            GPU_MEM,
            format!("GPU 0 on gpu-node-07 at {}% memory", 91 + (t % 90) / 20),
            "Device memory above 90% for 10m; next batch may OOM.",
            -41 * 60,
        )
    });
    v.push(DemoAlert {
        runbook: Some("https://runbooks.example.com/ml/featuredatadrift"),
        ..base(DRIFT, "account_age_days drifted: PSI 0.31 (threshold 0.2)".into(),
            "Population stability index of account_age_days against the training set.\nLikely cause: new-user campaign since Friday.", -2 * 3600 - 14 * 60)
    });
    let stale_min = 17 + t / 60;
    v.push(DemoAlert {
        state: if t < 60 {
            AlertState::Pending
        } else {
            AlertState::Firing
        },
        runbook: Some("https://runbooks.example.com/ml/featurestorestale"),
        ..base(
            STALE,
            format!("user_txn_aggregates last materialized {stale_min}m ago"),
            "Online features older than 15m; fraud-xgb-v14 scores on stale aggregates.",
            0,
        )
    });
    v.push(DemoAlert {
        silenced: true,
        state: AlertState::Suppressed,
        ..base(
            APPROVAL,
            "credit-limit-v5 approval rate 71%, 7d baseline 58%".into(),
            "Approval rate outside the 3-sigma band of the last 7 days.",
            -5 * 3600,
        )
    });
    if t >= 150 {
        v.push(base(
            CONFIDENCE,
            format!(
                "{}% of fraud predictions below 0.6 confidence",
                12 + (t - 150) / 30
            ),
            "Share of low-confidence predictions doubled in 30m.",
            150,
        ));
    }
    if (90..270).contains(&t) {
        v.push(DemoAlert {
            state: AlertState::Pending,
            ..base(
                QUEUE,
                "batch-scoring queue depth 18k and rising".into(),
                "Queue depth above 10k; fires after 10m.",
                90,
            )
        });
    }
    v
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

/// What the demo source at `index` (as in `specs()`) reports at `now`.
pub fn snapshot(index: usize, started: DateTime<Utc>, now: DateTime<Utc>) -> Snapshot {
    let elapsed = (now - started).num_seconds().max(0);
    let t = elapsed % CYCLE_SECS;
    let cycle_start = started + chrono::Duration::seconds(elapsed - t);
    let prom = index == 2;
    let source = if prom {
        PROM_NAME
    } else {
        AM_NAMES[index.min(1)]
    };
    let alerts = scenario(t)
        .into_iter()
        // Alertmanager only receives firing alerts; Prometheus knows every
        // alert but not silences or inhibitions.
        .filter(|d| prom || d.state != AlertState::Pending)
        .map(|mut d| {
            if prom {
                d.silenced = false;
                d.inhibited_by = None;
                if d.state == AlertState::Suppressed {
                    d.state = AlertState::Firing;
                }
            }
            to_alert(d, source, cycle_start, started)
        })
        .collect();
    let silences = if prom {
        vec![]
    } else {
        vec![demo_silence(source, started)]
    };
    let rules = if prom { demo_rules() } else { vec![] };
    Snapshot {
        alerts: Arc::new(alerts),
        silences,
        peer: None,
        rules,
        started: None,
    }
}

fn to_alert(
    d: DemoAlert,
    source: &str,
    cycle_start: DateTime<Utc>,
    started: DateTime<Utc>,
) -> Alert {
    let labels = labels(d.labels);
    let starts_at = if d.since < 0 {
        started + chrono::Duration::seconds(d.since)
    } else {
        cycle_start + chrono::Duration::seconds(d.since)
    };
    let mut annotations = Labels::from([
        ("summary".into(), d.summary.into()),
        ("description".into(), d.description.into()),
    ]);
    if let Some(url) = d.runbook {
        annotations.insert("runbook_url".into(), url.into());
    }
    let expr = format!("{}{{service=~\".+\"}}", d.labels[0].1.to_lowercase());
    Alert {
        fingerprint: fingerprint(&labels),
        state: d.state,
        starts_at,
        ends_at: None,
        updated_at: None,
        generator_url: format!(
            "http://prometheus.demo:9090/graph?g0.expr={}&g0.tab=1",
            query_escape(&expr)
        )
        .into(),
        silenced_by: if d.silenced {
            vec![SILENCE_ID.to_string()]
        } else {
            vec![]
        },
        inhibited_by: d
            .inhibited_by
            .map(|l| vec![fingerprint(&labels_of(l)).to_string()])
            .unwrap_or_default(),
        receivers: smallvec::smallvec![if labels.get("severity") == Some("critical") {
            "pager".into()
        } else {
            "slack-ml".into()
        },],
        sources: smallvec::smallvec![source.into()],
        labels,
        annotations,
    }
}

/// A query value as Prometheus writes it into a generatorURL (Go's
/// `url.QueryEscape`): a space is `+`, so a `+` must be `%2B`.
fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn labels_of(pairs: &[(&str, &str)]) -> Labels {
    labels(pairs)
}

fn demo_rules() -> Vec<AlertRule> {
    let rule = |name: &str, expr: &str, for_secs, team: &str| AlertRule {
        name: name.into(),
        expr: expr.into(),
        for_secs,
        labels: Labels::from([("team".into(), team.into())]),
        annotations: Default::default(),
        group: "ml-serving.rules".into(),
        file: "/etc/prometheus/rules/ml-serving.yml".into(),
        interval_secs: 30,
    };
    vec![
        rule(
            "ModelLatencySLOBreach",
            r#"histogram_quantile(0.99, sum by (le, service, model) (rate(model_request_duration_seconds_bucket{namespace="ml-serving"}[5m]))) > 0.3"#,
            300,
            "ml-platform",
        ),
        rule(
            "ModelErrorRateHigh",
            r#"sum by (service, model) (rate(model_requests_total{status="error"}[5m])) / sum by (service, model) (rate(model_requests_total[5m])) > 0.02"#,
            300,
            "ml-platform",
        ),
        rule(
            "FeatureStoreStale",
            "time() - feature_view_last_materialized_timestamp_seconds > 900",
            60,
            "data-platform",
        ),
        rule(
            "InferenceQueueBacklog",
            "inference_queue_depth > 10000",
            600,
            "ml-platform",
        ),
        rule("FeatureDataDrift", "feature_psi > 0.2", 1800, "ml-quality"),
    ]
}

fn demo_silence(source: &str, started: DateTime<Utc>) -> Silence {
    Silence {
        id: SILENCE_ID.into(),
        matchers: vec![
            Matcher::new("alertname", MatchOp::Eq, "ApprovalRateDrift").expect("static matcher"),
            Matcher::new("model", MatchOp::Re, "credit-limit-v.*").expect("static matcher"),
        ],
        starts_at: started - chrono::Duration::hours(5),
        ends_at: started + chrono::Duration::hours(3),
        created_by: "bob".into(),
        comment: "Known: spring campaign raises approvals; risk team signed off (CHG-4411)".into(),
        state: SilenceState::Active,
        source: source.into(),
    }
}

/// How often the demo sources "answer".
pub const DEMO_REFRESH: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_story_changes_over_the_cycle() {
        let start = DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s| start + chrono::Duration::seconds(s);
        let names = |snap: &Snapshot| {
            snap.alerts
                .iter()
                .map(|a| a.alertname().to_string())
                .collect::<Vec<_>>()
        };
        let early = snapshot(0, start, at(10));
        assert!(names(&early).contains(&"ModelLatencySLOBreach".to_string()));
        assert!(!names(&early).contains(&"ModelErrorRateHigh".to_string()));
        assert!(names(&snapshot(0, start, at(60))).contains(&"ModelErrorRateHigh".to_string()));
        assert!(!names(&snapshot(0, start, at(250))).contains(&"ModelErrorRateHigh".to_string()));
        // Pending alerts come from Prometheus only.
        let prom = snapshot(2, start, at(100));
        assert!(prom.alerts.iter().any(|a| a.state == AlertState::Pending));
        assert!(snapshot(0, start, at(100))
            .alerts
            .iter()
            .all(|a| a.state != AlertState::Pending));
        // Both members of the HA pair report the same fingerprints.
        let (a, b) = (snapshot(0, start, at(130)), snapshot(1, start, at(130)));
        let fps = |s: &Snapshot| {
            s.alerts
                .iter()
                .map(|a| a.fingerprint.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fps(&a), fps(&b));
        assert!(a.alerts.iter().any(|x| x.is_inhibited()));
    }

    #[test]
    fn generator_urls_read_back_as_their_expressions() {
        let start = DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let snap = snapshot(0, start, start + chrono::Duration::seconds(130));
        assert!(!snap.alerts.is_empty());
        for a in snap.alerts.iter() {
            let expr = crate::model::history::generator_expr(&a.generator_url).unwrap();
            assert!(expr.ends_with(r#"{service=~".+"}"#), "{expr}");
        }
    }
}
