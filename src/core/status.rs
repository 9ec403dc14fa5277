//! How loud a status-line message is.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusLevel {
    Info,
    Warn,
    Error,
}
