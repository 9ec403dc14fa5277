//! Alert labels, runbook vars and captured values as a step's environment:
//! names, precedence, the denylist, validation and `referenced()`.
//! (The end-to-end injection test with a real shell is in runbook_exec.rs.)

use crate::common;

use std::collections::BTreeMap;

use oncall::model::runbook::{Runbook, VarSpec};
use oncall::model::Labels;
use oncall::runbook::vars::{command_env, env_name, referenced, step_env, validate, VarError};

fn runbook(vars: &[(&str, VarSpec)]) -> Runbook {
    common::fixtures::vars_runbook(vars)
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn names(env: &[(String, String)]) -> Vec<&str> {
    env.iter().map(|(n, _)| n.as_str()).collect()
}

fn get<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

const HOSTILE: &str = "a$(touch /tmp/x);`id`'\"";

#[test]
fn labels_get_long_and_short_names_sorted() {
    let labels = common::fixtures::labels(&[
        ("alertname", "HighLatency"),
        ("instance", "web-1:9100"),
        ("app.kubernetes.io/name", "api"),
        ("9lives", "cat"),
    ]);
    let env = step_env(&runbook(&[]), &labels, &BTreeMap::new()).expect("env");
    assert_eq!(
        names(&env),
        [
            "ALERTNAME",
            "APP_KUBERNETES_IO_NAME",
            "INSTANCE",
            "ONCALL_LABEL_9LIVES",
            "ONCALL_LABEL_ALERTNAME",
            "ONCALL_LABEL_APP_KUBERNETES_IO_NAME",
            "ONCALL_LABEL_INSTANCE",
        ]
    );
    assert_eq!(get(&env, "INSTANCE"), Some("web-1:9100"));
    assert_eq!(env_name("a-b.c/D"), "A_B_C_D");
}

#[test]
fn reserved_names_only_get_the_long_form() {
    let labels = common::fixtures::labels(&[
        ("path", "/tmp/evil"),
        ("home", "/tmp"),
        ("ld_preload", "/tmp/evil.so"),
        ("http_proxy", "evil:3128"),
        ("ssh_auth_sock", "/tmp/sock"),
        ("lc_all", "C"),
        ("git_dir", "/tmp"),
        ("pythonpath", "/tmp"),
        ("kubeconfig", "/tmp/k"),
        ("oncall_label_pod", "spoof"),
        ("pod", "api-7"),
    ]);
    let env = step_env(&runbook(&[]), &labels, &BTreeMap::new()).expect("env");
    for reserved in [
        "PATH",
        "HOME",
        "LD_PRELOAD",
        "HTTP_PROXY",
        "SSH_AUTH_SOCK",
        "LC_ALL",
        "GIT_DIR",
        "PYTHONPATH",
        "KUBECONFIG",
    ] {
        assert_eq!(get(&env, reserved), None, "{reserved} set from a label");
        assert!(get(&env, &format!("ONCALL_LABEL_{reserved}")).is_some());
    }
    assert_eq!(get(&env, "ONCALL_LABEL_PATH"), Some("/tmp/evil"));
    // A label cannot pose as another label's long form.
    assert_eq!(get(&env, "ONCALL_LABEL_POD"), Some("api-7"));
    assert_eq!(get(&env, "POD"), Some("api-7"));
    // Nor can a runbook var or a capture set a reserved name.
    let rb = runbook(&[("PATH", VarSpec::default())]);
    let env = step_env(&rb, &labels, &map(&[("LD_PRELOAD", "x")])).expect("env");
    assert_eq!(get(&env, "PATH"), None);
    assert_eq!(get(&env, "LD_PRELOAD"), None);
}

#[test]
fn runbook_vars_and_captures_in_precedence() {
    let rb = runbook(&[
        (
            "NS",
            VarSpec {
                label: Some("namespace".into()),
                ..VarSpec::default()
            },
        ),
        ("POD", VarSpec::default()),
        (
            "REGION",
            VarSpec {
                default: Some("eu-1".into()),
                ..VarSpec::default()
            },
        ),
        (
            "TEAM",
            VarSpec {
                label: Some("owner".into()),
                ..VarSpec::default()
            },
        ),
        ("STAGE", VarSpec::default()),
    ]);
    let labels =
        common::fixtures::labels(&[("namespace", "prod"), ("pod", "api-7"), ("team", "sre")]);
    let captured = map(&[("STAGE", "inference"), ("POD", "api-8")]);
    let env = step_env(&rb, &labels, &captured).expect("env");
    assert_eq!(get(&env, "NS"), Some("prod"));
    assert_eq!(get(&env, "REGION"), Some("eu-1"));
    assert_eq!(get(&env, "STAGE"), Some("inference"));
    // Captured overrides the label.
    assert_eq!(get(&env, "POD"), Some("api-8"));
    assert_eq!(get(&env, "ONCALL_LABEL_POD"), Some("api-7"));
    // TEAM is declared to come from `owner`, which is absent: no TEAM at all,
    // not the `team` label's short form.
    assert_eq!(get(&env, "TEAM"), None);
    assert_eq!(get(&env, "ONCALL_LABEL_TEAM"), Some("sre"));
    let mut sorted = names(&env);
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, names(&env), "sorted, no duplicates");
}

#[test]
fn default_rule() {
    for ok in [
        "",
        "web-1:9100",
        "10.0.0.1",
        "a/b=c,d@e+f%g~h",
        "café",
        "api_7.x",
    ] {
        assert_eq!(validate(ok, None), Ok(()), "{ok:?}");
    }
    for bad in [
        "a b",
        "a\tb",
        "a\nb",
        "a\0b",
        "a\u{1b}[31m",
        "it's",
        "\"q\"",
        "`id`",
        "*",
        "a?",
        "[x]",
        "{a,b}",
        "$HOME",
        "a;b",
        "a|b",
        "a&b",
        "<a",
        "a>",
        "(a)",
        "a\\b",
        "a\u{a0}b",
    ] {
        assert!(validate(bad, None).is_err(), "{bad:?} accepted");
    }
    // A pattern replaces the rule and must match the whole value.
    assert_eq!(validate("a b", Some("[a-z ]+")), Ok(()));
    assert!(validate("api-7x", Some("api-[0-9]")).is_err());
    assert!(
        validate("x", Some("(")).is_err(),
        "a broken pattern admits nothing"
    );
}

#[test]
fn referenced_bad_value_is_an_error_naming_the_label() {
    let labels = common::fixtures::labels(&[("payload", HOSTILE), ("pod", "api-7")]);
    let rb = runbook(&[]);
    for command in [
        "echo \"$PAYLOAD\"",
        "echo ${PAYLOAD}",
        "echo ${PAYLOAD:-none}",
        "echo $ONCALL_LABEL_PAYLOAD",
    ] {
        let err: VarError =
            command_env(&rb, &labels, &BTreeMap::new(), command).expect_err(command);
        assert_eq!(err.label, "payload", "{command}");
        assert_eq!(err.value, HOSTILE);
        assert!(err.to_string().contains("payload"), "{err}");
        assert!(!err.reason.is_empty());
    }
}

#[test]
fn unreferenced_bad_value_is_left_out() {
    let labels = common::fixtures::labels(&[("payload", HOSTILE), ("pod", "api-7")]);
    let env = command_env(
        &runbook(&[]),
        &labels,
        &BTreeMap::new(),
        "kubectl get pod $POD",
    )
    .expect("not referenced, not an error");
    assert_eq!(names(&env), ["ONCALL_LABEL_POD", "POD"]);
    // step_env: every valid value, the bad one left out.
    let all = step_env(&runbook(&[]), &labels, &BTreeMap::new()).expect("env");
    assert_eq!(all, env);
}

#[test]
fn pattern_failure_names_the_source_label() {
    let rb = runbook(&[(
        "NS",
        VarSpec {
            label: Some("namespace".into()),
            pattern: Some("[a-z-]+".into()),
            ..VarSpec::default()
        },
    )]);
    let labels = common::fixtures::labels(&[("namespace", "Prod1")]);
    let err = command_env(&rb, &labels, &BTreeMap::new(), "kubectl -n $NS get pods")
        .expect_err("does not match");
    assert_eq!(err.label, "namespace");
    assert!(err.reason.contains("pattern"), "{}", err.reason);
    // A captured value of a declared var is held to the same pattern.
    let err = command_env(&rb, &Labels::new(), &map(&[("NS", "A B")]), "echo $NS")
        .expect_err("captured value checked");
    assert_eq!(err.label, "NS");
}

#[test]
fn referenced_cases() {
    assert_eq!(
        referenced("kubectl -n $NAMESPACE delete pod ${POD}"),
        ["NAMESPACE", "POD"]
    );
    assert_eq!(
        referenced("echo ${NS:-default} ${#POD} ${!REF}"),
        ["NS", "POD", "REF"]
    );
    assert_eq!(
        referenced("echo $1 $? $$ $# $@ $* $- $! ${2}"),
        Vec::<String>::new()
    );
    // Conservative: single quotes and escapes do not hide a name.
    assert_eq!(
        referenced("echo '$QUOTED' \\$ESCAPED"),
        ["ESCAPED", "QUOTED"]
    );
    assert_eq!(referenced("echo $A$A ${A}x $B_2c"), ["A", "B_2c"]);
    assert_eq!(referenced("echo costs $ and ${"), Vec::<String>::new());
    assert_eq!(referenced("grep -E 'a$' file; echo é$X"), ["X"]);
}

#[test]
fn a_label_short_name_reaches_only_a_command_that_names_it() {
    let labels = common::fixtures::labels(&[("aws_profile", "prod-admin"), ("pod", "api-7")]);
    let rb = runbook(&[]);
    let env = command_env(&rb, &labels, &BTreeMap::new(), "aws s3 ls; echo $POD").unwrap();
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        !names.contains(&"AWS_PROFILE"),
        "a label must not steer aws: {names:?}"
    );
    assert!(names.contains(&"ONCALL_LABEL_AWS_PROFILE"), "{names:?}");
    assert!(names.contains(&"POD"), "{names:?}");
    let env = command_env(&rb, &labels, &BTreeMap::new(), "echo \"$AWS_PROFILE\"").unwrap();
    assert!(
        env.contains(&("AWS_PROFILE".into(), "prod-admin".into())),
        "named: {env:?}"
    );
}
