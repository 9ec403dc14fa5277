//! Range queries (`/api/v1/query_range`): an expression's series over a
//! time window, for the detail view's history chart and fire counts.

use std::time::Duration;

use serde_json::Value;

use super::prom_query::api_get;
use super::{SourceError, SourceSpec};
use crate::model::history::Series;

/// The expression from `start` to `end` (unix seconds) every `step` seconds.
pub async fn range(
    spec: &SourceSpec,
    timeout: Duration,
    query: &str,
    start: i64,
    end: i64,
    step: i64,
) -> Result<Vec<Series>, SourceError> {
    let (start, end, step) = (start.to_string(), end.to_string(), step.max(1).to_string());
    let data = api_get(
        spec,
        timeout,
        "/api/v1/query_range",
        &[
            ("query", query),
            ("start", &start),
            ("end", &end),
            ("step", &step),
        ],
    )
    .await?;
    matrix(&data)
}

/// `{resultType: matrix, result: [{metric, values: [[t, "v"], ...]}]}`.
pub fn matrix(data: &Value) -> Result<Vec<Series>, SourceError> {
    if data["resultType"].as_str() != Some("matrix") {
        return Err(SourceError::Decode(format!(
            "a range query answered {} instead of a matrix",
            data["resultType"]
        )));
    }
    let result = data["result"]
        .as_array()
        .ok_or_else(|| SourceError::Decode("a range query's result is not a list".into()))?;
    Ok(result.iter().map(series).collect())
}

fn series(s: &Value) -> Series {
    let labels = s["metric"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.as_str().into(), v.as_str()?.into())))
        .collect();
    let points = s["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let t = p.get(0)?.as_f64()? as i64;
            let v = p.get(1)?.as_str()?.parse::<f64>().ok()?;
            Some((t, v))
        })
        .collect();
    Series { labels, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_decode_and_other_shapes_are_refused() {
        let v: Value = serde_json::from_str(
            r#"{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[10,"1.5"],[20.5,"NaN"],[30,"x"]]}]}"#,
        )
        .unwrap();
        let s = matrix(&v).unwrap();
        assert_eq!(&s[0].labels["job"], "a");
        assert_eq!(s[0].points.len(), 2);
        assert_eq!(s[0].points[0], (10, 1.5));
        let e: Value = serde_json::from_str(r#"{"resultType":"vector","result":[]}"#).unwrap();
        assert!(matrix(&e).unwrap_err().to_string().contains("matrix"));
    }
}
