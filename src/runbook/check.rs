//! Static checks of a parsed runbook. STUB.

use crate::model::runbook::Runbook;

/// Problems `oncall check` reports: `goto` to an unknown step, unreachable
/// steps, capture regexes and `when` expressions that do not compile,
/// duplicate step ids. Each is one sentence naming the file, line and step.
pub fn check(runbook: &Runbook) -> Vec<String> {
    let _ = runbook;
    Vec::new()
}
