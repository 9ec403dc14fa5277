//! Parsing Markdown and YAML runbooks, and loading the shipped `runbooks/`.

use std::path::Path;
use std::time::Duration;

use oncall::model::runbook::{BranchCond, Format, StepKind, StepRole};
use oncall::runbook::check::check;
use oncall::runbook::markdown::parse_markdown;
use oncall::runbook::yaml_form::parse_yaml;
use oncall::runbook::RunbookError;

const GO_TEMPLATE: &str = r#"kubectl -n "$NAMESPACE" get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\t"}}{{range .status.containerStatuses}}{{.lastState.terminated.reason}}{{end}}{{"\n"}}{{end}}'"#;

fn crashloop_md() -> String {
    format!(
        r#"---
title: Kube Pod Crash Looping
weight: 20
aliases:
  - /kubepodcrashlooping/
alerts: [KubePodCrashLooping]
vars:
  NAMESPACE: {{label: namespace, pattern: '[a-z0-9-]+'}}
  TAIL: "200"
---
# KubePodCrashLooping

A container keeps restarting.

## Meaning

The pod's container exited and was restarted more than
once in the last 10 minutes.

## Impact

The workload runs with fewer replicas.

## Diagnosis

Find the pod and its restart count.

```shell
$ kubectl -n "$NAMESPACE" get pod "$POD"
```

Print why each container last terminated:

```bash
{GO_TEMPLATE}
```

```console
$ kubectl -n "$NAMESPACE" logs "$POD" \
    --previous --tail="$TAIL"
panic: runtime error: invalid memory address
goroutine 1 [running]:
```

1. Look at recent events:

   ```sh
   $ kubectl -n "$NAMESPACE" get events \
       --field-selector involvedObject.name="$POD"
   ```

   ```text
   LAST SEEN   TYPE      REASON
   ```

2. Check the error rate of the service:

   ~~~promql
   sum(rate(http_requests_total{{code=~"5.."}}[5m]))
   ~~~

### Restart loop with OOMKilled

Look for memory limits.

```sh {{name=limits timeout=30s}}
# comments stay in the command
kubectl -n "$NAMESPACE" get pod "$POD" -o jsonpath='{{.spec.containers[*].resources}}'
```

If the limit is below the working set, raise it.

```sh
# only a comment: not a step
```

## Mitigation

Roll the deployment back to the last good revision.

```sh {{name=rollback confirm=true}}
kubectl -n "$NAMESPACE" rollout undo deployment/"$DEPLOYMENT"
```

## Escalation

Page the owning team.
"#
    )
}

fn parse(text: &str) -> Result<oncall::model::runbook::Runbook, RunbookError> {
    parse_markdown(Path::new("runbooks/kubepodcrashlooping.md"), text)
}

#[test]
fn markdown_front_matter_title_and_context() {
    let rb = parse(&crashloop_md()).unwrap();
    assert_eq!(rb.id, "kubepodcrashlooping");
    assert_eq!(rb.title, "KubePodCrashLooping", "H1 wins over Hugo's title");
    assert_eq!(rb.format, Format::Markdown);
    assert_eq!(rb.alerts, vec!["KubePodCrashLooping"]);
    let ns = &rb.vars["NAMESPACE"];
    assert_eq!(ns.label.as_deref(), Some("namespace"));
    assert_eq!(ns.pattern.as_deref(), Some("[a-z0-9-]+"));
    assert_eq!(rb.vars["TAIL"].default.as_deref(), Some("200"));
    let headings: Vec<&str> = rb.context.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(headings, vec!["Overview", "Meaning", "Impact", "Escalation"]);
    assert_eq!(
        rb.context_text("meaning"),
        Some("The pod's container exited and was restarted more than\nonce in the last 10 minutes.")
    );
}

#[test]
fn markdown_steps() {
    let rb = parse(&crashloop_md()).unwrap();
    let ids: Vec<&str> = rb.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["step-1", "step-2", "step-3", "step-4", "step-5", "limits", "rollback"]);

    let s = &rb.steps[0];
    assert_eq!(s.command.as_deref(), Some(r#"kubectl -n "$NAMESPACE" get pod "$POD""#));
    assert_eq!(s.description, "Find the pod and its restart count.");
    assert_eq!(s.title, "Find the pod and its restart count");
    assert_eq!((s.role, s.kind, s.section.as_str()), (StepRole::Diagnosis, StepKind::Shell, "Diagnosis"));
    assert_eq!(s.line, 28);

    // Go templates come through byte for byte.
    assert_eq!(rb.steps[1].command.as_deref(), Some(GO_TEMPLATE));
    assert_eq!(rb.steps[1].title, "Print why each container last terminated");

    let console = &rb.steps[2];
    assert_eq!(
        console.command.as_deref(),
        Some("kubectl -n \"$NAMESPACE\" logs \"$POD\" \\\n    --previous --tail=\"$TAIL\"")
    );
    assert_eq!(
        console.expected.as_deref(),
        Some("panic: runtime error: invalid memory address\ngoroutine 1 [running]:")
    );
    assert_eq!(console.description, "");
    assert_eq!(console.title, "step-3");

    // Inside a list item: the fence's indentation is gone, the command's own kept.
    let events = &rb.steps[3];
    assert_eq!(
        events.command.as_deref(),
        Some("kubectl -n \"$NAMESPACE\" get events \\\n    --field-selector involvedObject.name=\"$POD\"")
    );
    assert_eq!(events.title, "Look at recent events");
    assert_eq!(events.expected.as_deref(), Some("LAST SEEN   TYPE      REASON"));

    let q = &rb.steps[4];
    assert_eq!(q.kind, StepKind::Query);
    assert_eq!(q.command.as_deref(), Some(r#"sum(rate(http_requests_total{code=~"5.."}[5m]))"#));

    let limits = &rb.steps[5];
    assert_eq!(limits.title, "Restart loop with OOMKilled");
    assert_eq!(limits.timeout, Some(Duration::from_secs(30)));
    assert!(limits.command.as_deref().unwrap().starts_with("# comments stay"));
    // Prose after the last step of a section tells how to read it.
    assert_eq!(
        limits.description,
        "Look for memory limits.\n\nIf the limit is below the working set, raise it.\n\n```sh\n# only a comment: not a step\n```"
    );

    let rollback = &rb.steps[6];
    assert_eq!((rollback.role, rollback.confirm), (StepRole::Mitigation, Some(true)));
    assert_eq!(rollback.section, "Mitigation");
}

#[test]
fn prose_only_mitigation_is_a_manual_step() {
    let md = "# X\n\n## Diagnosis\n\n```sh\nuptime\n```\n\n## Mitigation\n\nFail over to the standby region. Tell #incidents first.\n";
    let rb = parse(md).unwrap();
    assert_eq!(rb.steps.len(), 2);
    let m = &rb.steps[1];
    assert_eq!((m.kind, m.role, m.id.as_str()), (StepKind::Manual, StepRole::Mitigation, "step-2"));
    assert_eq!(m.command, None);
    assert_eq!(m.title, "Fail over to the standby region");
    assert_eq!(m.description, "Fail over to the standby region. Tell #incidents first.");
    assert_eq!(m.line, 9);
    assert!(rb.context.is_empty());
}

#[test]
fn title_falls_back_to_front_matter_then_stem() {
    let rb = parse("---\ntitle: From Hugo\n---\n## Meaning\n\nx\n").unwrap();
    assert_eq!(rb.title, "From Hugo");
    let rb = parse("+++\ntitle = \"toml\"\n+++\n## Meaning\n\nx\n").unwrap();
    assert_eq!(rb.title, "kubepodcrashlooping");
    assert_eq!(rb.context_text("Meaning"), Some("x"));
}

#[test]
fn unclosed_fence_names_its_opening_line() {
    let md = "---\nalerts: [A]\n---\n# T\n\n## Diagnosis\n\n```sh\nkubectl get pods\n```\n\nthen\n\n~~~bash\nuptime\n```\n";
    let e = parse(md).unwrap_err();
    assert_eq!(e.line, Some(14), "{e}");
    assert!(e.to_string().starts_with("runbooks/kubepodcrashlooping.md:14: "), "{e}");
}

#[test]
fn bad_front_matter_names_the_file_line() {
    let md = "---\ntitle: ok\nweight: 3\nalerts: [A, B\n---\n# T\n";
    let e = parse(md).unwrap_err();
    assert!(e.message.contains("front matter"), "{e}");
    // The YAML parser notices at the end of the front matter (file line 5).
    assert!(matches!(e.line, Some(4..=5)), "{e}");
    let e = parse("---\ntitle: ok\nalerts: {a: [}\n---\n").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    let e = parse("---\nalerts: [A]\n# T\n").unwrap_err();
    assert_eq!(e.line, Some(1));
}

#[test]
fn bad_attributes_and_duplicate_ids_name_the_line() {
    let e = parse("# T\n## Diagnosis\n\n```sh {name=a colour=red}\nx\n```\n").unwrap_err();
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("colour"), "{e}");
    let md = "# T\n## Diagnosis\n```sh {name=a}\nx\n```\n## Mitigation\n```sh {name=a}\ny\n```\n";
    let e = parse(md).unwrap_err();
    assert_eq!(e.line, Some(7));
    assert!(e.message.contains("line 3"), "{e}");
}

#[test]
fn code_above_the_first_section_is_not_a_step() {
    let rb = parse("# T\n\n```sh\nrm -rf /\n```\n").unwrap();
    assert!(rb.steps.is_empty());
    assert_eq!(rb.context_text("Overview"), Some("```sh\nrm -rf /\n```"));
}

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
    assert_eq!((rb.id.as_str(), rb.title.as_str()), ("kafka-consumer-lag", "Kafka consumer lag"));
    assert_eq!(rb.format, Format::Yaml);
    assert_eq!(rb.alerts.len(), 2);
    assert_eq!(rb.vars["TOPIC"].label.as_deref(), Some("topic"));
    assert_eq!(rb.vars["GROUP"].default.as_deref(), Some("payments"));
    assert_eq!(rb.context_text("Impact"), Some("Payments settle late."));
    assert_eq!(rb.context_text("Meaning"), Some("Consumers fall behind producers."));

    let lag = &rb.steps[0];
    assert_eq!((lag.kind, lag.role, lag.line), (StepKind::Shell, StepRole::Diagnosis, 12));
    assert_eq!(
        lag.command.as_deref(),
        Some(r#"kafka-consumer-groups --describe --group "$GROUP" | awk '{print $6}'"#)
    );
    assert_eq!(lag.title, "How far behind is the group?");
    assert_eq!(lag.timeout, Some(Duration::from_secs(45)));
    assert_eq!((lag.capture[0].var.as_str(), lag.capture[0].regex.as_str()), ("LAG", r"max lag: (\d+)"));
    assert_eq!(lag.next.len(), 2);
    assert_eq!(lag.next[0].cond, BranchCond::When("LAG > 10000".into()));
    assert_eq!(lag.next[1].goto, "end");

    let rate = &rb.steps[1];
    assert_eq!((rate.kind, rate.title.as_str()), (StepKind::Query, "Producer rate"));
    assert_eq!(rate.capture[0].var, "RATE");

    let decide = &rb.steps[2];
    assert_eq!((decide.kind, decide.role), (StepKind::Manual, StepRole::Other));
    assert_eq!(decide.next[0].cond, BranchCond::Label("Scale out consumers".into()));

    let scale = &rb.steps[3];
    assert_eq!((scale.role, scale.confirm), (StepRole::Mitigation, Some(true)));
    assert_eq!(scale.timeout, Some(Duration::from_secs(120)));
    assert_eq!(
        scale.description,
        "Add consumers.\n\nMake sure the partitions outnumber consumers."
    );
    assert_eq!(scale.troubleshooting.as_deref(), Some("Check the HPA is not fighting you."));
    assert_eq!(scale.next[0].cond, BranchCond::Always);
    assert_eq!(check(&rb), Vec::<String>::new());
}

#[test]
fn yaml_unknown_key_names_key_and_line() {
    let text = LAG_YAML.replace("    troubleshooting:", "    troubleshoting:");
    let e = parse_yaml(Path::new("lag.yaml"), &text).unwrap_err();
    assert!(e.message.contains("troubleshoting"), "{e}");
    assert_eq!(e.line, Some(44), "{e}");
    let e = parse_yaml(Path::new("lag.yaml"), "title: T\nowner: me\nsteps: [{step_id: a}]\n").unwrap_err();
    assert!(e.message.contains("owner") && e.line == Some(2), "{e}");
}

#[test]
fn yaml_required_and_invalid_fields() {
    let p = Path::new("x.yml");
    let e = parse_yaml(p, "title: T\nalerts: [A]\n").unwrap_err();
    assert!(e.message.contains("steps"), "{e}");
    let e = parse_yaml(p, "title: T\nsteps: []\n").unwrap_err();
    assert!(e.message.contains("at least one step") && e.line == Some(2), "{e}");
    let e = parse_yaml(p, "steps: [{step_id: a}]\n").unwrap_err();
    assert!(e.message.contains("title"), "{e}");
    let dup = "title: T\nsteps:\n  - step_id: a\n  - step_id: a\n";
    assert_eq!(parse_yaml(p, dup).unwrap_err().line, Some(4));
    let bad_timeout = "title: T\nsteps:\n  - step_id: a\n    timeout: soon\n";
    assert!(parse_yaml(p, bad_timeout).unwrap_err().message.contains("timeout"));
    let rb = parse_yaml(p, "title: T\nsteps: [{step_id: 1, next: [{goto: 1}]}]\n").unwrap();
    assert_eq!((rb.id.as_str(), rb.steps[0].id.as_str()), ("x", "1"));
}
