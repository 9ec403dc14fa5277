//! The words of an incident's life: severity (SEV1..SEV4), status and
//! milestones, with their parsing and display.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Incident severity; SEV1 is the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sev {
    #[serde(rename = "SEV1")]
    Sev1,
    #[serde(rename = "SEV2")]
    Sev2,
    #[serde(rename = "SEV3")]
    Sev3,
    #[serde(rename = "SEV4")]
    Sev4,
}

impl Sev {
    pub const ALL: [Sev; 4] = [Sev::Sev1, Sev::Sev2, Sev::Sev3, Sev::Sev4];

    pub fn parse(text: &str) -> Option<Sev> {
        let t = text.trim().to_ascii_uppercase();
        let t = t.strip_prefix("SEV").unwrap_or(&t);
        match t {
            "1" => Some(Sev::Sev1),
            "2" => Some(Sev::Sev2),
            "3" => Some(Sev::Sev3),
            "4" => Some(Sev::Sev4),
            _ => None,
        }
    }

    /// The next less severe level, wrapping (for cycling in a form).
    pub fn next(self) -> Sev {
        match self {
            Sev::Sev1 => Sev::Sev2,
            Sev::Sev2 => Sev::Sev3,
            Sev::Sev3 => Sev::Sev4,
            Sev::Sev4 => Sev::Sev1,
        }
    }
}

impl fmt::Display for Sev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = match self {
            Sev::Sev1 => 1,
            Sev::Sev2 => 2,
            Sev::Sev3 => 3,
            Sev::Sev4 => 4,
        };
        write!(f, "SEV{n}")
    }
}

/// The incident's lifecycle, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Acknowledged,
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Acknowledged,
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
        }
    }

    /// Full word or any unambiguous prefix (`inv`, `mon`).
    pub fn parse(text: &str) -> Option<Status> {
        let t = text.trim().to_ascii_lowercase();
        if t.is_empty() {
            return None;
        }
        let mut hits = Status::ALL.into_iter().filter(|s| s.word().starts_with(&t));
        match (hits.next(), hits.next()) {
            (Some(s), None) => Some(s),
            _ => Status::ALL.into_iter().find(|s| s.word() == t),
        }
    }

    /// The next step of the lifecycle (resolved stays resolved).
    pub fn next(self) -> Status {
        match self {
            Status::Open => Status::Acknowledged,
            Status::Acknowledged => Status::Investigating,
            Status::Investigating => Status::Identified,
            Status::Identified => Status::Monitoring,
            Status::Monitoring | Status::Resolved => Status::Resolved,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    ImpactStarted,
    Detected,
    Acknowledged,
    Declared,
    Mitigated,
    Resolved,
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::ImpactStarted,
        Milestone::Detected,
        Milestone::Acknowledged,
        Milestone::Declared,
        Milestone::Mitigated,
        Milestone::Resolved,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Milestone::ImpactStarted => "impact_started",
            Milestone::Detected => "detected",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Declared => "declared",
            Milestone::Mitigated => "mitigated",
            Milestone::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Milestone> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        Milestone::ALL
            .into_iter()
            .find(|m| m.word() == t || (t == "impact" && *m == Milestone::ImpactStarted))
    }
}
