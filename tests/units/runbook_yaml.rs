//! Structured YAML runbooks: every field, captures and branches, and the
//! errors a typo or a missing key gives.

use std::path::Path;
use std::time::Duration;

use oncall::model::runbook::{BranchCond, Format, StepKind, StepRole};
use oncall::runbook::check::check;
use oncall::runbook::yaml_form::parse_yaml;

const LAG_YAML: &str = r#"id: kafka-consumer-lag
title: Kafka consumer lag
alerts: [KafkaConsumerLagHigh, kafkaconsumerlagcritical]
vars:
  TOPIC: {label: topic, pattern: '[a-z.-]+'}
  GROUP: payments
meaning: Consumers fall behind producers.
impact: |
  Payments settle late.
timeout: 45s
steps:
  - step_id: lag
    role: diagnosis
    description: How far behind is the group?
    automation_script: |
      kafka-consumer-groups --describe --group "$GROUP" | awk '{print $6}'
    expected_result: A number per partition.
    capture:
      LAG: 'max lag: (\d+)'
    next:
      - when: LAG > 10000
        goto: scale
      - when: LAG == 0
        goto: end
  - step_id: rate
    title: Producer rate
    role: diagnosis
    query: sum(rate(kafka_topic_messages_in_total[5m]))
    capture:
      - var: RATE
        regex: '([0-9.]+)'
  - step_id: decide
    action: Decide with the service owner.
    next:
      - {label: Scale out consumers, goto: scale}
      - {label: Wait it out, goto: end}
  - step_id: scale
    role: mitigation
    confirm: true
    timeout: 2m
    description: Add consumers.
    action: Make sure the partitions outnumber consumers.
    automation_script: kubectl scale deploy/consumer --replicas=12
    troubleshooting: Check the HPA is not fighting you.
    next: [{goto: end}]
"#;

#[test]
fn yaml_structured_form() {
    let rb = parse_yaml(Path::new("rb/lag.yaml"), LAG_YAML).unwrap();
    assert_eq!(
        (rb.id.as_str(), rb.title.as_str()),
        ("kafka-consumer-lag", "Kafka consumer lag")
    );
    assert_eq!(rb.format, Format::Yaml);
    assert_eq!(rb.alerts.len(), 2);
    assert_eq!(rb.vars["TOPIC"].label.as_deref(), Some("topic"));
    assert_eq!(rb.vars["GROUP"].default.as_deref(), Some("payments"));
    assert_eq!(rb.context_text("Impact"), Some("Payments settle late."));
    assert_eq!(
        rb.context_text("Meaning"),
        Some("Consumers fall behind producers.")
    );

    let lag = &rb.steps[0];
    assert_eq!(
        (lag.kind, lag.role, lag.line),
        (StepKind::Shell, StepRole::Diagnosis, 12)
    );
    assert_eq!(
        lag.command.as_deref(),
        Some(r#"kafka-consumer-groups --describe --group "$GROUP" | awk '{print $6}'"#)
    );
    assert_eq!(lag.title, "How far behind is the group?");
    assert_eq!(lag.timeout, Some(Duration::from_secs(45)));
    assert_eq!(
        (lag.capture[0].var.as_str(), lag.capture[0].regex.as_str()),
        ("LAG", r"max lag: (\d+)")
    );
    assert_eq!(lag.next.len(), 2);
    assert_eq!(lag.next[0].cond, BranchCond::When("LAG > 10000".into()));
    assert_eq!(lag.next[1].goto, "end");

    let rate = &rb.steps[1];
    assert_eq!(
        (rate.kind, rate.title.as_str()),
        (StepKind::Query, "Producer rate")
    );
    assert_eq!(rate.capture[0].var, "RATE");

    let decide = &rb.steps[2];
    assert_eq!(
        (decide.kind, decide.role),
        (StepKind::Manual, StepRole::Other)
    );
    assert_eq!(
        decide.next[0].cond,
        BranchCond::Label("Scale out consumers".into())
    );

    let scale = &rb.steps[3];
    assert_eq!(
        (scale.role, scale.confirm),
        (StepRole::Mitigation, Some(true))
    );
    assert_eq!(scale.timeout, Some(Duration::from_secs(120)));
    assert_eq!(
        scale.description,
        "Add consumers.\n\nMake sure the partitions outnumber consumers."
    );
    assert_eq!(
        scale.troubleshooting.as_deref(),
        Some("Check the HPA is not fighting you.")
    );
    assert_eq!(scale.next[0].cond, BranchCond::Always);
    assert_eq!(check(&rb), Vec::<String>::new());
}

#[test]
fn yaml_unknown_key_names_key_and_line() {
    let text = LAG_YAML.replace("    troubleshooting:", "    troubleshoting:");
    let e = parse_yaml(Path::new("lag.yaml"), &text).unwrap_err();
    assert!(e.message.contains("troubleshoting"), "{e}");
    assert_eq!(e.line, Some(44), "{e}");
    let e = parse_yaml(
        Path::new("lag.yaml"),
        "title: T\nowner: me\nsteps: [{step_id: a}]\n",
    )
    .unwrap_err();
    assert!(e.message.contains("owner") && e.line == Some(2), "{e}");
}

#[test]
fn yaml_required_and_invalid_fields() {
    let p = Path::new("x.yml");
    let e = parse_yaml(p, "title: T\nalerts: [A]\n").unwrap_err();
    assert!(e.message.contains("steps"), "{e}");
    let e = parse_yaml(p, "title: T\nsteps: []\n").unwrap_err();
    assert!(
        e.message.contains("at least one step") && e.line == Some(2),
        "{e}"
    );
    let e = parse_yaml(p, "steps: [{step_id: a}]\n").unwrap_err();
    assert!(e.message.contains("title"), "{e}");
    let dup = "title: T\nsteps:\n  - step_id: a\n  - step_id: a\n";
    assert_eq!(parse_yaml(p, dup).unwrap_err().line, Some(4));
    let bad_timeout = "title: T\nsteps:\n  - step_id: a\n    timeout: soon\n";
    assert!(parse_yaml(p, bad_timeout)
        .unwrap_err()
        .message
        .contains("timeout"));
    let rb = parse_yaml(p, "title: T\nsteps: [{step_id: 1, next: [{goto: 1}]}]\n").unwrap();
    assert_eq!((rb.id.as_str(), rb.steps[0].id.as_str()), ("x", "1"));
}
