//! The config file: the design's example, unknown keys, bad values and
//! where each is, and how the command line's sources stand to its.

use super::source_spec::{Secret, SourceKind};
use super::*;

const DESIGN_EXAMPLE: &str = r#"
refresh: 15s
author: alice
alertmanagers:
  - {name: am-eu-1, url: "https://am1.example:9093", cluster: eu, bearer_token_file: /etc/oncall/token, ca_file: /etc/oncall/ca.pem}
  - {name: am-eu-2, url: "https://am2.example:9093", cluster: eu}
prometheus:
  - {name: prom-eu, url: "http://prom.example:9090"}
ack: {duration: 15m}
runbooks: [/srv/runbooks]
postmortems: ./postmortems
theme: dark
escalation:
  - name: ml-model-serving
    match: 'team="ml-platform",severity="critical"'
    levels:
      - {after: 5m, targets: [fraud-model-oncall], notify: [pager]}
slos:
  - {name: fraud-availability, objective: 99.9, window: 30d,
     good: 'sum(rate(model_requests_total{status!="error"}[{{window}}]))', total: 'sum(rate(model_requests_total[{{window}}]))'}
"#;

#[test]
fn the_design_example_loads() {
    let c = parse(DESIGN_EXAMPLE, Path::new("c.yaml")).unwrap();
    let specs = source_specs(&c, &SourceArgs::default()).unwrap();
    assert_eq!(specs.len(), 3);
    assert_eq!(specs[0].cluster.as_deref(), Some("eu"));
    assert_eq!(
        specs[0].auth.bearer_token,
        Some(Secret::File("/etc/oncall/token".into()))
    );
    assert_eq!(specs[2].kind, SourceKind::Prometheus);
    assert_eq!(c.refresh(), Duration::from_secs(15));
    assert_eq!(slos(&c.slos).unwrap()[0].name, "fraud-availability");
}

#[test]
fn two_sources_named_alike_in_the_config_are_refused() {
    let e = error(
        "alertmanagers:\n  - {name: am1, url: \"http://a:9093\"}\n  - {name: am1, url: \"http://b:9093\"}\n",
    );
    assert!(
        e.contains(r#"c.yaml: two sources are named "am1""#) && e.ends_with("at line 3"),
        "{e}"
    );
    let e = error("alertmanagers:\n  - {name: \"\", url: \"http://a:9093\"}\n");
    assert!(
        e.contains("name is empty") && e.ends_with("at line 2"),
        "{e}"
    );
}

/// What reading `text` as `c.yaml` refuses, as the user reads it.
fn error(text: &str) -> String {
    parse(text, Path::new("c.yaml")).unwrap_err().to_string()
}

#[test]
fn unknown_keys_name_the_key_and_line() {
    let err = parse(
        "refresh: 15s\nalertmanager:\n  - url: http://x\n",
        Path::new("c.yaml"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("alertmanager") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn bad_values_are_named() {
    let msg = error("refresh: soon\n");
    assert!(msg.contains("refresh") && msg.contains("soon"), "{msg}");
    // Placed by their keys, as serde_yaml places what it finds.
    let msg = error("theme: dark\nsilences: {duration: 2h}\nack:\n\n  duration: forever\n");
    assert!(
        msg.contains("ack.duration") && msg.ends_with("at line 5"),
        "{msg}"
    );
    let msg = error(
        "alertmanagers:\n  - {name: a, url: \"http://a:9093\"}\n  - {name: b, url: \"b:9093\"}\n",
    );
    assert!(
        msg.contains("must start with http://") && msg.ends_with("at line 3"),
        "{msg}"
    );
    let msg = error("theme: dark\nrefresh: 0s\n");
    assert!(
        msg.contains("too fast") && msg.ends_with("at line 2"),
        "{msg}"
    );
    let msg = error("alertmanagers: [{url: am:9093}]\n");
    assert!(msg.contains("http://"), "{msg}");
}

#[test]
fn command_line_sources_replace_the_configs_of_their_kind() {
    let c = parse(DESIGN_EXAMPLE, Path::new("c.yaml")).unwrap();
    let names = |args: &SourceArgs| -> Vec<(String, SourceKind)> {
        source_specs(&c, args)
            .unwrap()
            .into_iter()
            .map(|s| (s.name, s.kind))
            .collect()
    };
    let am = SourceArgs {
        alertmanagers: vec!["http://127.0.0.1:9093".into()],
        prometheus: vec![],
    };
    // The config's two Alertmanagers are gone, its Prometheus stays.
    assert_eq!(
        names(&am),
        [
            ("127.0.0.1:9093".to_string(), SourceKind::Alertmanager),
            ("prom-eu".to_string(), SourceKind::Prometheus)
        ]
    );
    let prom = SourceArgs {
        alertmanagers: vec![],
        prometheus: vec!["http://127.0.0.1:9090".into()],
    };
    let got = names(&prom);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].1, SourceKind::Prometheus);
    assert!(got[1..].iter().all(|(_, k)| *k == SourceKind::Alertmanager));
}
