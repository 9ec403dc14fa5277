//! Which runbook is the alert's.

use std::path::Path;

use super::load::file_stem;
use crate::model::runbook::Runbook;
use crate::model::Alert;

/// The last path segment of `runbook_url` (case-insensitive, without
/// extension, query or anchor) against file stems and ids; then `alerts:`
/// lists; then the alertname against the stem.
pub fn find_for<'a>(alert: &Alert, runbooks: &'a [Runbook]) -> Option<&'a Runbook> {
    if let Some(stem) = alert.annotation("runbook_url").and_then(runbook_url_stem) {
        if let Some(rb) = find_by_name(&stem, runbooks) {
            return Some(rb);
        }
    }
    let name = alert.alertname();
    if name.is_empty() {
        return None;
    }
    runbooks
        .iter()
        .find(|rb| rb.alerts.iter().any(|a| a == name))
        .or_else(|| {
            runbooks
                .iter()
                .find(|rb| rb.alerts.iter().any(|a| a.eq_ignore_ascii_case(name)))
        })
        .or_else(|| find_by_name(name, runbooks))
}

/// The runbook whose id or file stem is `name`, ignoring case (ids first,
/// so a YAML `id:` beats another file's stem).
pub fn find_by_name<'a>(name: &str, runbooks: &'a [Runbook]) -> Option<&'a Runbook> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    runbooks
        .iter()
        .find(|rb| rb.id.eq_ignore_ascii_case(name))
        .or_else(|| {
            runbooks
                .iter()
                .find(|rb| stem_of(&rb.path).eq_ignore_ascii_case(name))
        })
}

fn stem_of(path: &Path) -> String {
    file_stem(path)
}

/// The name a runbook URL points at: its last path segment without query,
/// anchor, trailing slash or a `.md` / `.html` / `.yaml` extension.
/// kubernetes-mixin lowercases alert names in these URLs, so callers compare
/// the result ignoring case.
pub fn runbook_url_stem(url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or(url);
    let url = url.split('?').next().unwrap_or(url);
    let url = url.trim_end_matches('/');
    // `https://host` alone has no path to name a runbook.
    let path = match url.find("://") {
        Some(i) => url[i + 3..].split_once('/')?.1,
        None => url,
    };
    let segment = path.rsplit('/').next().unwrap_or(path);
    let lower = segment.to_ascii_lowercase();
    let stem = [".md", ".html", ".htm", ".yaml", ".yml"]
        .iter()
        .find(|ext| lower.ends_with(*ext))
        .map_or(segment, |ext| &segment[..segment.len() - ext.len()]);
    (!stem.is_empty()).then(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::runbook_url_stem;

    #[test]
    fn url_stems() {
        let s = |u: &str| runbook_url_stem(u);
        assert_eq!(
            s("https://x.dev/runbooks/kubernetes/kubepodcrashlooping").as_deref(),
            Some("kubepodcrashlooping")
        );
        assert_eq!(s("https://x.dev/a/B.MD?ref=1#top").as_deref(), Some("B"));
        assert_eq!(s("https://x.dev/a/b/").as_deref(), Some("b"));
        assert_eq!(s("https://x.dev"), None);
        assert_eq!(s("https://x.dev/"), None);
        assert_eq!(s(""), None);
        assert_eq!(s("#only-anchor"), None);
        assert_eq!(s("runbooks/foo.yaml").as_deref(), Some("foo"));
    }
}
