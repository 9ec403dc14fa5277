//! Markdown runbook parsing: no panic on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = oncall::runbook::markdown::parse_markdown(std::path::Path::new("fuzz.md"), text);
});
