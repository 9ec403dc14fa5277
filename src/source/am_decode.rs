//! Alertmanager's `/api/v2/alerts` decoded straight into `model::Alert`.
//!
//! Why not the serde-derived DTO: at 10,000 alerts the time went to
//! allocating and freeing ~30 small strings per alert and to chrono's
//! generic timestamp parser (callgrind, see README "Performance"). Here
//! strings are borrowed from the body while an alert is read, and
//! timestamps take a fast path.
//!
//! Label sets are built anew at every poll. An earlier version looked each
//! alert up in the previous poll's sets and shared them when unchanged;
//! once a set became one list (`model::Labels`), comparing with the old
//! set (memory long out of cache) cost more than building a new one: a
//! next poll decoded 15–20 ms slower at 10,000×2 (README "Performance").

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

use crate::model::{Alert, AlertState, LabelText, Labels};

/// Decodes a `/api/v2/alerts` body; `source` names the reporting source.
pub fn decode_alerts(body: &[u8], source: &str) -> Result<Vec<Alert>, serde_json::Error> {
    let seed = AlertsSeed { source };
    // One UTF-8 check of the whole body is cheaper than one per string.
    match std::str::from_utf8(body) {
        Ok(text) => seed.deserialize(&mut serde_json::Deserializer::from_str(text)),
        Err(_) => seed.deserialize(&mut serde_json::Deserializer::from_slice(body)),
    }
}

/// A JSON string, borrowed from the body unless it holds escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Go writes a nil slice or map as `null`: read as empty / absent.
type Maybe<T> = Option<T>;

struct AlertsSeed<'c> {
    source: &'c str,
}

impl<'de> DeserializeSeed<'de> for AlertsSeed<'_> {
    type Value = Vec<Alert>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Alert>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AlertsSeed<'_> {
    type Value = Vec<Alert>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Alert>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        // Scratch lists reused for every alert: no allocation per alert.
        let mut scratch = Scratch::default();
        while let Some(a) = seq.next_element_seed(OneAlert {
            scratch: &mut scratch,
            source: self.source,
        })? {
            out.push(a);
        }
        Ok(out)
    }
}

type Pairs<'de> = Vec<(Cow<'de, str>, Cow<'de, str>)>;

#[derive(Default)]
struct Scratch<'de> {
    labels: Pairs<'de>,
    annotations: Pairs<'de>,
}

struct OneAlert<'s, 'c, 'de> {
    scratch: &'s mut Scratch<'de>,
    source: &'c str,
}

impl<'de> DeserializeSeed<'de> for OneAlert<'_, '_, 'de> {
    type Value = Alert;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Alert, D::Error> {
        d.deserialize_map(self)
    }
}

struct Status {
    state: AlertState,
    silenced_by: Vec<String>,
    inhibited_by: Vec<String>,
}

impl<'de> Visitor<'de> for OneAlert<'_, '_, 'de> {
    type Value = Alert;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an alert object")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Alert, M::Error> {
        let s = self.scratch;
        s.labels.clear();
        s.annotations.clear();
        let mut fingerprint: Option<Text<'de>> = None;
        let (mut starts_at, mut ends_at, mut updated_at) = (None, None, None);
        let mut generator_url: Arc<str> = Arc::from("");
        let mut receivers = Vec::new();
        let mut status: Option<Status> = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "fingerprint" => fingerprint = Some(map.next_value()?),
                "labels" => map.next_value_seed(PairsSeed(&mut s.labels))?,
                "annotations" => map.next_value_seed(PairsSeed(&mut s.annotations))?,
                "startsAt" => starts_at = Some(time::<M>(map.next_value()?)?),
                "endsAt" => ends_at = time_opt::<M>(map.next_value()?)?,
                "updatedAt" => updated_at = time_opt::<M>(map.next_value()?)?,
                "generatorURL" => {
                    generator_url = map
                        .next_value::<Maybe<Text>>()?
                        .map_or_else(|| Arc::from(""), |t| Arc::from(t.0.as_ref()))
                }
                "receivers" => receivers = map.next_value_seed(NamesSeed)?.unwrap_or_default(),
                "status" => status = Some(map.next_value_seed(StatusSeed)?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let fingerprint = fingerprint.ok_or_else(|| de::Error::missing_field("fingerprint"))?;
        let starts_at = starts_at.ok_or_else(|| de::Error::missing_field("startsAt"))?;
        let status = status.ok_or_else(|| de::Error::missing_field("status"))?;
        let fingerprint = LabelText::new(fingerprint.0);
        sort_pairs(&mut s.labels);
        sort_pairs(&mut s.annotations);
        let (labels, annotations) = (build(&mut s.labels), build(&mut s.annotations));
        Ok(Alert {
            fingerprint,
            labels,
            annotations,
            state: status.state,
            starts_at,
            ends_at,
            updated_at,
            generator_url,
            silenced_by: status.silenced_by,
            inhibited_by: status.inhibited_by,
            receivers,
            sources: vec![self.source.into()],
        })
    }
}

/// Go writes map keys sorted, so this is one pass; a duplicate key keeps
/// the last value, as a map would.
fn sort_pairs(p: &mut Pairs) {
    if !p.windows(2).all(|w| w[0].0 < w[1].0) {
        p.reverse();
        p.sort_by(|a, b| a.0.cmp(&b.0));
        p.dedup_by(|a, b| a.0 == b.0);
    }
}

fn build(pairs: &mut Pairs) -> Labels {
    // The pairs are sorted: one exactly sized list; each text is made from
    // the borrowed str (inline when short), no String.
    Labels::from_sorted(
        pairs
            .drain(..)
            .map(|(k, v)| (LabelText::new(k), LabelText::new(v))),
    )
}

struct PairsSeed<'s, 'de>(&'s mut Pairs<'de>);

impl<'de> DeserializeSeed<'de> for PairsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for PairsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of strings")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some((k, v)) = map.next_entry::<Text<'de>, Text<'de>>()? {
            self.0.push((k.0, v.0));
        }
        Ok(())
    }
}

/// `receivers: [{"name": …}]`, or null.
struct NamesSeed;

impl<'de> DeserializeSeed<'de> for NamesSeed {
    type Value = Option<Vec<LabelText>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        #[derive(serde::Deserialize)]
        struct Named<'a> {
            #[serde(borrow)]
            name: Cow<'a, str>,
        }
        let list = Option::<Vec<Named<'de>>>::deserialize(d)?;
        Ok(list.map(|l| l.into_iter().map(|n| LabelText::new(n.name)).collect()))
    }
}

use serde::Deserialize as _;

struct StatusSeed;

impl<'de> DeserializeSeed<'de> for StatusSeed {
    type Value = Status;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Status, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatusSeed {
    type Value = Status;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an alert status")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Status, M::Error> {
        let mut s = Status {
            state: AlertState::Firing,
            silenced_by: Vec::new(),
            inhibited_by: Vec::new(),
        };
        let mut state = None;
        let ids = |v: Maybe<Vec<Text>>| {
            v.unwrap_or_default()
                .into_iter()
                .map(|t| t.0.into_owned())
                .collect()
        };
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                // "active" and "unprocessed" (not yet routed) are both firing.
                "state" => {
                    state = Some(match map.next_value::<Text>()?.0.as_ref() {
                        "suppressed" => AlertState::Suppressed,
                        _ => AlertState::Firing,
                    })
                }
                "silencedBy" => s.silenced_by = ids(map.next_value()?),
                "inhibitedBy" => s.inhibited_by = ids(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        s.state = state.ok_or_else(|| de::Error::missing_field("state"))?;
        Ok(s)
    }
}

fn time<'de, M: MapAccess<'de>>(t: Text) -> Result<DateTime<Utc>, M::Error> {
    parse_time(&t.0).ok_or_else(|| de::Error::custom(format!("invalid timestamp {:?}", t.0)))
}

fn time_opt<'de, M: MapAccess<'de>>(t: Maybe<Text>) -> Result<Option<DateTime<Utc>>, M::Error> {
    t.map(time::<M>).transpose()
}

/// RFC 3339. Alertmanager writes `2026-11-22T02:30:00.123Z`; that shape is
/// read digit by digit, anything else by chrono.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    fast_utc(s.as_bytes()).or_else(|| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    })
}

fn fast_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() < 20 || b.len() > 30 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps
        .iter()
        .any(|&(i, c)| b[i] != c && !(i == 10 && b[i] == b't'))
    {
        return None;
    }
    let mut nanos = 0;
    let frac = &b[19..b.len() - 1];
    if !frac.is_empty() {
        let digits = frac.strip_prefix(b".")?;
        if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        nanos = digits
            .iter()
            .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'))
            * 10u32.pow(9 - digits.len() as u32);
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let t = date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_timestamps_agree_with_chrono() {
        for s in [
            "2026-11-22T02:30:00.123Z",
            "2026-11-22T02:30:00Z",
            "2026-11-22T02:30:00.123456789Z",
            "0001-01-01T00:00:00Z",
            "2026-11-22T02:30:00+01:00",
            "2026-11-22t02:30:00.5Z",
        ] {
            let want = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
            assert_eq!(parse_time(s), Some(want), "{s}");
        }
        for bad in [
            "2026-13-22T02:30:00Z",
            "2026-11-22 02:30",
            "2026-11-22T02:30:00.Z",
            "",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    const ONE: &str = r#"[{"annotations":{"summary":"disk \"full\"\n"},"endsAt":"2030-01-01T00:04:00.000Z",
      "fingerprint":"0123456789abcdef","receivers":[{"name":"team"}],"startsAt":"2030-01-01T00:00:00.000Z",
      "status":{"inhibitedBy":null,"silencedBy":["s1"],"state":"suppressed","mutedBy":[]},"extra":{"a":[1]},
      "updatedAt":"2030-01-01T00:01:00.000Z","generatorURL":"http://p/graph","labels":{"job":"j","alertname":"DiskFull"}}]"#;

    #[test]
    fn decodes_escapes_nulls_unsorted_labels_and_unknown_fields() {
        let a = &decode_alerts(ONE.as_bytes(), "am1").unwrap()[0];
        assert_eq!(a.state, AlertState::Suppressed);
        assert_eq!(a.silenced_by, vec!["s1"]);
        assert!(a.inhibited_by.is_empty());
        assert_eq!(a.receivers, vec!["team"]);
        assert_eq!(a.sources, vec!["am1"]);
        assert_eq!(a.summary(), "disk \"full\"\n");
        assert_eq!(a.alertname(), "DiskFull");
        assert_eq!(a.labels.keys().collect::<Vec<_>>(), ["alertname", "job"]);
    }

    #[test]
    fn agrees_with_the_serde_derived_dto() {
        let dto: Vec<crate::source::dto::AmAlert> =
            crate::source::http::decode(ONE.as_bytes()).unwrap();
        let want: Vec<Alert> = dto
            .into_iter()
            .map(|a| crate::source::alertmanager::alert(a, "am1"))
            .collect();
        let got = decode_alerts(ONE.as_bytes(), "am1").unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn missing_fields_and_bad_json_are_errors() {
        for bad in [
            r#"[{"fingerprint":"x","status":{"state":"active"}}]"#,
            r#"[{"fingerprint":"x","startsAt":"2030-01-01T00:00:00Z"}]"#,
            r#"[{"fingerprint":"x","startsAt":"yesterday","status":{"state":"active"}}]"#,
            r#"[{"fingerprint":"x""#,
        ] {
            assert!(decode_alerts(bad.as_bytes(), "am1").is_err(), "{bad}");
        }
    }
}
