//! Silence ids as people type them: a whole UUID, or the first characters
//! the console shows, resolved against every cluster's silences.

use super::cluster_writes::{self, Clusters};
use super::silence::join_matchers;
use chrono::Utc;

use crate::model::{Silence, SilenceState};
use crate::sanitize;
use crate::source::alertmanager_writes::WriteError;

/// What the user typed for a silence id.
#[derive(Debug, PartialEq, Eq)]
enum IdArg {
    /// A whole UUID, used as given.
    Full(String),
    /// The start of one, lower-case: the console shows the first 8 characters.
    Prefix(String),
    Invalid,
}

/// Fewest hex digits of a prefix: fewer would match half the silences.
const MIN_PREFIX: usize = 4;

fn id_arg(text: &str) -> IdArg {
    let t = text.trim();
    let uuid = t.len() == 36
        && t.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if uuid {
        return IdArg::Full(t.to_string());
    }
    let hex = t.chars().filter(char::is_ascii_hexdigit).count();
    if t.len() < 36 && hex >= MIN_PREFIX && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        IdArg::Prefix(t.to_ascii_lowercase())
    } else {
        IdArg::Invalid
    }
}

/// The ids to act on, in order: a whole id as given, a prefix resolved
/// against the silences of every cluster (listed once), `None` (after
/// saying why) for one that is not unique, unknown, or not an id at all.
pub(super) async fn resolve_ids(clusters: &Clusters, given: &[String]) -> Vec<Option<String>> {
    let args: Vec<IdArg> = given.iter().map(|g| id_arg(g)).collect();
    let lists = if args.iter().any(|a| matches!(a, IdArg::Prefix(_))) {
        clusters
            .each(|group| async move { group.members().list().await })
            .await
    } else {
        Vec::new()
    };
    given
        .iter()
        .zip(args)
        .map(|(text, arg)| match arg {
            IdArg::Full(id) => Some(id),
            IdArg::Prefix(prefix) => resolve_prefix(clusters, &prefix, &lists),
            IdArg::Invalid => {
                eprintln!(
                    "oncall: {:?} is not a silence id: give the id `oncall silence list` shows, \
                     or its first {MIN_PREFIX} characters or more",
                    sanitize::line(text)
                );
                None
            }
        })
        .collect()
}

fn resolve_prefix(
    clusters: &Clusters,
    prefix: &str,
    lists: &[(String, Result<Vec<Silence>, WriteError>)],
) -> Option<String> {
    let now = Utc::now();
    let mut found: Vec<(&str, &Silence)> = Vec::new();
    for (cluster, list) in lists {
        for s in list.iter().flatten() {
            if s.id.to_ascii_lowercase().starts_with(prefix)
                && !found.iter().any(|(_, f)| f.id == s.id)
            {
                found.push((cluster, s));
            }
        }
    }
    let shown = sanitize::line(prefix);
    match found.as_slice() {
        [(_, s)] => return Some(s.id.clone()),
        [] => {}
        many => {
            const SHOWN: usize = 8;
            let mut listed: Vec<String> = many
                .iter()
                .take(SHOWN)
                .map(|(cluster, s)| {
                    let state = match s.state_at(now) {
                        SilenceState::Active => "active",
                        SilenceState::Pending => "pending",
                        SilenceState::Expired => "expired",
                    };
                    format!(
                        "{} ({}{state}, {}, by {})",
                        sanitize::line(&s.id),
                        clusters.at(cluster),
                        sanitize::fit(&join_matchers(s), 60),
                        sanitize::line(&s.created_by),
                    )
                })
                .collect();
            if many.len() > SHOWN {
                listed.push(format!("and {} more", many.len() - SHOWN));
            }
            eprintln!(
                "oncall: silence id {shown} is ambiguous: it starts {} silences: {}; give more of the id",
                many.len(),
                listed.join("; ")
            );
            return None;
        }
    }
    let failures: Vec<_> = lists
        .iter()
        .filter_map(|(cluster, r)| r.as_ref().err().map(|e| (cluster, e)))
        .collect();
    if failures.is_empty() {
        eprintln!("oncall: no Alertmanager knows silence {shown}");
    } else {
        for (cluster, e) in failures {
            clusters.fail(
                cluster,
                &format!("cannot look up silence {shown}: cannot list silences"),
                e,
            );
        }
    }
    None
}

/// Says why no cluster could act on silence `id`.
pub(super) fn unknown_or_failed<T>(
    clusters: &Clusters,
    id: &str,
    verb: &str,
    results: &[(String, Result<T, WriteError>)],
) {
    let errors: Vec<&WriteError> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    let id = sanitize::line(id);
    if errors.iter().all(|e| cluster_writes::not_found(e)) {
        eprintln!("oncall: no Alertmanager knows silence {id}");
    } else {
        for (cluster, r) in results {
            if let Err(e) = r {
                clusters.fail(cluster, &format!("cannot {verb} silence {id}"), e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_whole_uuids_or_prefixes_of_four_hex_digits_or_more() {
        let full = "ff2c694b-1d2e-4f5a-9b8c-0123456789ab";
        assert_eq!(id_arg(full), IdArg::Full(full.into()));
        assert_eq!(id_arg("FF2C694B"), IdArg::Prefix("ff2c694b".into()));
        assert_eq!(id_arg("ff2c694b-1d"), IdArg::Prefix("ff2c694b-1d".into()));
        assert_eq!(id_arg("ff2c"), IdArg::Prefix("ff2c".into()));
        assert_eq!(id_arg("ff2"), IdArg::Invalid);
        assert_eq!(id_arg("f-f-2"), IdArg::Invalid);
        assert_eq!(id_arg("DiskFull"), IdArg::Invalid);
        assert_eq!(id_arg("../../x"), IdArg::Invalid);
        assert_eq!(id_arg(&format!("{full}0")), IdArg::Invalid);
    }
}
