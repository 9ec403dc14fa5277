//! The config loader (YAML, then every checked section): no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = oncall::config::parse(text, std::path::Path::new("config.yaml"));
});
