//! `oncall postmortem INCIDENT_ID`: (re)writes the incident's postmortem
//! draft into the postmortems directory and records it in the journal.
//!
//! Prints the draft's path. A draft edited since oncall wrote it (or a file
//! oncall never wrote) is left alone: the new draft goes beside it as
//! `<ID>-2.md`, and stderr names both files.

use std::process::ExitCode;

use chrono::Utc;

use super::incident::{journal, normalize};
use crate::cli::PostmortemArgs;
use crate::config::Settings;
use crate::sanitize;
use crate::store::drafts;

pub fn run(settings: &Settings, args: &PostmortemArgs) -> ExitCode {
    let mut j = match journal(settings) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let id = normalize(&args.incident_id);
    match drafts::write_and_record(&mut j, &id, settings, &settings.postmortems, Utc::now()) {
        Ok(d) => {
            if !d.unknown_placeholders.is_empty() {
                let which = settings
                    .incidents
                    .postmortem_template
                    .as_ref()
                    .map_or("the default template".into(), |p| p.display().to_string());
                let names: Vec<String> = d
                    .unknown_placeholders
                    .iter()
                    .map(|n| format!("{{{{{n}}}}}"))
                    .collect();
                eprintln!(
                    "oncall: warning: {which} has placeholders oncall does not know, left as written: {}",
                    sanitize::line(&names.join(", "))
                );
            }
            println!("{}", d.path.display());
            if d.beside.is_some() {
                eprintln!("oncall: {}", sanitize::line(&d.said));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("oncall: {}", sanitize::line(&e));
            ExitCode::from(1)
        }
    }
}
