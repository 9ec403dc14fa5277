//! Where the state shared by consoles and engines lives (`store:`): the
//! state dir (`files`, the default, nothing to set up) or a PostgreSQL
//! database a team shares (`postgres`). The database URL is a secret: from
//! an environment variable or a file, never the config itself.

use std::path::PathBuf;

use serde::Deserialize;

use super::source_spec::Secret;

/// `store: {kind: postgres, url_env: ONCALL_DATABASE_URL, ca_file: ...}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    pub kind: String,
    pub url_env: Option<String>,
    pub url_file: Option<PathBuf>,
    /// A CA to trust besides the public ones (the database's own CA).
    pub ca_file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StoreSpec {
    /// The state dir.
    #[default]
    Files,
    Postgres {
        url: Secret,
        ca_file: Option<PathBuf>,
    },
}

pub fn store_spec(config: Option<&StoreConfig>) -> Result<StoreSpec, String> {
    let Some(c) = config else {
        return Ok(StoreSpec::Files);
    };
    match c.kind.as_str() {
        "files" => {
            if c.url_env.is_some() || c.url_file.is_some() || c.ca_file.is_some() {
                return Err("store: url_env, url_file and ca_file are for kind: postgres".into());
            }
            Ok(StoreSpec::Files)
        }
        "postgres" => {
            let url = match (&c.url_env, &c.url_file) {
                (Some(v), None) => Secret::Env(v.clone()),
                (None, Some(f)) => Secret::File(f.clone()),
                _ => {
                    return Err("store.url_env: kind postgres needs url_env or url_file \
                                (one of them): the URL holds a password"
                        .into())
                }
            };
            Ok(StoreSpec::Postgres {
                url,
                ca_file: c.ca_file.clone(),
            })
        }
        other => Err(format!("store.kind: {other:?} is not files or postgres")),
    }
}
