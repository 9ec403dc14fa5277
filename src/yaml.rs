//! The one place YAML is read, so the YAML crate can be swapped here alone.

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
}

impl YamlError {
    /// The message without serde_yaml's trailing ` at line N column M`, for
    /// callers that print the line themselves (`path:line: message`).
    pub fn bare_message(&self) -> &str {
        match self.message.rfind(" at line ") {
            Some(i) if self.message[i..].contains(" column ") => &self.message[..i],
            _ => &self.message,
        }
    }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })
}

/// An opaque YAML value, for config sections a later feature reads.
pub type Value = serde_yaml::Value;

#[cfg(test)]
mod tests {
    #[test]
    fn bare_message_drops_the_location() {
        let e = super::from_str::<std::collections::BTreeMap<String, u32>>("a: x\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(!e.bare_message().contains("line 1"), "{}", e.bare_message());
        assert!(e.message.contains("line 1"));
    }
}
