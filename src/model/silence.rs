use chrono::{DateTime, Utc};
use serde::Serialize;

use super::alert::Labels;
use super::matcher::{MatchOp, Matcher};

/// Acks are silences whose comment starts with a prefix: this one by default
/// (karma's and kthxbye's convention), `ack: {prefix: ...}` in the config.
pub const ACK_PREFIX: &str = "ACK!";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    Active,
    Pending,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    pub state: SilenceState,
    /// The source (Alertmanager) that reported it.
    pub source: String,
}

impl Silence {
    /// An ack: the comment starts with the team's ack prefix.
    pub fn is_ack(&self, prefix: &str) -> bool {
        self.comment.starts_with(prefix)
    }

    /// The state at `now`, from the times: the state the server reported
    /// ages between polls (an ack runs out while we look at it).
    pub fn state_at(&self, now: DateTime<Utc>) -> SilenceState {
        if self.state == SilenceState::Expired || self.ends_at <= now {
            SilenceState::Expired
        } else if self.starts_at > now {
            SilenceState::Pending
        } else {
            SilenceState::Active
        }
    }

    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.state_at(now) == SilenceState::Active
    }

    /// True when every matcher matches these labels.
    pub fn covers(&self, labels: &Labels) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }

    /// The same matchers in any order: two acks of the same thing.
    pub fn same_matchers(&self, other: &[Matcher]) -> bool {
        same_matchers(&self.matchers, other)
    }

    /// The text after the ack prefix, trimmed.
    pub fn ack_text(&self, prefix: &str) -> &str {
        self.comment
            .strip_prefix(prefix)
            .unwrap_or(&self.comment)
            .trim()
    }
}

pub fn same_matchers(a: &[Matcher], b: &[Matcher]) -> bool {
    a.len() == b.len() && a.iter().all(|m| b.contains(m)) && b.iter().all(|m| a.contains(m))
}

/// A silence to create, or (with `id`) to replace.
#[derive(Clone, Debug, PartialEq)]
pub struct SilenceDraft {
    pub id: Option<String>,
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
}

impl From<&Silence> for SilenceDraft {
    fn from(s: &Silence) -> SilenceDraft {
        SilenceDraft {
            id: Some(s.id.clone()),
            matchers: s.matchers.clone(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            created_by: s.created_by.clone(),
            comment: s.comment.clone(),
        }
    }
}

/// `ACK! text` (with the team's prefix), with a default text when the user
/// gave none.
pub fn ack_comment(prefix: &str, text: &str) -> String {
    let text = text.trim();
    let text = text.strip_prefix(prefix).unwrap_or(text).trim();
    if text.is_empty() {
        format!("{prefix} acknowledged in oncall")
    } else {
        format!("{prefix} {text}")
    }
}

/// The prefix an ack's comment was made with: its first word (a prefix
/// holds no white space). Another console's concurrent ack of the same
/// alerts is a twin when it starts with the same one.
pub fn ack_prefix_of(comment: &str) -> &str {
    comment.split_whitespace().next().unwrap_or("")
}

/// One equality matcher per label: selects exactly the alerts with these labels.
pub fn label_matchers(labels: &Labels) -> Vec<Matcher> {
    labels
        .iter()
        .map(|(k, v)| Matcher::literal(k, MatchOp::Eq, v))
        .collect()
}

/// The active ack that silences these labels, the one ending last.
pub fn active_ack<'a>(
    silences: &'a [Silence],
    labels: &Labels,
    now: DateTime<Utc>,
    prefix: &str,
) -> Option<&'a Silence> {
    silences
        .iter()
        .filter(|s| s.is_ack(prefix) && s.is_active(now) && s.covers(labels))
        .max_by_key(|s| s.ends_at)
}

/// Of several acks with the same matchers, the one every console keeps:
/// the earliest, ties broken by id, so concurrent ackers agree.
pub fn ack_keeper<'a>(acks: impl IntoIterator<Item = &'a Silence>) -> Option<&'a Silence> {
    acks.into_iter()
        .min_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sil(id: &str, comment: &str, start: i64, end: i64, m: Vec<Matcher>) -> Silence {
        Silence {
            id: id.into(),
            matchers: m,
            starts_at: Utc.timestamp_opt(start, 0).unwrap(),
            ends_at: Utc.timestamp_opt(end, 0).unwrap(),
            created_by: "alice".into(),
            comment: comment.into(),
            state: SilenceState::Active,
            source: "am".into(),
        }
    }

    #[test]
    fn an_ack_covers_its_labels_until_it_ends() {
        let labels: Labels = [("alertname", "X"), ("job", "j")]
            .iter()
            .map(|&(k, v)| (k.into(), v.into()))
            .collect();
        let ack = sil("a", "ACK! on it", 100, 200, label_matchers(&labels));
        let other = sil("b", "maintenance", 100, 300, label_matchers(&labels));
        let all = vec![ack, other];
        let at = |t| Utc.timestamp_opt(t, 0).unwrap();
        assert_eq!(
            active_ack(&all, &labels, at(150), ACK_PREFIX).map(|s| s.id.as_str()),
            Some("a")
        );
        assert!(active_ack(&all, &labels, at(200), ACK_PREFIX).is_none());
        assert!(
            active_ack(&all, &labels, at(150), "[ack]").is_none(),
            "another team's prefix"
        );
        assert_eq!(all[0].state_at(at(50)), SilenceState::Pending);
        assert_eq!(all[0].ack_text(ACK_PREFIX), "on it");
    }

    #[test]
    fn matcher_sets_compare_in_any_order_and_keeper_is_deterministic() {
        let a = Matcher::literal("a", MatchOp::Eq, "1");
        let b = Matcher::literal("b", MatchOp::Eq, "2");
        assert!(same_matchers(
            &[a.clone(), b.clone()],
            &[b.clone(), a.clone()]
        ));
        assert!(!same_matchers(
            std::slice::from_ref(&a),
            &[a.clone(), b.clone()]
        ));
        let s1 = sil("zz", "ACK!", 10, 99, vec![a.clone()]);
        let s2 = sil("aa", "ACK!", 10, 99, vec![a.clone()]);
        let s3 = sil("00", "ACK!", 11, 99, vec![a]);
        assert_eq!(ack_keeper([&s1, &s2, &s3]).unwrap().id, "aa");
        assert_eq!(ack_comment(ACK_PREFIX, ""), "ACK! acknowledged in oncall");
        assert_eq!(ack_comment(ACK_PREFIX, "ACK! db"), "ACK! db");
        assert_eq!(ack_comment("[ack]", "db"), "[ack] db");
        assert_eq!(ack_prefix_of("[ack] db"), "[ack]");
    }
}
