//! Which runbook is the alert's. STUB.

use crate::model::runbook::Runbook;
use crate::model::Alert;

/// The last path segment of `runbook_url` (case-insensitive, without
/// extension, query or anchor) against file stems and ids; then `alerts:`
/// lists; then the alertname against the stem.
pub fn find_for<'a>(alert: &Alert, runbooks: &'a [Runbook]) -> Option<&'a Runbook> {
    let _ = (alert, runbooks);
    None
}
