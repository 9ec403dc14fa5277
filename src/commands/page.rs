//! `oncall page test NOTIFIER [--to TARGET]`: one labelled test page
//! through a configured notifier, with its retries, and what happened.

use std::process::ExitCode;

use chrono::Utc;

use crate::cli::PageTestArgs;
use crate::config::Settings;
use crate::model::Labels;
use crate::notify::{deliver, Notification};
use crate::sanitize;

pub async fn test(settings: &Settings, args: &PageTestArgs) -> ExitCode {
    let Some(n) = settings.notifiers.iter().find(|n| n.name == args.notifier) else {
        let known: Vec<&str> = settings.notifiers.iter().map(|n| n.name.as_str()).collect();
        eprintln!(
            "oncall: no notifier {:?} in the config (notifiers: {})",
            sanitize::line(&args.notifier),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        return ExitCode::from(1);
    };
    let target = args.to.clone().unwrap_or_else(|| "test".into());
    let labels: Labels = [("alertname", "OncallTestPage"), ("severity", "info")]
        .iter()
        .map(|&(k, v)| (k.into(), v.into()))
        .collect();
    let note = Notification {
        policy: "test".into(),
        level: 0,
        targets: vec![target.clone()],
        alertname: "OncallTestPage".into(),
        group: "OncallTestPage".into(),
        labels,
        summary: format!("A test page from oncall for {target}: no alert is firing, nothing to do"),
        console: format!("{} (oncall page test)", settings.author),
        time: Utc::now(),
        incident: None,
    };
    match deliver(n, &note).await {
        Ok(attempts) => {
            println!(
                "test page delivered through {} to {} ({} attempt{})",
                n.label(),
                sanitize::line(&target),
                attempts,
                if attempts == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("oncall: test page NOT delivered: {}", sanitize::line(&e));
            ExitCode::from(1)
        }
    }
}
