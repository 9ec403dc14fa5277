//! Pure tests of the lower layers, no server and no binary: matchers and
//! Alertmanager's parser tables, decoding, merging, the journal and page
//! claims, postmortems, notifiers, escalation and schedules, runbooks.

#[path = "../common/mod.rs"]
mod common;

mod am_decode;
mod am_decode_next;
mod escalation;
mod fuzz_parsers;
mod hostile_input;
mod journal;
mod matcher_conformance;
mod matchers;
mod notify;
mod page_claims;
mod postmortem;
mod runbook_check;
mod runbook_corpus;
mod runbook_exec;
mod runbook_load;
mod runbook_match;
mod runbook_parse;
mod runbook_session;
mod runbook_vars;
mod runbook_yaml;
mod schedule;
mod shared_sets;
mod source_merge;
mod time_intervals;
