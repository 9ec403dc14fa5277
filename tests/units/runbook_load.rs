//! Loading runbook dirs: the shipped `runbooks/`, missing dirs, duplicates.

use std::path::PathBuf;

use oncall::runbook::check::check;
use oncall::runbook::load::load_file;
use oncall::runbook::load_dirs;

#[test]
fn shipped_runbooks_load_and_check_clean() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let loaded = load_dirs(std::slice::from_ref(&dir));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_lowercase();
            (n.ends_with(".md") || n.ends_with(".yaml") || n.ends_with(".yml")) && n != "readme.md"
        })
        .count();
    assert_eq!(loaded.runbooks.len(), files);
    for rb in &loaded.runbooks {
        assert_eq!(check(rb), Vec::<String>::new(), "{}", rb.path.display());
        assert!(!rb.steps.is_empty(), "{} has no steps", rb.path.display());
        // Ours are written to run: none is left to do by hand for a reason.
        for s in &rb.steps {
            assert_eq!(s.manual_why, None, "{} {}", rb.path.display(), s.id);
        }
    }
    let m = loaded
        .runbooks
        .iter()
        .find(|r| r.id == "modellatencyslobreach")
        .unwrap();
    assert_eq!(m.alerts, vec!["ModelLatencySLOBreach"]);
    // The latency runbook branches on the stage breakdown.
    let stage = &m.steps[m.step_index("stage-breakdown").unwrap()];
    let targets: Vec<&str> = stage.next.iter().map(|b| b.goto.as_str()).collect();
    assert_eq!(
        targets,
        ["feature-fetch", "inference", "postprocess", "upstream"]
    );
    // kubectl Go templates come through as written.
    let down = loaded
        .runbooks
        .iter()
        .find(|r| r.id == "modelserverdown")
        .unwrap();
    let text = std::fs::read_to_string(&down.path).unwrap();
    let template = "{{range .items}}{{.metadata.name}}{{\"\\t\"}}{{.spec.nodeName}}";
    assert!(text.contains(template));
    assert!(down
        .steps
        .iter()
        .any(|s| s.command.as_deref().is_some_and(|c| c.contains(template))));
}

#[test]
fn load_dirs_reports_missing_dirs_and_duplicates() {
    let tmp = std::env::temp_dir().join(format!("oncall-rb-load-{}", std::process::id()));
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    std::fs::create_dir_all(a.join("team")).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("README.md"), "not a runbook\n```sh\n").unwrap();
    std::fs::write(
        a.join("disk.md"),
        "# Disk\n## Diagnosis\n```sh\ndf -h\n```\n",
    )
    .unwrap();
    std::fs::write(
        a.join("team/net.yml"),
        "title: Net\nsteps: [{step_id: s, action: look}]\n",
    )
    .unwrap();
    std::fs::write(a.join("notes.txt"), "ignored").unwrap();
    std::fs::write(
        b.join("DISK.yaml"),
        "title: Other disk\nsteps: [{step_id: s}]\n",
    )
    .unwrap();
    std::fs::write(b.join("broken.md"), "# B\n## Mitigation\n```sh\nx\n").unwrap();
    let loaded = load_dirs(&[a.clone(), tmp.join("missing"), b.clone()]);
    let ids: Vec<&str> = loaded.runbooks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["disk", "net"]);
    let msgs: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("missing") && m.contains("directory")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("DISK.yaml") && m.contains("disk.md")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("broken.md:3:")), "{msgs:?}");
    assert!(load_file(&a.join("notes.txt")).is_err());
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn step_ids_and_variable_names_must_be_plain_words() {
    let tmp = std::env::temp_dir().join(format!("oncall-rb-names-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let file = tmp.join("sneaky.yaml");
    std::fs::write(
        &file,
        "title: Sneaky\nsteps:\n  - step_id: ok\n    action: look\n  - step_id: \"a\\e]0;PWNED\\a\"\n    action: look\n",
    )
    .unwrap();
    let err = load_file(&file).unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
    assert!(err.message.contains("plain word"), "{err}");
    assert!(
        !err.to_string().contains('\u{1b}'),
        "the error itself is clean: {err:?}"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
