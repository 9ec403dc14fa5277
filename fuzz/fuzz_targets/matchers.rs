//! The matcher parser: no panic; what parses prints and parses back the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oncall::model::matcher::{format_matchers, parse_matchers, parse_terms};

fuzz_target!(|input: &str| {
    let _ = parse_terms(input);
    if let Ok(ms) = parse_matchers(input) {
        let printed = format_matchers(&ms);
        assert_eq!(parse_matchers(&printed).as_ref(), Ok(&ms), "{printed}");
    }
});
