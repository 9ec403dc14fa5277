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
}
