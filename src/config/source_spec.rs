//! What to poll: one configured Alertmanager or Prometheus endpoint, with
//! its credentials' origins and TLS settings. Plain settings types, read by
//! the clients in `source`.

use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Alertmanager,
    Prometheus,
    Demo,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Demo => "demo",
        }
    }
}

/// A URL fit to show or log: no `user:password@`, no query string (tokens
/// hide there too).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.split('?').next().unwrap_or(url).to_string();
    };
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let path = match path.split_once('?') {
        Some((p, _)) => format!("{p}?…"),
        None => path.to_string(),
    };
    format!("{scheme}://{host}{path}")
}

/// Where a secret comes from. Never the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Secret {
    Env(String),
    File(PathBuf),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    pub bearer_token: Option<Secret>,
    pub basic_user: Option<String>,
    pub basic_password: Option<Secret>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tls {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub insecure_skip_verify: bool,
}

/// One configured endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    /// HA cluster name from the config; members share alerts and silences.
    pub cluster: Option<String>,
    pub auth: Auth,
    pub tls: Tls,
}

/// The built-in demo's sources: ordinary specs with `demo://` URLs (its
/// Alertmanager pair and its Prometheus), which `source::demo` answers.
pub const DEMO_AM_NAMES: [&str; 2] = ["am-demo-1", "am-demo-2"];
pub const DEMO_PROM_NAME: &str = "prom-demo";

pub fn demo_specs() -> Vec<SourceSpec> {
    let spec = |name: &str, kind| SourceSpec {
        name: name.into(),
        kind,
        url: format!("demo://{name}"),
        cluster: (kind == SourceKind::Alertmanager).then(|| "demo".to_string()),
        auth: Auth::default(),
        tls: Tls::default(),
    };
    vec![
        spec(DEMO_AM_NAMES[0], SourceKind::Alertmanager),
        spec(DEMO_AM_NAMES[1], SourceKind::Alertmanager),
        spec(DEMO_PROM_NAME, SourceKind::Prometheus),
    ]
}
