//! The runbooks shipped in `runbooks/`, built into the binary so the demo
//! and a fresh install have them wherever oncall runs from.

use std::path::Path;

use super::load::Loaded;
use super::markdown::parse_markdown;
use super::yaml_form::parse_yaml;

/// (file name, text) of every shipped runbook.
const SHIPPED: &[(&str, &str)] = &[
    (
        "approvalratedrift.yaml",
        include_str!("../../runbooks/approvalratedrift.yaml"),
    ),
    (
        "featuredatadrift.yaml",
        include_str!("../../runbooks/featuredatadrift.yaml"),
    ),
    (
        "featurestorestale.md",
        include_str!("../../runbooks/featurestorestale.md"),
    ),
    (
        "gpumemorynearlyfull.yaml",
        include_str!("../../runbooks/gpumemorynearlyfull.yaml"),
    ),
    (
        "lowconfidencesurge.md",
        include_str!("../../runbooks/lowconfidencesurge.md"),
    ),
    (
        "modelerrorratehigh.md",
        include_str!("../../runbooks/modelerrorratehigh.md"),
    ),
    (
        "modellatencyslobreach.yaml",
        include_str!("../../runbooks/modellatencyslobreach.yaml"),
    ),
    (
        "modelserverdown.md",
        include_str!("../../runbooks/modelserverdown.md"),
    ),
];

/// Adds the shipped runbooks whose ids no loaded runbook has.
pub fn add_missing(loaded: &mut Loaded) {
    for (name, text) in SHIPPED {
        let path = Path::new("runbooks").join(name);
        let parsed = if name.ends_with(".md") {
            parse_markdown(&path, text)
        } else {
            parse_yaml(&path, text)
        };
        match parsed.and_then(super::load::plain_names) {
            Ok(rb)
                if !loaded
                    .runbooks
                    .iter()
                    .any(|r| r.id.eq_ignore_ascii_case(&rb.id)) =>
            {
                loaded.runbooks.push(rb)
            }
            Ok(_) => {}
            Err(e) => loaded.errors.push(e),
        }
    }
}
