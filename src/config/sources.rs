//! Sources: the command line's and the config file's, as the specs the
//! pollers and writers take, each URL checked once.

use super::source_spec::{Auth, Secret, SourceKind, SourceSpec, Tls};
use super::Config;

pub(super) fn check_url(url: &str) -> Result<(), String> {
    let shown = super::source_spec::redact_url(url);
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(format!(
            "source url {shown:?} must start with http:// or https://"
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("source url {shown:?} has no host"));
    }
    // `host:port` or `[v6]:port`: a port that is not one fails here, not
    // at the first request.
    let port = match host.strip_prefix('[') {
        Some(v6) => v6.split_once("]:").map(|(_, p)| p),
        None => host.split_once(':').map(|(_, p)| p),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Err(format!("source url {shown:?} has no valid port (1-65535)"));
    }
    // A pasted API address: oncall adds the API path itself.
    let path = url.trim_end_matches('/');
    if let Some(api) = ["/api/v2", "/api/v1"].iter().find(|a| path.ends_with(*a)) {
        return Err(format!(
            "source url {shown:?} ends in {api}: give the server's base URL ({}), oncall adds the API path",
            super::source_spec::redact_url(&path[..path.len() - api.len()])
        ));
    }
    Ok(())
}

/// Source settings from the command line and environment, merged with the config.
#[derive(Debug, Default, Clone)]
pub struct SourceArgs {
    pub alertmanagers: Vec<String>,
    pub prometheus: Vec<String>,
}

/// Sources given on the command line replace the config file's of their
/// kind (`--alertmanager` its `alertmanagers`, `--prometheus` its
/// `prometheus`), as a flag overrides a setting; a kind not given on the
/// command line comes from the config. `ALERTMANAGER_URL` is read by clap
/// into `alertmanagers` when no flag is given.
pub fn source_specs(config: &Config, args: &SourceArgs) -> Result<Vec<SourceSpec>, String> {
    let mut specs = Vec::new();
    for url in &args.alertmanagers {
        check_url(url)?;
        specs.push(plain_spec(url, SourceKind::Alertmanager));
    }
    for url in &args.prometheus {
        check_url(url)?;
        specs.push(plain_spec(url, SourceKind::Prometheus));
    }
    for (list, kind, given) in [
        (
            &config.alertmanagers,
            SourceKind::Alertmanager,
            &args.alertmanagers,
        ),
        (&config.prometheus, SourceKind::Prometheus, &args.prometheus),
    ] {
        for s in list.iter().filter(|_| given.is_empty()) {
            specs.push(SourceSpec {
                name: s.name.clone().unwrap_or_else(|| host_of(&s.url)),
                kind,
                url: s.url.trim_end_matches('/').to_string(),
                cluster: s.cluster.clone(),
                auth: Auth {
                    bearer_token: s
                        .bearer_token_env
                        .clone()
                        .map(Secret::Env)
                        .or_else(|| s.bearer_token_file.clone().map(Secret::File)),
                    basic_user: s.basic_auth.as_ref().map(|b| b.username.clone()),
                    basic_password: s.basic_auth.as_ref().and_then(|b| {
                        b.password_env
                            .clone()
                            .map(Secret::Env)
                            .or_else(|| b.password_file.clone().map(Secret::File))
                    }),
                },
                tls: Tls {
                    ca_file: s.ca_file.clone(),
                    cert_file: s.cert_file.clone(),
                    key_file: s.key_file.clone(),
                    insecure_skip_verify: s.insecure_skip_verify,
                },
            });
        }
    }
    dedup_names(&mut specs);
    Ok(specs)
}

fn plain_spec(url: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        name: host_of(url),
        kind,
        url: url.trim_end_matches('/').to_string(),
        cluster: None,
        auth: Auth::default(),
        tls: Tls::default(),
    }
}

/// `http://user@am1.example:9093/x` → `am1.example:9093`: a short, secret-free name.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string()
}

/// Two sources may not share a name: dedup keys on it.
fn dedup_names(specs: &mut [SourceSpec]) {
    for i in 1..specs.len() {
        let mut n = 2;
        let base = specs[i].name.clone();
        while specs[..i].iter().any(|s| s.name == specs[i].name) {
            specs[i].name = format!("{base}#{n}");
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_urls_without_a_host_or_with_the_api_path_are_refused() {
        let args = |url: &str| SourceArgs {
            alertmanagers: vec![url.into()],
            prometheus: vec![],
        };
        let err = |url: &str| source_specs(&Config::default(), &args(url)).unwrap_err();
        assert_eq!(err("http://"), r#"source url "http://" has no host"#);
        assert_eq!(err("https:///x"), r#"source url "https:///x" has no host"#);
        let e = err("http://am:9093/api/v2/");
        assert!(
            e.contains("ends in /api/v2") && e.contains("(http://am:9093)"),
            "{e}"
        );
        assert!(err("am:9093").contains("must start with http://"));
        assert!(err("http://am:99999").contains("no valid port"));
        assert!(err("http://[::1]:x/").contains("no valid port"));
        assert!(source_specs(&Config::default(), &args("http://[::1]:9093")).is_ok());
        assert!(source_specs(&Config::default(), &args("http://am:9093/alertmanager")).is_ok());
    }

    #[test]
    fn names_carry_no_credentials_and_stay_unique() {
        let args = SourceArgs {
            alertmanagers: vec!["http://bob:pw@am:9093/".into(), "http://am:9093".into()],
            prometheus: vec![],
        };
        let specs = source_specs(&Config::default(), &args).unwrap();
        assert_eq!(specs[0].name, "am:9093");
        assert_eq!(specs[1].name, "am:9093#2");
    }
}
