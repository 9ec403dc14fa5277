//! Prometheus API v1: the alerting rules' alerts, including pending ones
//! that Alertmanager never sees.

use std::sync::Arc;

use chrono::Utc;
use serde::de::IgnoredAny;

use super::dto::{PromAlert, PromAlerts, PromResponse, PromRules};
use super::http::{decode, get, join, snippet, HttpClient};
use super::{Snapshot, SourceError, SourceSpec};
use crate::model::{fingerprint, Alert, AlertRule, AlertState, Names};

pub async fn fetch(client: &HttpClient, spec: &SourceSpec) -> Result<Snapshot, SourceError> {
    let (status, body) = get(client, &join(&spec.url, "/api/v1/alerts")).await?;
    let body = body.as_ref();
    if !(200..300).contains(&status) {
        // Prometheus explains its errors in a JSON envelope; prefer its words.
        return Err(match decode::<PromResponse<IgnoredAny>>(body) {
            Ok(resp) if resp.status == "error" => error_of(resp.error_type, resp.error),
            _ => SourceError::Status {
                status,
                snippet: snippet(body),
            },
        });
    }
    let data = envelope(decode::<PromResponse<PromAlerts>>(body)?)?;
    let alerts: Vec<Alert> = data
        .alerts
        .into_iter()
        .filter_map(|a| alert(a, &spec.name))
        .collect();
    // The rules explain an alert (expression, `for:`); without them the
    // alerts still stand, so a failure here does not fail the poll.
    let rules = match rules(client, spec).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(source = %spec.name, error = %crate::sanitize::line(&e.to_string()), "rules call failed");
            Vec::new()
        }
    };
    Ok(Snapshot {
        alerts: Arc::new(alerts),
        silences: Vec::new(),
        peer: None,
        rules,
        started: None,
    })
}

pub async fn rules(client: &HttpClient, spec: &SourceSpec) -> Result<Vec<AlertRule>, SourceError> {
    let (status, body) = get(client, &join(&spec.url, "/api/v1/rules?type=alert")).await?;
    if !(200..300).contains(&status) {
        return Err(SourceError::Status {
            status,
            snippet: snippet(body.as_ref()),
        });
    }
    let data = envelope(decode::<PromResponse<PromRules>>(body.as_ref())?)?;
    Ok(data
        .groups
        .into_iter()
        .flat_map(|g| {
            let (group, file, every) = (g.name, g.file, g.interval.max(0.0) as u64);
            g.rules
                .into_iter()
                .filter(|r| r.kind == "alerting")
                .map(move |r| AlertRule {
                    name: r.name,
                    expr: r.query,
                    for_secs: r.duration.max(0.0) as u64,
                    labels: r.labels,
                    annotations: r.annotations,
                    group: group.clone(),
                    file: file.clone(),
                    interval_secs: every,
                })
        })
        .collect())
}

/// Unwraps `{"status":"success","data":...}`; an error answer becomes a
/// `Decode` error with Prometheus's own words.
pub fn envelope<T>(resp: PromResponse<T>) -> Result<T, SourceError> {
    match (resp.status.as_str(), resp.data) {
        ("success", Some(data)) => Ok(data),
        ("success", None) => Err(SourceError::Decode(
            "Prometheus answered success without data".into(),
        )),
        _ => Err(error_of(resp.error_type, resp.error)),
    }
}

fn error_of(kind: Option<String>, text: Option<String>) -> SourceError {
    let kind = kind.unwrap_or_else(|| "error".into());
    let text = text.unwrap_or_else(|| "no error text".into());
    SourceError::Decode(format!("Prometheus {kind}: {text}"))
}

/// Inactive alerts are skipped. The fingerprint is Alertmanager's, so the
/// copy Prometheus sent to Alertmanager dedups with this one (as long as no
/// `external_labels` are configured: Prometheus adds those only on the way
/// to Alertmanager).
pub fn alert(a: PromAlert, source: &str) -> Option<Alert> {
    let state = match a.state.as_str() {
        "firing" => AlertState::Firing,
        "pending" => AlertState::Pending,
        _ => return None,
    };
    Some(Alert {
        fingerprint: fingerprint(&a.labels),
        labels: a.labels,
        annotations: a.annotations,
        state,
        // activeAt is always set on pending/firing alerts; be safe anyway.
        starts_at: a.active_at.unwrap_or_else(Utc::now),
        ends_at: None,
        updated_at: None,
        generator_url: "".into(),
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: Names::new(),
        sources: smallvec::smallvec![source.into()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_states_and_skips_inactive() {
        let body = br#"{"status":"success","data":{"alerts":[
          {"labels":{"alertname":"A"},"annotations":{},"state":"pending","activeAt":"2030-01-01T00:00:00Z","value":"1e+00"},
          {"labels":{"alertname":"B"},"annotations":{},"state":"firing","activeAt":"2030-01-01T00:00:00Z","value":"1e+00"},
          {"labels":{"alertname":"C"},"annotations":{},"state":"inactive","value":"0"}]}}"#;
        let data = envelope(decode::<PromResponse<PromAlerts>>(body).unwrap()).unwrap();
        let alerts: Vec<_> = data
            .alerts
            .into_iter()
            .filter_map(|a| alert(a, "prom"))
            .collect();
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts[0].state, AlertState::Pending);
        assert_eq!(alerts[1].state, AlertState::Firing);
        assert_eq!(alerts[1].fingerprint, fingerprint(&alerts[1].labels));
    }

    #[test]
    fn error_answer_keeps_prometheus_words() {
        let body = br#"{"status":"error","errorType":"unavailable","error":"TSDB not ready"}"#;
        let e = envelope(decode::<PromResponse<PromAlerts>>(body).unwrap()).unwrap_err();
        assert_eq!(
            e,
            SourceError::Decode("Prometheus unavailable: TSDB not ready".into())
        );
    }
}
