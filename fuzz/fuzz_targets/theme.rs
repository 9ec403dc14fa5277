//! The theme loader, through a file as users give it: no panic, and a
//! theme that does not check never loads without a warning.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = std::env::temp_dir().join(format!("oncall-fuzz-theme-{}.yaml", std::process::id()));
    if std::fs::write(&path, text).is_err() {
        return;
    }
    let spec = path.to_string_lossy();
    let ok = oncall::ui::theme::check_theme(&spec, None).is_ok();
    let (_, warning) = oncall::ui::theme::load_theme(Some(&spec), None, false);
    assert_eq!(ok, warning.is_none());
});
