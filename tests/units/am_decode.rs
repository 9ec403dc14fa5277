//! The alert decoder (`source::am_decode`, a pull reader of its own)
//! against the serde-derived DTO on random `/api/v2/alerts` bodies: fields
//! in any order, white space anywhere, every escape form, nulls and
//! missing fields, unknown fields of every JSON kind. Both give the same
//! alerts; a cut or damaged body is an error (or, if serde_json takes it,
//! the same alerts), never a panic.

use crate::common;

use common::proptest_cases as cases;
use oncall::model::Alert;
use oncall::source::alertmanager::alert;
use oncall::source::am_decode::decode_alerts;
use oncall::source::dto::AmAlert;
use proptest::prelude::*;

/// The DTO's reading of a body: the serde way.
fn by_serde(body: &[u8]) -> Option<Vec<Alert>> {
    let dto: Vec<AmAlert> = serde_json::from_slice(body).ok()?;
    Some(dto.into_iter().map(|a| alert(a, "am1")).collect())
}

const TEXTS: [&str; 8] = [
    "alertname",
    "disk \"full\" on /var",
    "back\\slash",
    "line\nbreak\ttab",
    "bell \u{7} esc \u{1b}[31m",
    "café 🚀 チーム",
    "",
    "a-fairly-long-value-over-twenty-four-bytes-long",
];

/// A JSON string literal of `s`, each character written one of the ways
/// JSON allows (`form` picks).
fn literal(s: &str, form: &[u8]) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        let f = form.get(i % form.len().max(1)).copied().unwrap_or(0) % 3;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if f == 0 => out.push_str("\\n"),
            '\t' if f == 0 => out.push_str("\\t"),
            c if (c as u32) < 0x20 || f == 1 => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            '/' if f == 2 => out.push_str("\\/"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// White space of a kind and length `w` picks.
fn ws(w: u8) -> &'static str {
    ["", " ", "\n  ", "\t", "\r\n"][w as usize % 5]
}

#[derive(Debug, Clone)]
struct Field {
    /// Which field: see `field_json`.
    which: u8,
    /// Null instead of a value, where the field may be null.
    null: bool,
    texts: Vec<(usize, usize)>,
    form: Vec<u8>,
}

fn field_strategy() -> impl Strategy<Value = Field> {
    (
        0..12u8,
        proptest::bool::weighted(0.2),
        proptest::collection::vec((0..TEXTS.len(), 0..TEXTS.len()), 0..4),
        proptest::collection::vec(any::<u8>(), 1..6),
    )
        .prop_map(|(which, null, texts, form)| Field {
            which,
            null,
            texts,
            form,
        })
}

/// What `item` writes of each of the field's (key, value) texts, as JSON
/// literals in the field's escape form.
fn items(f: &Field, item: impl Fn(String, String) -> String) -> Vec<String> {
    f.texts
        .iter()
        .map(|&(k, v)| item(literal(TEXTS[k], &f.form), literal(TEXTS[v], &f.form)))
        .collect()
}

fn pairs(f: &Field, w: &str) -> String {
    let items = items(f, |k, v| format!("{k}{w}:{w}{v}"));
    format!("{{{w}{}{w}}}", items.join(&format!("{w},{w}")))
}

fn strings(f: &Field, w: &str) -> String {
    let items = items(f, |k, _| k);
    format!("[{w}{}{w}]", items.join(&format!(",{w}")))
}

/// One optional field as `"key": value`.
fn field_json(f: &Field, w: &str) -> String {
    let value = |v: String| if f.null { "null".to_string() } else { v };
    let (key, v) = match f.which {
        0 => ("labels", value(pairs(f, w))),
        1 => ("annotations", value(pairs(f, w))),
        2 => ("endsAt", value("\"2030-01-01T00:04:00.000Z\"".into())),
        3 => ("updatedAt", value("\"2030-01-01T01:01:00+01:00\"".into())),
        4 => (
            "generatorURL",
            value(literal("http://p:9090/graph?g0.expr=up%3D%3D0", &f.form)),
        ),
        5 => {
            let names = items(f, |k, _| format!("{{{w}\"name\":{w}{k},\"x\":[1]}}"));
            ("receivers", value(format!("[{}]", names.join(","))))
        }
        6 => (
            "extra",
            "{\"a\": [1, -2.5e3, true, false, null, {\"b\": \"c\\u00e9\"}], \"d\": {}}".into(),
        ),
        7 => ("mutedBy", "[]".into()),
        8 => ("count", "-0.5E+2".into()),
        9 => ("runbook", literal("see /wiki", &f.form)),
        10 => ("nested", "[[[{\"a\":[]}]], \"\\\"\"]".into()),
        _ => ("flag", "true".into()),
    };
    format!("\"{key}\"{w}:{w}{v}")
}

#[derive(Debug, Clone)]
struct AlertSpec {
    fields: Vec<Field>,
    state: u8,
    ids: Field,
    w: u8,
    order: u8,
}

fn alert_strategy() -> impl Strategy<Value = AlertSpec> {
    (
        proptest::collection::vec(field_strategy(), 0..6),
        0..3u8,
        field_strategy(),
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(fields, state, ids, w, order)| AlertSpec {
            fields,
            state,
            ids,
            w,
            order,
        })
}

fn alert_json(a: &AlertSpec) -> String {
    let w = ws(a.w);
    let state = ["active", "suppressed", "unprocessed"][a.state as usize];
    let status = format!(
        "\"status\"{w}:{w}{{\"state\":\"{state}\",{w}\"silencedBy\":{},\"inhibitedBy\":{},\"extra\":{{}}}}",
        if a.ids.null { "null".into() } else { strings(&a.ids, w) },
        strings(&a.ids, w),
    );
    let mut items = vec![
        "\"fingerprint\":\"0123456789abcdef\"".to_string(),
        format!("\"startsAt\"{w}:{w}\"2030-01-01T00:00:00.123Z\""),
        status,
    ];
    // Each field once: serde's derived DTO refuses a known field twice.
    let mut seen = Vec::new();
    for f in &a.fields {
        if !seen.contains(&f.which) {
            seen.push(f.which);
            items.push(field_json(f, w));
        }
    }
    // Fields in another order.
    let n = items.len();
    items.rotate_left(a.order as usize % n);
    format!("{{{w}{}{w}}}", items.join(&format!("{w},{w}")))
}

fn body(alerts: &[AlertSpec], w: u8) -> String {
    let w = ws(w);
    let items: Vec<String> = alerts.iter().map(alert_json).collect();
    format!("{w}[{w}{}{w}]{w}", items.join(&format!(",{w}")))
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn the_decoder_reads_what_serde_reads(
        alerts in proptest::collection::vec(alert_strategy(), 0..4),
        w in any::<u8>(),
    ) {
        let text = body(&alerts, w);
        let want = by_serde(text.as_bytes());
        prop_assert!(want.is_some(), "serde refused the generated body: {text}");
        let got = decode_alerts(text.as_bytes(), "am1");
        prop_assert_eq!(got.ok(), want, "{}", text);
    }

    #[test]
    fn a_cut_or_damaged_body_is_an_error_or_read_as_serde_reads_it(
        alerts in proptest::collection::vec(alert_strategy(), 1..3),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b'{'), Just(b'}'), Just(b','), Just(b':'), Just(b'n'), Just(b'1'), Just(0xff)],
    ) {
        let text = body(&alerts, 0);
        let bytes = text.as_bytes();
        let short = &bytes[..cut.index(bytes.len())];
        prop_assert!(decode_alerts(short, "am1").is_err(), "took a cut body: {:?}", String::from_utf8_lossy(short));
        let mut damaged = bytes.to_vec();
        damaged[at.index(bytes.len())] = byte;
        let got = decode_alerts(&damaged, "am1").ok();
        if let (Some(got), Some(want)) = (&got, by_serde(&damaged)) {
            prop_assert_eq!(got, &want);
        }
    }
}

#[test]
fn errors_say_where() {
    let err = decode_alerts(b"[\n  {\"fingerprint\": 12}\n]", "am1").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("expected a string, found a number at line 2 column 19"),
        "{text}"
    );
    let err = decode_alerts(b"[{\"fingerprint\":\"x\"}]", "am1").unwrap_err();
    assert!(
        err.to_string().contains("missing field `startsAt`"),
        "{err}"
    );
    let err = decode_alerts(b"[\xff]", "am1").unwrap_err();
    assert!(err.to_string().contains("invalid UTF-8 at byte 1"), "{err}");
}
