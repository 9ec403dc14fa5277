//! Parsing Markdown runbooks as teams write them (kubernetes-mixin style).

use std::path::Path;
use std::time::Duration;

use oncall::model::runbook::{Format, StepKind, StepRole};
use oncall::runbook::markdown::parse_markdown;
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
    assert_eq!(
        headings,
        vec!["Overview", "Meaning", "Impact", "Escalation"]
    );
    assert_eq!(
        rb.context_text("meaning"),
        Some(
            "The pod's container exited and was restarted more than\nonce in the last 10 minutes."
        )
    );
}

#[test]
fn markdown_steps() {
    let rb = parse(&crashloop_md()).unwrap();
    let ids: Vec<&str> = rb.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["step-1", "step-2", "step-3", "step-4", "step-5", "limits", "step-7", "rollback"]
    );

    let s = &rb.steps[0];
    assert_eq!(
        s.command.as_deref(),
        Some(r#"kubectl -n "$NAMESPACE" get pod "$POD""#)
    );
    assert_eq!(s.description, "Find the pod and its restart count.");
    assert_eq!(s.title, "Find the pod and its restart count");
    assert_eq!(
        (s.role, s.kind, s.section.as_str()),
        (StepRole::Diagnosis, StepKind::Shell, "Diagnosis")
    );
    assert_eq!(s.line, 28);

    // Go templates come through byte for byte.
    assert_eq!(rb.steps[1].command.as_deref(), Some(GO_TEMPLATE));
    assert_eq!(
        rb.steps[1].title,
        "Print why each container last terminated"
    );

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
    assert_eq!(
        events.expected.as_deref(),
        Some("LAST SEEN   TYPE      REASON")
    );

    let q = &rb.steps[4];
    assert_eq!(q.kind, StepKind::Query);
    assert_eq!(
        q.command.as_deref(),
        Some(r#"sum(rate(http_requests_total{code=~"5.."}[5m]))"#)
    );

    let limits = &rb.steps[5];
    // The H3 holds two steps (this and the one to do by hand): context.
    assert_eq!(limits.title, "Look for memory limits");
    assert_eq!(limits.timeout, Some(Duration::from_secs(30)));
    assert!(limits
        .command
        .as_deref()
        .unwrap()
        .starts_with("# comments stay"));
    assert_eq!(
        limits.description,
        "Restart loop with OOMKilled: Look for memory limits."
    );
    // A block of comments only is something to do by hand, with the prose
    // above it as its description.
    let by_hand = &rb.steps[6];
    assert_eq!(by_hand.kind, StepKind::Manual);
    assert_eq!(
        by_hand.description,
        "Restart loop with OOMKilled: If the limit is below the working set, raise it."
    );
    assert_eq!(
        by_hand.command.as_deref(),
        Some("# only a comment: not a step")
    );
    assert!(by_hand.manual_why.is_some());

    let rollback = &rb.steps[7];
    assert_eq!(
        (rollback.role, rollback.confirm),
        (StepRole::Mitigation, Some(true))
    );
    assert_eq!(rollback.section, "Mitigation");
}

#[test]
fn prose_only_mitigation_is_a_manual_step() {
    let md = "# X\n\n## Diagnosis\n\n```sh\nuptime\n```\n\n## Mitigation\n\nFail over to the standby region. Tell #incidents first.\n";
    let rb = parse(md).unwrap();
    assert_eq!(rb.steps.len(), 2);
    let m = &rb.steps[1];
    assert_eq!(
        (m.kind, m.role, m.id.as_str()),
        (StepKind::Manual, StepRole::Mitigation, "step-2")
    );
    assert_eq!(m.command, None);
    assert_eq!(m.title, "Fail over to the standby region");
    assert_eq!(
        m.description,
        "Fail over to the standby region. Tell #incidents first."
    );
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
    assert!(
        e.to_string()
            .starts_with("runbooks/kubepodcrashlooping.md:14: "),
        "{e}"
    );
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
    let rb = parse("# T\n\n```sh\nrm -rf /\n```\n\n## Meaning\n\nx\n").unwrap();
    assert!(rb.steps.is_empty());
    assert_eq!(rb.context_text("Overview"), Some("```sh\nrm -rf /\n```"));
}

#[test]
fn a_runbook_without_sections_is_a_list_of_steps() {
    let rb = parse("# T\n\nFind the pod.\n\n```sh\n$ kubectl get pods\n```\n").unwrap();
    let s = &rb.steps[0];
    assert_eq!(s.command.as_deref(), Some("kubectl get pods"));
    // Neither Diagnosis nor Mitigation: it always asks before it runs.
    assert_eq!(
        (s.role, s.title.as_str()),
        (StepRole::Other, "Find the pod")
    );
}
