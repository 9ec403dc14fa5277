//! Alertmanager's `/api/v2/alerts` decoded straight into `model::Alert`.
//!
//! Why not the serde-derived DTO: at 10,000 alerts the time went to
//! allocating and freeing ~30 small strings per alert and to chrono's
//! generic timestamp parser (callgrind, see docs/performance-log.md). Why not
//! serde_json at all: with those gone, half of what was left was its
//! generic visitor machinery. Here `json_read` pulls exactly the fields an
//! alert has, other strings are borrowed from the body while an alert is
//! read, a label or annotation map's texts are copied straight into the
//! layout of its set (no list of pairs), and timestamps take a fast path.
//! `tests/units/am_decode.rs` checks it against the serde-derived DTO on random
//! bodies, `tests/units/am_decode_next.rs` a next answer against itself alone.
//!
//! A poller's next answer is read after its last (`decode_next` with a
//! `last_poll::LastPoll`): an alert whose bytes come back unchanged is
//! copied from the last list, not read. An earlier version looked each
//! read alert's sets up in the last poll's and shared them when equal; that
//! cost more than building them (memory long out of cache, looked up at
//! random), where comparing bytes in order skips the reading itself.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::json_read::{Read, ReadError, ReadKind, Reader};
use super::last_poll::{LastPoll, Reuse, Spans};
use super::shared_sets;
use crate::model::{Alert, AlertState, LabelText, Labels, Names};

/// Decodes a `/api/v2/alerts` body; `source` names the reporting source.
pub fn decode_alerts(body: &[u8], source: &str) -> Result<Vec<Alert>, Box<ReadError>> {
    Ok(decode_next(body, source, None)?.0)
}

/// Decodes a body after `last` (the same source's last answer; another's
/// is not used): its alerts, and where in `body` each was read from.
pub fn decode_next(
    body: &[u8],
    source: &str,
    last: Option<&LastPoll>,
) -> Result<(Vec<Alert>, Spans), Box<ReadError>> {
    decode(body, source, last, false)
}

/// `decode_next` for a poller: alerts read anew take the sets another
/// source's copy already holds (`shared_sets`).
pub(crate) fn decode_polled(
    body: &[u8],
    source: &str,
    last: Option<&LastPoll>,
) -> Result<(Vec<Alert>, Spans), Box<ReadError>> {
    decode(body, source, last, true)
}

fn decode(
    body: &[u8],
    source: &str,
    last: Option<&LastPoll>,
    share: bool,
) -> Result<(Vec<Alert>, Spans), Box<ReadError>> {
    let reuse = Reuse::new(last, source);
    read_alerts(&mut Reader::new(utf8(body)?), source, reuse, share)
}

fn utf8(body: &[u8]) -> Result<&str, Box<ReadError>> {
    std::str::from_utf8(body).map_err(|e| {
        Box::new(ReadError {
            kind: ReadKind::Syntax,
            what: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            line: 1,
            column: 1,
        })
    })
}

fn read_alerts(
    r: &mut Reader,
    source: &str,
    mut reuse: Reuse<'_>,
    share: bool,
) -> Read<(Vec<Alert>, Spans)> {
    let (mut out, mut spans) = (Vec::new(), Vec::new());
    // Scratch text, ends and dates reused for every alert read anew.
    let mut scratch = Scratch::default();
    let mut list = r.open(b'[')?;
    while r.next(&mut list)? {
        if out.is_empty() {
            // About 0.95 kB an alert: room for all at once, not by doubling.
            out.reserve(r.rest_len() / 900 + 1);
            spans.reserve(r.rest_len() / 900 + 1);
        }
        r.peek(); // past white space: a span starts at the alert's `{`
        let start = r.offset();
        match reuse.unchanged(r.rest()) {
            Some((alert, len)) => {
                r.step_over(len);
                out.push(alert.clone());
            }
            None => {
                let mut alert = read_alert(r, &mut scratch, source)?;
                reuse.passed(&alert.fingerprint);
                if share {
                    shared_sets::share(&mut alert);
                }
                out.push(alert);
            }
        }
        spans.push(start..r.offset());
    }
    r.end()?;
    // The room reserved by guess (kept until the next poll) is given back.
    out.shrink_to_fit();
    Ok((out, spans))
}

/// What is reused for every alert: no allocation per alert for these.
#[derive(Default)]
struct Scratch {
    /// A label or annotation set's texts as read, and where each ends.
    text: String,
    ends: Vec<usize>,
    /// The last date of each timestamp field (startsAt, endsAt, updatedAt):
    /// starts are spread over days, ends and updates fall on today.
    dates: [Dates; 3],
}

fn read_alert(r: &mut Reader, s: &mut Scratch, source: &str) -> Read<Alert> {
    let (mut labels, mut annotations) = (None, None);
    let mut fingerprint = None;
    let (mut starts_at, mut ends_at, mut updated_at) = (None, None, None);
    let mut generator_url: Arc<str> = Arc::from("");
    let mut receivers = Names::new();
    let mut status = None;
    let mut fields = r.open(b'{')?;
    while r.next(&mut fields)? {
        let key = r.key()?;
        match key.as_ref() {
            "fingerprint" => fingerprint = Some(r.string()?),
            "labels" => labels = Some(read_set(r, s)?),
            "annotations" => annotations = Some(read_set(r, s)?),
            "startsAt" => starts_at = Some(time(r, &mut s.dates[0])?),
            "endsAt" => ends_at = time_or_null(r, &mut s.dates[1])?,
            "updatedAt" => updated_at = time_or_null(r, &mut s.dates[2])?,
            "generatorURL" => {
                generator_url = match r.null()? {
                    true => Arc::from(""),
                    false => Arc::from(r.string()?.as_ref()),
                }
            }
            "receivers" => receivers = read_receivers(r)?,
            "status" => status = Some(read_status(r)?),
            _ => r.skip()?,
        }
    }
    let missing = |field: &str| r.shape(format!("missing field `{field}`"));
    let fingerprint = LabelText::new(fingerprint.ok_or_else(|| missing("fingerprint"))?);
    let starts_at = starts_at.ok_or_else(|| missing("startsAt"))?;
    let status = status.ok_or_else(|| missing("status"))?;
    Ok(Alert {
        fingerprint,
        labels: labels.unwrap_or_default(),
        annotations: annotations.unwrap_or_default(),
        state: status.state,
        starts_at,
        ends_at,
        updated_at,
        generator_url,
        silenced_by: status.silenced_by,
        inhibited_by: status.inhibited_by,
        receivers,
        sources: smallvec::smallvec![source.into()],
    })
}

/// A map of strings, or null (Go writes a nil map as `null`), as a set:
/// its texts are laid out as they are read (`Labels::from_laid_out`), with
/// no list of pairs and no string of their own even when escaped.
fn read_set(r: &mut Reader, s: &mut Scratch) -> Read<Labels> {
    if r.null()? {
        return Ok(Labels::default());
    }
    s.text.clear();
    s.ends.clear();
    let mut map = r.open(b'{')?;
    while r.next(&mut map)? {
        r.string_into(&mut s.text)?;
        s.ends.push(s.text.len());
        r.expect(b':')?;
        r.string_into(&mut s.text)?;
        s.ends.push(s.text.len());
    }
    // SAFETY: each end was taken right after `string_into` appended a
    // whole string, so they rise to the text's end on character boundaries.
    Ok(unsafe { Labels::from_laid_out(&s.text, &s.ends) })
}

/// A list (a `Vec` or `Names`), or null (Go writes a nil slice as
/// `null`), of what `item` reads.
fn read_list<'a, T, L: Default + Extend<T>>(
    r: &mut Reader<'a>,
    mut item: impl FnMut(&mut Reader<'a>) -> Read<T>,
) -> Read<L> {
    let mut out = L::default();
    if r.null()? {
        return Ok(out);
    }
    let mut list = r.open(b'[')?;
    while r.next(&mut list)? {
        out.extend([item(r)?]);
    }
    Ok(out)
}

/// `receivers: [{"name": …}]`, or null.
fn read_receivers(r: &mut Reader) -> Read<Names> {
    read_list(r, |r| {
        let mut name = None;
        let mut fields = r.open(b'{')?;
        while r.next(&mut fields)? {
            match r.key()?.as_ref() {
                "name" => name = Some(r.string()?),
                _ => r.skip()?,
            }
        }
        let name = name.ok_or_else(|| r.shape("missing field `name`"))?;
        Ok(LabelText::new(name))
    })
}

/// A list of strings, or null.
fn read_ids(r: &mut Reader) -> Read<Vec<String>> {
    read_list(r, |r| Ok(r.string()?.into_owned()))
}

struct Status {
    state: AlertState,
    silenced_by: Vec<String>,
    inhibited_by: Vec<String>,
}

fn read_status(r: &mut Reader) -> Read<Status> {
    let mut state = None;
    let (mut silenced_by, mut inhibited_by) = (Vec::new(), Vec::new());
    let mut fields = r.open(b'{')?;
    while r.next(&mut fields)? {
        match r.key()?.as_ref() {
            // "active" and "unprocessed" (not yet routed) are both firing.
            "state" => {
                state = Some(match r.string()?.as_ref() {
                    "suppressed" => AlertState::Suppressed,
                    _ => AlertState::Firing,
                })
            }
            "silencedBy" => silenced_by = read_ids(r)?,
            "inhibitedBy" => inhibited_by = read_ids(r)?,
            _ => r.skip()?,
        }
    }
    Ok(Status {
        state: state.ok_or_else(|| r.shape("missing field `state`"))?,
        silenced_by,
        inhibited_by,
    })
}

fn time(r: &mut Reader, dates: &mut Dates) -> Read<DateTime<Utc>> {
    let t = r.string()?;
    parse_time_with(&t, dates).ok_or_else(|| r.shape(format!("invalid timestamp {t:?}")))
}

fn time_or_null(r: &mut Reader, dates: &mut Dates) -> Read<Option<DateTime<Utc>>> {
    if r.null()? {
        return Ok(None);
    }
    time(r, dates).map(Some)
}

/// RFC 3339. Alertmanager writes `2026-11-22T02:30:00.123Z`; that shape is
/// read digit by digit, anything else by chrono.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    parse_time_with(s, &mut Dates::default())
}

fn parse_time_with(s: &str, dates: &mut Dates) -> Option<DateTime<Utc>> {
    fast_utc(s.as_bytes(), dates).or_else(|| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    })
}

/// The last `YYYY-MM-DD` read and its date: the timestamps of one answer
/// fall on a few days, so most of them skip the calendar (it was a third
/// of a timestamp's cost, callgrind).
#[derive(Default)]
struct Dates {
    last: [u8; 10],
    date: Option<NaiveDate>,
}

impl Dates {
    fn get(&mut self, ymd: &[u8; 10]) -> Option<NaiveDate> {
        if let Some(date) = self.date.filter(|_| self.last == *ymd) {
            return Some(date);
        }
        if ymd[4] != b'-' || ymd[7] != b'-' {
            return None;
        }
        let year = two(ymd, 0)? * 100 + two(ymd, 2)?;
        let date = NaiveDate::from_ymd_opt(year as i32, two(ymd, 5)?, two(ymd, 8)?)?;
        (self.last, self.date) = (*ymd, Some(date));
        Some(date)
    }
}

/// The two decimal digits at `b[i]`, `b[i + 1]`.
#[inline(always)]
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (hi, lo) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
    (hi < 10 && lo < 10).then(|| u32::from(hi) * 10 + u32::from(lo))
}

fn fast_utc(b: &[u8], dates: &mut Dates) -> Option<DateTime<Utc>> {
    if b.len() < 20 || b.len() > 30 || b[b.len() - 1] != b'Z' {
        return None;
    }
    if !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = dates.get(b[..10].try_into().ok()?)?;
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
    let time = NaiveTime::from_hms_nano_opt(two(b, 11)?, two(b, 14)?, two(b, 17)?, nanos)?;
    Some(date.and_time(time).and_utc())
}

#[cfg(test)]
#[path = "am_decode_tests.rs"]
mod tests;
