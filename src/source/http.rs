//! The HTTP client of one source (auth, TLS, timeout) and the mapping of
//! every way a request can fail to a `SourceError` a human understands.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Certificate, Client, Identity, Response};
use serde::de::DeserializeOwned;

use super::http_errors::{clip, io_reason, short};
pub use super::http_errors::{send_error, snippet};
use super::json_read::{ReadError, ReadKind};
use super::{Secret, SourceError, SourceSpec};

/// A client plus the timeout it was built with (for the error message).
#[derive(Clone, Debug)]
pub struct HttpClient {
    pub inner: Client,
    pub timeout: Duration,
}

impl HttpClient {
    pub fn new(spec: &SourceSpec, timeout: Duration) -> Result<HttpClient, SourceError> {
        Ok(HttpClient {
            inner: build_client(spec, timeout)?,
            timeout,
        })
    }
}

/// Builds the client for one source. Proxies come from the usual
/// environment variables (reqwest's default).
pub fn build_client(spec: &SourceSpec, timeout: Duration) -> Result<Client, SourceError> {
    match reqwest::Url::parse(&spec.url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        Ok(_) => {
            return Err(SourceError::Config(format!(
                "{}: URL {:?} must be http:// or https://",
                spec.name,
                super::redact_url(&spec.url)
            )))
        }
        Err(e) => {
            return Err(SourceError::Config(format!(
                "{}: invalid URL {:?}: {e}",
                spec.name,
                super::redact_url(&spec.url)
            )))
        }
    }
    let mut headers = HeaderMap::new();
    let auth = &spec.auth;
    if auth.bearer_token.is_some() && auth.basic_user.is_some() {
        return Err(SourceError::Config(format!(
            "{}: both a bearer token and basic auth are configured; choose one",
            spec.name
        )));
    }
    if let Some(secret) = &auth.bearer_token {
        let token = read_secret(secret, "bearer token")?;
        headers.insert(
            AUTHORIZATION,
            sensitive(&format!("Bearer {token}"), secret)?,
        );
    }
    if let Some(user) = &auth.basic_user {
        let password = match &auth.basic_password {
            Some(secret) => read_secret(secret, "basic auth password")?,
            None => String::new(),
        };
        let value = format!(
            "Basic {}",
            crate::base64::encode(format!("{user}:{password}").as_bytes())
        );
        let origin = auth
            .basic_password
            .clone()
            .unwrap_or(Secret::Env("basic_user".into()));
        headers.insert(AUTHORIZATION, sensitive(&value, &origin)?);
    }

    let mut builder = Client::builder()
        .default_headers(headers)
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("oncall/", env!("CARGO_PKG_VERSION")));

    let tls = &spec.tls;
    if let Some(path) = &tls.ca_file {
        let pem = read_file(path, "CA file")?;
        let certs = Certificate::from_pem_bundle(&pem).map_err(|e| {
            SourceError::Config(format!("CA file {}: {}", path.display(), short(&e)))
        })?;
        if certs.is_empty() {
            return Err(SourceError::Config(format!(
                "CA file {} holds no PEM certificate",
                path.display()
            )));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    match (&tls.cert_file, &tls.key_file) {
        (Some(cert), Some(key)) => {
            let mut pem = read_file(cert, "client certificate")?;
            pem.push(b'\n');
            pem.extend(read_file(key, "client key")?);
            let id = Identity::from_pem(&pem).map_err(|e| {
                SourceError::Config(format!(
                    "client certificate {} / key {}: {}",
                    cert.display(),
                    key.display(),
                    short(&e)
                ))
            })?;
            builder = builder.identity(id);
        }
        (None, None) => {}
        _ => {
            return Err(SourceError::Config(format!(
                "{}: cert_file and key_file must be given together",
                spec.name
            )))
        }
    }
    if tls.insecure_skip_verify {
        tracing::warn!(
            source = %spec.name,
            "TLS certificate verification is DISABLED for this source (insecure_skip_verify): \
             anyone on the path can read and forge its answers"
        );
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| SourceError::Config(format!("{}: {}", spec.name, short(&e))))
}

/// Reads a secret, trimmed. Errors name where it should come from, never its value.
pub fn read_secret(secret: &Secret, what: &str) -> Result<String, SourceError> {
    match secret {
        Secret::Env(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
            Ok(_) => Err(SourceError::Config(format!(
                "{what}: environment variable {var} is empty"
            ))),
            Err(_) => Err(SourceError::Config(format!(
                "{what}: environment variable {var} is not set"
            ))),
        },
        Secret::File(path) => match std::fs::read_to_string(path) {
            Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
            Ok(_) => Err(SourceError::Config(format!(
                "{what}: file {} is empty",
                path.display()
            ))),
            Err(e) => Err(SourceError::Config(format!(
                "{what}: cannot read {}: {}",
                path.display(),
                io_reason(&e)
            ))),
        },
    }
}

fn sensitive(value: &str, origin: &Secret) -> Result<HeaderValue, SourceError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        let from = match origin {
            Secret::Env(var) => format!("environment variable {var}"),
            Secret::File(path) => format!("file {}", path.display()),
        };
        SourceError::Config(format!(
            "the credential from {from} holds characters not allowed in an HTTP header"
        ))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, SourceError> {
    std::fs::read(path).map_err(|e| {
        SourceError::Config(format!(
            "{what}: cannot read {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

/// GETs `url` and decodes the JSON answer of a 2xx into `T`.
pub async fn get_json<T: DeserializeOwned>(
    client: &HttpClient,
    url: &str,
) -> Result<T, SourceError> {
    decode(get_ok(client, url).await?.as_ref())
}

/// GETs `url`: the body of a 2xx answer, else the status as an error.
pub async fn get_ok(client: &HttpClient, url: &str) -> Result<Vec<u8>, SourceError> {
    let (status, body) = get(client, url).await?;
    if !(200..300).contains(&status) {
        return Err(SourceError::Status {
            status,
            snippet: snippet(body.as_ref()),
        });
    }
    Ok(body)
}

/// GETs `url`: the status and body of any answer that is not an HTML page.
pub async fn get(client: &HttpClient, url: &str) -> Result<(u16, Vec<u8>), SourceError> {
    let resp = client
        .inner
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| send_error(&e, client.timeout))?;
    let status = resp.status().as_u16();
    let html = says_html(&resp);
    let body = capped_body(resp, client.timeout).await?;
    // An error page of a proxy is still an HTTP error; a 200 HTML page is a login wall.
    if (200..300).contains(&status) && is_html(html, &body) {
        return Err(SourceError::Html);
    }
    Ok((status, body))
}

fn says_html(resp: &Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/html")
        })
}

/// An HTML page (by its Content-Type, or by its first character) where JSON belongs.
fn is_html(says_html: bool, body: &[u8]) -> bool {
    says_html || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Checks a write's answer (POST/DELETE) the same way reads are checked.
pub async fn read_body(resp: Response, timeout: Duration) -> Result<impl AsRef<[u8]>, SourceError> {
    let status = resp.status();
    let html = says_html(&resp);
    let body = capped_body(resp, timeout).await?;
    if !status.is_success() {
        return Err(SourceError::Status {
            status: status.as_u16(),
            snippet: snippet(&body),
        });
    }
    if is_html(html, &body) {
        return Err(SourceError::Html);
    }
    Ok(body)
}

/// The most one answer may hold. 50,000 alerts are about 47 MB; a body
/// past this is a misconfigured endpoint (or a hostile one), and reading it
/// whole could take the console's memory with it.
pub const MAX_BODY: usize = 64 << 20;

/// Reads the body, chunk by chunk, refusing one over `MAX_BODY` as early as
/// its Content-Length (or its running size) says so.
async fn capped_body(mut resp: Response, timeout: Duration) -> Result<Vec<u8>, SourceError> {
    let too_big = || {
        SourceError::Decode(format!(
            "the answer is larger than {} MiB; not read further",
            MAX_BODY >> 20
        ))
    };
    let announced = resp.content_length().unwrap_or(0);
    if announced > MAX_BODY as u64 {
        return Err(too_big());
    }
    let mut out = Vec::with_capacity(announced as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| send_error(&e, timeout))? {
        if out.len() + chunk.len() > MAX_BODY {
            return Err(too_big());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Decodes JSON with a short, human message on failure.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, SourceError> {
    serde_json::from_slice(body).map_err(decode_error)
}

/// The short, human message of a JSON decoding error.
pub fn decode_error(e: serde_json::Error) -> SourceError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Eof => ReadKind::Eof,
        Category::Syntax => ReadKind::Syntax,
        Category::Data => ReadKind::Shape,
        Category::Io => return SourceError::Decode("read error".into()),
    };
    let full = e.to_string();
    // serde_json appends " at line L column C"; the position goes first.
    let detail = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(d, _)| d);
    decode_message(kind, e.line(), e.column(), detail)
}

/// The same words for an error of the alert decoder's reader.
pub fn read_error(e: &ReadError) -> SourceError {
    decode_message(e.kind, e.line, e.column, &e.what)
}

fn decode_message(kind: ReadKind, line: usize, column: usize, detail: &str) -> SourceError {
    let what = match kind {
        ReadKind::Eof => "the answer ended early (truncated?)",
        ReadKind::Syntax => "invalid JSON",
        ReadKind::Shape => "unexpected JSON shape",
    };
    SourceError::Decode(clip(
        &format!("{what} at line {line} column {}: {detail}", column.max(1)),
        160,
    ))
}

/// `base` (with or without a trailing slash, maybe with a path prefix) + `path`.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_handles_slashes_and_prefixes() {
        assert_eq!(
            join("http://h:9093", "/api/v2/alerts"),
            "http://h:9093/api/v2/alerts"
        );
        assert_eq!(
            join("http://h:9093/", "/api/v2/alerts"),
            "http://h:9093/api/v2/alerts"
        );
        assert_eq!(
            join("http://h/am/", "/api/v2/alerts"),
            "http://h/am/api/v2/alerts"
        );
    }

    #[test]
    fn decode_errors_say_where() {
        let e = decode::<serde_json::Value>(b"{\"a\": [1, 2").unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = decode::<serde_json::Value>(b"{\"a\": nope}").unwrap_err();
        assert!(
            e.to_string().contains("invalid JSON at line 1 column"),
            "{e}"
        );
    }

    #[test]
    fn missing_secret_names_the_variable_not_a_value() {
        let e = read_secret(
            &Secret::Env("ONCALL_TEST_SURELY_UNSET_VAR".into()),
            "bearer token",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("ONCALL_TEST_SURELY_UNSET_VAR is not set"),
            "{e}"
        );
    }
}
