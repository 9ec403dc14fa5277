//! A page: what an escalation level that fell due asks the outside world
//! to deliver.

/// What a level's page asks the outside world to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Every level key this page settles (levels that fell due together
    /// page once, for the highest).
    pub keys: Vec<String>,
    pub notifiers: Vec<String>,
    pub note: crate::notify::Notification,
    /// A retry of a page this process claimed and could not deliver: the
    /// claim is its already.
    pub retry: bool,
    /// When the level fell due (kept across retries): how late it is.
    pub due: chrono::DateTime<chrono::Utc>,
    /// Delivered without a claim: the team store did not answer for
    /// `store_grace`, and a duplicate page beats a missed one.
    pub uncoordinated: bool,
}

/// A claimed page that no notifier delivered: tried again every
/// `page_retry` until one does, its group is acked, silenced or resolved,
/// or a later level of the group pages.
#[derive(Clone, Debug, PartialEq)]
pub struct FailedPage {
    pub page: Page,
    /// Tries of the level so far (each with the notifiers' own retries).
    pub tries: u32,
    /// Every notifier's reason, as last heard.
    pub reason: String,
    pub next: chrono::DateTime<chrono::Utc>,
}

impl FailedPage {
    /// `PAGE FAILED L1 (4 tries, next in 30s) webhook pager: connection
    /// refused`: the counts before the reason, which a narrow row cuts.
    pub fn words(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        let left = (self.next - now).num_seconds();
        let next = if left > 0 {
            format!("next in {left}s")
        } else {
            "trying again".to_string()
        };
        format!(
            "PAGE FAILED L{} ({} tr{}, {next}) {}",
            self.page.note.level,
            self.tries,
            if self.tries == 1 { "y" } else { "ies" },
            self.reason,
        )
    }
}
