//! The one place YAML is read, so the YAML crate can be swapped here alone.

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })
}

/// An opaque YAML value, for config sections a later feature reads.
pub type Value = serde_yaml::Value;
