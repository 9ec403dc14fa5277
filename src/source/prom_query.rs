//! One PromQL instant query (`/api/v1/query`), for the runbook's `promql`
//! steps: each series becomes one line of output, as a console would show it.

use std::time::Duration;

use serde_json::Value;

use super::http::{decode, get, join, snippet, HttpClient};
use super::prometheus::envelope;
use super::{SourceError, SourceSpec};
use crate::source::dto::PromResponse;

/// The query's result as lines: `{job="api",instance="a"} 0.93` per series.
pub async fn instant(
    spec: &SourceSpec,
    timeout: Duration,
    query: &str,
) -> Result<Vec<String>, SourceError> {
    Ok(lines(&instant_data(spec, timeout, query, None).await?))
}

/// The query's `data` (`{resultType, result}`) at `time` (default: now),
/// or the reason in Prometheus's own words.
pub async fn instant_data(
    spec: &SourceSpec,
    timeout: Duration,
    query: &str,
    time: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Value, SourceError> {
    let secs = time.map(|t| format!("{:.3}", t.timestamp_millis() as f64 / 1000.0));
    let mut params = vec![("query", query)];
    if let Some(secs) = &secs {
        params.push(("time", secs));
    }
    api_get(spec, timeout, "/api/v1/query", &params).await
}

/// One call of Prometheus's query API: its `data`, or Prometheus's own
/// words for what went wrong (a bad query is a 400 with a JSON error).
pub async fn api_get(
    spec: &SourceSpec,
    timeout: Duration,
    path: &str,
    params: &[(&str, &str)],
) -> Result<Value, SourceError> {
    let client = HttpClient::new(spec, timeout)?;
    let mut url = reqwest::Url::parse(&join(&spec.url, path))
        .map_err(|e| SourceError::Decode(e.to_string()))?;
    url.query_pairs_mut().extend_pairs(params);
    let (status, body) = get(&client, url.as_str()).await?;
    let body = body.as_ref();
    let resp: PromResponse<Value> = match decode(body) {
        Ok(r) => r,
        Err(_) if !(200..300).contains(&status) => {
            return Err(SourceError::Status {
                status,
                snippet: snippet(body),
            })
        }
        Err(e) => return Err(e),
    };
    envelope(resp)
}

fn series(metric: &Value) -> String {
    let Some(map) = metric.as_object() else {
        return "{}".into();
    };
    let name = map.get("__name__").and_then(Value::as_str).unwrap_or("");
    let labels: Vec<String> = map
        .iter()
        .filter(|(k, _)| *k != "__name__")
        .map(|(k, v)| format!("{k}={}", v))
        .collect();
    format!("{name}{{{}}}", labels.join(","))
}

fn sample(v: &Value) -> String {
    v.get(1).and_then(Value::as_str).unwrap_or("?").to_string()
}

/// Formats `{resultType, result}` of vector, scalar, string and matrix answers.
pub fn lines(data: &Value) -> Vec<String> {
    let result = &data["result"];
    match data["resultType"].as_str() {
        Some("vector") => {
            let rows: Vec<String> = result
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| format!("{} {}", series(&s["metric"]), sample(&s["value"])))
                .collect();
            if rows.is_empty() {
                vec!["(no series: the query matched nothing)".into()]
            } else {
                rows
            }
        }
        Some("scalar") | Some("string") => vec![sample(result)],
        Some("matrix") => result
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let last = s["values"]
                    .as_array()
                    .and_then(|v| v.last())
                    .map(sample)
                    .unwrap_or_default();
                format!(
                    "{} {last} (last of {} samples)",
                    series(&s["metric"]),
                    s["values"].as_array().map_or(0, Vec::len)
                )
            })
            .collect(),
        _ => vec![data.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_scalars_and_empty_answers() {
        let v: Value = serde_json::from_str(
            r#"{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[1,"1"]}]}"#,
        )
        .unwrap();
        assert_eq!(lines(&v), [r#"up{job="api"} 1"#]);
        let s: Value =
            serde_json::from_str(r#"{"resultType":"scalar","result":[1,"0.25"]}"#).unwrap();
        assert_eq!(lines(&s), ["0.25"]);
        let e: Value = serde_json::from_str(r#"{"resultType":"vector","result":[]}"#).unwrap();
        assert!(lines(&e)[0].contains("no series"));
    }
}
