//! YAML runbook parsing and the checks on loading (plain names): no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(rb) = oncall::runbook::yaml_form::parse_yaml(std::path::Path::new("fuzz.yaml"), text) {
        let _ = oncall::runbook::load::plain_names(rb);
    }
});
