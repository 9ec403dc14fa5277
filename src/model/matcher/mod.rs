//! Alertmanager's matchers: the types (types.rs), and reading
//! `{alertname="X", severity=~"crit.*"}` exactly as Alertmanager's default
//! mode does: its two grammars (utf8.rs, classic.rs) and its rule for
//! choosing between them (parse.rs). A bare word on its own means
//! `alertname=word` (as in amtool); in filters, a quoted string on its own
//! is free text. docs/acks-and-silences.md lists the grammar.

mod classic;
mod parse;
mod types;
pub mod utf8;

pub use parse::{parse_matchers, parse_matchers_as_alertmanager, parse_terms, parsers};
pub use types::{
    escape_regex, format_matchers, unescape_regex, MatchOp, Matcher, MatcherError, Term,
};
