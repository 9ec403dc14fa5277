//! Alertmanager API v2: alerts, silences and the gossip cluster's status.

use std::sync::Arc;

use super::am_decode::decode_alerts;
use super::dto::{AmAlert, AmMatcher, AmSilence, AmStatus};
use super::http::{get_json, get_ok, join, read_error, HttpClient};
use super::last_poll::LastPoll;
use super::{PeerInfo, Snapshot, SourceError, SourceSpec};
use crate::model::{Alert, AlertState, MatchOp, Matcher, Silence, SilenceState};

/// Every alert Alertmanager holds, whatever its state: the console shows
/// silenced and inhibited alerts too (greyed) so nothing hides.
const ALERTS: &str = "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true";

/// One poll: alerts, silences and status, in parallel. A failing status call
/// (some proxies only allow the alerts API) does not fail the poll. A
/// poller passes `keep`: its last good answer, which this poll's alerts are
/// decoded after and which becomes this poll's if it is good (`last_poll`).
pub async fn fetch(
    client: &HttpClient,
    spec: &SourceSpec,
    keep: Option<&mut Option<LastPoll>>,
) -> Result<Snapshot, SourceError> {
    let urls = [ALERTS, "/api/v2/silences", "/api/v2/status"].map(|p| join(&spec.url, p));
    let (alerts, silences, status) = tokio::join!(
        get_ok(client, &urls[0]),
        get_json::<Vec<AmSilence>>(client, &urls[1]),
        get_json::<AmStatus>(client, &urls[2]),
    );
    let body = alerts?;
    let (alerts, next) = match keep.as_deref() {
        // The body is freed as soon as it is read: both members of an HA
        // pair are read at once, and this is their peak.
        None => {
            let alerts = decode_alerts(&{ body }, &spec.name).map_err(|e| read_error(&e))?;
            (Arc::new(alerts), None)
        }
        Some(last) => {
            let next =
                LastPoll::decode(body, &spec.name, last.as_ref()).map_err(|e| read_error(&e))?;
            (Arc::clone(next.alerts()), Some(next))
        }
    };
    let silences = silences?
        .into_iter()
        .map(|s| silence(s, &spec.name))
        .collect();
    // Only a good poll's answer is the last good answer.
    if let (Some(last), Some(next)) = (keep, next) {
        *last = Some(next);
    }
    let (peer, started) = match status {
        Ok(s) => (
            s.cluster
                .map(|c| peer_info(c.name, c.peers.into_iter().map(|p| p.name).collect())),
            s.uptime
                .and_then(|u| chrono::DateTime::parse_from_rfc3339(&u).ok())
                .map(|u| u.with_timezone(&chrono::Utc)),
        ),
        Err(e) => {
            tracing::debug!(source = %spec.name, error = %e, "status call failed; no peer info");
            (None, None)
        }
    };
    Ok(Snapshot {
        alerts,
        silences,
        peer,
        rules: Vec::new(),
        started,
    })
}

/// `peers` lists the other members only (Alertmanager's list includes itself).
fn peer_info(name: String, mut peers: Vec<String>) -> PeerInfo {
    peers.retain(|p| *p != name);
    peers.sort();
    PeerInfo { name, peers }
}

/// The serde-derived path (kept for tests that compare against it).
pub fn alert(a: AmAlert, source: &str) -> Alert {
    let state = match a.status.state.as_str() {
        "suppressed" => AlertState::Suppressed,
        // "active" and "unprocessed" (not yet routed) are both firing.
        _ => AlertState::Firing,
    };
    Alert {
        fingerprint: a.fingerprint.into(),
        labels: a.labels,
        annotations: a.annotations,
        state,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        updated_at: a.updated_at,
        generator_url: a.generator_url.into(),
        silenced_by: a.status.silenced_by,
        inhibited_by: a.status.inhibited_by,
        receivers: a.receivers.into_iter().map(|r| r.name.into()).collect(),
        sources: smallvec::smallvec![source.into()],
    }
}

pub fn silence(s: AmSilence, source: &str) -> Silence {
    let state = match s.status.state.as_str() {
        "active" => SilenceState::Active,
        "pending" => SilenceState::Pending,
        _ => SilenceState::Expired,
    };
    Silence {
        matchers: s.matchers.iter().map(|m| matcher(m, &s.id)).collect(),
        id: s.id,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        created_by: s.created_by,
        comment: s.comment,
        state,
        source: source.to_string(),
    }
}

fn matcher(m: &AmMatcher, silence_id: &str) -> Matcher {
    let op = match (m.is_regex, m.is_equal) {
        (false, true) => MatchOp::Eq,
        (false, false) => MatchOp::Ne,
        (true, true) => MatchOp::Re,
        (true, false) => MatchOp::NotRe,
    };
    Matcher::new(&m.name, op, &m.value).unwrap_or_else(|e| {
        // Go's RE2 accepted it, Rust's regex did not: keep the silence
        // visible and match the text literally.
        tracing::warn!(silence = %crate::sanitize::line(silence_id), error = %crate::sanitize::line(&e.to_string()), "regex matcher kept as a literal");
        Matcher::literal(&m.name, op, &m.value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::http::decode;

    #[test]
    fn maps_a_suppressed_alert_and_its_silence() {
        let body = br#"[{"annotations":{"summary":"disk full"},"endsAt":"2030-01-01T00:04:00.000Z",
          "fingerprint":"0123456789abcdef","receivers":[{"name":"team"}],"startsAt":"2030-01-01T00:00:00.000Z",
          "status":{"inhibitedBy":[],"silencedBy":["s1"],"state":"suppressed"},
          "updatedAt":"2030-01-01T00:01:00.000Z","generatorURL":"http://p/graph","labels":{"alertname":"DiskFull"}}]"#;
        let alerts: Vec<AmAlert> = decode(body).unwrap();
        let a = alert(alerts.into_iter().next().unwrap(), "am1");
        assert_eq!(a.state, AlertState::Suppressed);
        assert_eq!(a.silenced_by, vec!["s1"]);
        assert_eq!(a.receivers.as_slice(), ["team"]);
        assert_eq!(a.sources.as_slice(), ["am1"]);
        assert_eq!(a.summary(), "disk full");

        let body = br#"[{"id":"s1","status":{"state":"active"},"updatedAt":"2030-01-01T00:00:00Z",
          "comment":"ACK! looking","createdBy":"alice","endsAt":"2030-01-01T00:15:00Z","startsAt":"2030-01-01T00:00:00Z",
          "matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"DiskFull"},
                      {"isRegex":true,"name":"job","value":"no(de"},{"isEqual":false,"isRegex":true,"name":"env","value":"dev.*"}]}]"#;
        let s: Vec<AmSilence> = decode(body).unwrap();
        let s = silence(s.into_iter().next().unwrap(), "am1");
        assert!(s.is_ack("ACK!"));
        assert_eq!(s.state, SilenceState::Active);
        assert_eq!(s.matchers[0].to_string(), r#"alertname="DiskFull""#);
        assert_eq!(s.matchers[1].op, MatchOp::Re);
        assert_eq!(s.matchers[2].op, MatchOp::NotRe);
    }

    #[test]
    fn peers_exclude_self() {
        let p = peer_info("b".into(), vec!["b".into(), "a".into()]);
        assert_eq!(p.peers, vec!["a"]);
    }
}
