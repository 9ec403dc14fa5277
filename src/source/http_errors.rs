//! Turning every way a request can fail into words a human understands:
//! timeouts, refused connections, TLS, and short snippets of what a
//! server answered instead (an HTML page read as its text).

use std::error::Error as _;
use std::time::Duration;

use super::SourceError;

/// The error of a request that got no (complete) answer.
pub fn send_error(e: &reqwest::Error, timeout: Duration) -> SourceError {
    if e.is_timeout() || chain_has(e, |io| io.kind() == std::io::ErrorKind::TimedOut) {
        return SourceError::Timeout(timeout);
    }
    if e.is_builder() {
        return SourceError::Config(format!("bad URL: {}", short(e)));
    }
    if deepest(e).contains("lookup address") || deepest(e).to_ascii_lowercase().contains("dns") {
        let host = e.url().and_then(|u| u.host_str()).unwrap_or("the host");
        return SourceError::Connect(format!("cannot resolve {host}"));
    }
    // Walk the causes for an io::Error: it has the words people know.
    let mut cause = e.source();
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return SourceError::Connect(tls_reason(&deepest(io)).unwrap_or_else(|| io_reason(io)));
        }
        cause = c.source();
    }
    SourceError::Connect(tls_reason(&deepest(e)).unwrap_or_else(|| deepest(e)))
}

/// rustls's words, translated into what to check.
fn tls_reason(msg: &str) -> Option<String> {
    let hint = if msg.contains("UnknownIssuer") {
        "the server's certificate is signed by an unknown CA (set ca_file?)"
    } else if msg.contains("NotValidForName") {
        "the server's certificate is not valid for this host name"
    } else if msg.contains("Expired") {
        "the server's certificate has expired"
    } else if msg.contains("BadCertificate")
        || msg.contains("CertificateRequired")
        || msg.contains("UnknownCA")
    {
        "the server refused our client certificate (check cert_file and key_file)"
    } else if ["certificate", "TLS", "tls", "handshake"]
        .iter()
        .any(|w| msg.contains(w))
    {
        return Some(format!("TLS failed: {msg}"));
    } else {
        return None;
    };
    Some(format!("TLS: {hint}"))
}

fn chain_has(e: &reqwest::Error, f: impl Fn(&std::io::Error) -> bool) -> bool {
    let mut cause = e.source();
    while let Some(c) = cause {
        if c.downcast_ref::<std::io::Error>().is_some_and(&f) {
            return true;
        }
        cause = c.source();
    }
    false
}

pub(super) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset => "connection reset by the server".into(),
        K::ConnectionAborted => "connection aborted".into(),
        K::NotFound => "no such file".into(),
        K::PermissionDenied => "permission denied".into(),
        K::TimedOut => "timed out".into(),
        K::UnexpectedEof => "the server closed the connection early".into(),
        _ => clip(&e.to_string(), 80),
    }
}

/// The innermost cause's message: reqwest's outer text is generic.
fn deepest(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(c) = last.source() {
        last = c;
    }
    clip(&without_url(&last.to_string()), 100)
}

pub(super) fn short(e: &dyn std::fmt::Display) -> String {
    clip(&without_url(&e.to_string()), 120)
}

/// reqwest appends " for url (…)" to its errors; the URL may hold credentials.
fn without_url(s: &str) -> String {
    match s.find(" for url (") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// First ~120 characters of a body, on one line; a proxy's HTML error page
/// reads as its text ("502 Bad Gateway nginx"), not as markup.
pub fn snippet(body: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned();
    if text.trim_start().starts_with('<') {
        text = without_tags(&text);
    }
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        "(empty body)".into()
    } else {
        clip(&one_line, 120)
    }
}

/// Markup dropped, each tag a space; `<head>` (title, styles) is dropped whole
/// unless it is all there is.
fn without_tags(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let body = match (lower.find("</head>"), lower.find("<body")) {
        (Some(end), _) => &html[end..],
        (None, Some(start)) => &html[start..],
        _ => html,
    };
    let mut out = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

pub(super) fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
