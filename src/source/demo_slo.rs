//! The demo's SLOs and their numbers: fixed, plausible values for the ML
//! serving story of `demo` (fraud scoring burning fast while its pods are
//! down, the ranker healthy, the feature store over its budget). No network.

use std::time::Duration;

use crate::model::slo::{Sli, Slo, DEFAULT_BURN};

const DAY: u64 = 86_400;

fn slo(name: &str, objective: f64, days: u64, sli: Sli) -> Slo {
    Slo {
        name: name.into(),
        objective,
        window: Duration::from_secs(days * DAY),
        sli,
        burn: DEFAULT_BURN.to_vec(),
    }
}

/// The SLOs the demo shows (its queries are never run).
pub fn slos() -> Vec<Slo> {
    let q = |text: &str| text.to_string();
    vec![
        slo(
            "fraud-availability",
            99.9,
            30,
            Sli::GoodTotal {
                good: q(
                    r#"sum(rate(model_requests_total{service="fraud-scoring",status!="error"}[{{window}}]))"#,
                ),
                total: q(r#"sum(rate(model_requests_total{service="fraud-scoring"}[{{window}}]))"#),
            },
        ),
        slo(
            "ranker-latency",
            99.0,
            7,
            Sli::Ratio(q(
                r#"avg_over_time(ranker:requests_under_250ms:ratio[{{window}}])"#,
            )),
        ),
        slo(
            "feature-freshness",
            99.5,
            30,
            Sli::Ratio(q(r#"avg_over_time(feature_view_fresh:ratio[{{window}}])"#)),
        ),
    ]
}

/// The demo SLI of an SLO over a window: error fractions per window are
/// (SLO window, 1h, 5m, 6h, 30m).
pub fn sli(name: &str, window: Duration) -> Result<f64, String> {
    let errors: [f64; 5] = match name {
        // 35 % of the budget left; 1h/5m burn at 16.2×/18.1×: pages.
        "fraud-availability" => [0.00065, 0.0162, 0.0181, 0.0049, 0.011],
        // Healthy: 62 % left, burning well under 1×.
        "ranker-latency" => [0.0038, 0.004, 0.002, 0.008, 0.005],
        // Over-spent by 18 %; quiet right now.
        "feature-freshness" => [0.0059, 0.004, 0.0015, 0.0045, 0.003],
        _ => return Err(format!("the demo has no SLO {name:?}")),
    };
    let hours = window.as_secs() / 3600;
    let minutes = window.as_secs() / 60;
    let error = match (hours, minutes) {
        (1, _) => errors[1],
        (0, 5) => errors[2],
        (6, _) => errors[3],
        (0, 30) => errors[4],
        _ => errors[0],
    };
    Ok(1.0 - error)
}
