//! Service level objectives and their arithmetic (the SRE workbook's error
//! budgets and multi-window, multi-burn-rate alerts). Pure: no I/O.

use std::time::Duration;

use super::duration::format_duration;

/// The only placeholder of an SLO query, filled with the window computed.
pub const WINDOW: &str = "{{window}}";

/// How the SLI is measured over a window.
#[derive(Clone, Debug, PartialEq)]
pub enum Sli {
    /// Good events and all events; SLI = good / total.
    GoodTotal { good: String, total: String },
    /// A query that gives the good fraction (0..1) itself.
    Ratio(String),
}

/// A burn-rate alert condition: both windows burn faster than `factor`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurnAlert {
    pub long: Duration,
    pub short: Duration,
    pub factor: f64,
}

const fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

/// The workbook's page-worthy pair: 2 % of a 30-day budget in an hour,
/// 5 % in six hours.
pub const DEFAULT_BURN: [BurnAlert; 2] = [
    BurnAlert {
        long: mins(60),
        short: mins(5),
        factor: 14.4,
    },
    BurnAlert {
        long: mins(360),
        short: mins(30),
        factor: 6.0,
    },
];

#[derive(Clone, Debug, PartialEq)]
pub struct Slo {
    pub name: String,
    /// Percent, e.g. 99.9.
    pub objective: f64,
    pub window: Duration,
    pub sli: Sli,
    pub burn: Vec<BurnAlert>,
}

impl Slo {
    /// The objective as a fraction (99.9 → 0.999).
    pub fn target(&self) -> f64 {
        self.objective / 100.0
    }

    /// Every window a query runs over: the SLO window, then each burn
    /// alert's long and short window, each once, in that order.
    pub fn windows(&self) -> Vec<Duration> {
        let mut out = vec![self.window];
        for b in &self.burn {
            for w in [b.long, b.short] {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        out
    }
}

/// A query with `{{window}}` replaced by the window in Prometheus syntax.
pub fn fill(query: &str, window: Duration) -> String {
    query.replace(WINDOW, &window_text(window))
}

/// `30d`, `1h`, `5m`, `1h30m`: how Prometheus (and the pane) write a window.
pub fn window_text(window: Duration) -> String {
    format_duration(window.as_secs())
}

/// good / total, or why there is no ratio.
pub fn ratio(good: f64, total: f64) -> Result<f64, String> {
    if !good.is_finite() || !total.is_finite() {
        return Err(format!("no data (good {good}, total {total})"));
    }
    if total <= 0.0 {
        return Err("no events in the window (total is 0)".into());
    }
    check_sli(good / total)
}

/// An SLI must be a fraction; anything else means the query is wrong.
pub fn check_sli(sli: f64) -> Result<f64, String> {
    // Rates of two counters scraped a moment apart can overshoot a hair.
    const SLACK: f64 = 1e-9;
    match sli {
        s if !s.is_finite() => Err(format!("no data (the SLI is {s})")),
        s if !(-SLACK..=1.0 + SLACK).contains(&s) => Err(format!(
            "the SLI {s} is not a fraction between 0 and 1 (good above total?)"
        )),
        s => Ok(s.clamp(0.0, 1.0)),
    }
}

/// How many times faster than sustainable the budget burns over a window
/// whose SLI is `sli`: 1 spends exactly the budget by the window's end.
pub fn burn_rate(sli: f64, target: f64) -> f64 {
    (1.0 - sli) / (1.0 - target)
}

/// The part of the error budget left, given the SLI over the SLO window:
/// 1 untouched, 0 spent, below 0 over-spent.
pub fn budget_remaining(sli: f64, target: f64) -> f64 {
    1.0 - burn_rate(sli, target)
}

/// The workbook's condition: the long and the short window both exceed the factor.
pub fn burning(alert: &BurnAlert, long_rate: f64, short_rate: f64) -> bool {
    long_rate > alert.factor && short_rate > alert.factor
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_computed_budget_and_burn() {
        // 99.9 % over 30d; 50 errors in 100,000 requests: half the budget left.
        let sli = ratio(99_950.0, 100_000.0).unwrap();
        assert!(close(sli, 0.9995));
        assert!(close(budget_remaining(sli, 0.999), 0.5));
        // 2 % errors in the last hour burn 20 times too fast.
        assert!(close(burn_rate(0.98, 0.999), 20.0));
        // 1.5 % errors against a 99 % objective: the budget is over-spent by half.
        assert!(close(budget_remaining(0.985, 0.99), -0.5));
        // No errors: nothing burns, the whole budget is left.
        assert!(close(burn_rate(1.0, 0.999), 0.0));
        assert!(close(budget_remaining(1.0, 0.999), 1.0));
    }

    #[test]
    fn burning_needs_both_windows_over_the_factor() {
        let a = DEFAULT_BURN[0];
        assert!(burning(&a, 20.0, 15.0));
        assert!(!burning(&a, 20.0, 14.4), "equal is not over");
        assert!(!burning(&a, 4.0, 30.0), "a short spike alone does not page");
    }

    #[test]
    fn no_traffic_and_impossible_ratios_are_reasons() {
        assert!(ratio(0.0, 0.0).unwrap_err().contains("total is 0"));
        assert!(ratio(f64::NAN, 1.0).unwrap_err().contains("no data"));
        assert!(ratio(11.0, 10.0).unwrap_err().contains("good above total"));
        assert!(check_sli(f64::NAN).is_err());
        assert_eq!(check_sli(1.0 + 1e-12), Ok(1.0));
    }

    #[test]
    fn windows_are_filled_in_prometheus_syntax_once_each() {
        assert_eq!(
            fill(
                "sum(rate(x[{{window}}])) / sum(rate(y[{{window}}]))",
                mins(90)
            ),
            "sum(rate(x[1h30m])) / sum(rate(y[1h30m]))"
        );
        let slo = Slo {
            name: "a".into(),
            objective: 99.9,
            window: Duration::from_secs(30 * 86_400),
            sli: Sli::Ratio("r".into()),
            burn: vec![
                DEFAULT_BURN[0],
                DEFAULT_BURN[1],
                BurnAlert {
                    long: mins(60),
                    short: mins(30),
                    factor: 10.0,
                },
            ],
        };
        let w: Vec<String> = slo.windows().into_iter().map(window_text).collect();
        assert_eq!(w, ["30d", "1h", "5m", "6h", "30m"]);
        assert!(close(slo.target(), 0.999));
    }
}
