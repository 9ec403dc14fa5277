//! `oncall postmortem INCIDENT_ID`: (re)writes the incident's postmortem
//! draft into the postmortems directory and records it in the journal.
//!
//! Prints the draft's path. A draft edited since oncall wrote it (or a file
//! oncall never wrote) is left alone: the new draft goes beside it as
//! `<ID>-2.md`, and stderr names both files.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::journal_standin;
use crate::app::Settings;
use crate::cli::PostmortemArgs;
use crate::model::{Event, EventData, EventKind, Incident};
use crate::sanitize;
use crate::store::postmortem::{template, write_draft};
use crate::store::postmortem_md::render;

pub fn run(settings: &Settings, args: &PostmortemArgs) -> ExitCode {
    match write(settings, &args.incident_id, Utc::now()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oncall: {}", sanitize::line(&e));
            ExitCode::from(1)
        }
    }
}

fn find<'a>(incidents: &'a [Incident], id: &str) -> Option<&'a Incident> {
    let id = id.trim();
    incidents
        .iter()
        .find(|i| i.id == id)
        .or_else(|| incidents.iter().find(|i| i.id.eq_ignore_ascii_case(id)))
}

fn write(settings: &Settings, id: &str, now: DateTime<Utc>) -> Result<(), String> {
    let (incidents, problems) = journal_standin::load_incidents(settings)?;
    for p in &problems {
        eprintln!("oncall: warning: {}", sanitize::line(p));
    }
    let Some(incident) = find(&incidents, id) else {
        let dir = settings.incident_dir().unwrap_or_default();
        return Err(format!(
            "no incident {id:?} in {} (each incident is a journal file ID.jsonl there)",
            dir.display()
        ));
    };
    let template = template(settings).map_err(|e| e.to_string())?;
    let rendered = render(incident, &template, now);
    if !rendered.unknown_placeholders.is_empty() {
        let which = settings
            .incidents
            .postmortem_template
            .as_ref()
            .map_or("the default template".into(), |p| p.display().to_string());
        let names: Vec<String> = rendered
            .unknown_placeholders
            .iter()
            .map(|n| format!("{{{{{n}}}}}"))
            .collect();
        eprintln!(
            "oncall: warning: {which} has placeholders oncall does not know, left as written: {}",
            sanitize::line(&names.join(", "))
        );
    }
    let dir =
        std::path::absolute(&settings.postmortems).unwrap_or_else(|_| settings.postmortems.clone());
    let written = write_draft(
        &dir,
        &incident.id,
        incident.postmortem.as_ref(),
        &rendered.text,
    )
    .map_err(|e| e.to_string())?;
    let path = written.path.display().to_string();
    let event = Event::new(
        now,
        settings.author.clone(),
        EventKind::PostmortemWritten,
        format!("postmortem draft written to {path}"),
    )
    .with(EventData {
        path: Some(path.clone()),
        hash: Some(written.hash.clone()),
        ..EventData::default()
    });
    journal_standin::append(settings, &incident.id, &[event]).map_err(|e| {
        format!(
            "the draft was written to {path}, but the journal could not record it ({e}); \
             the next run will treat that file as edited and write beside it"
        )
    })?;
    println!("{path}");
    if let Some(edited) = written.beside {
        eprintln!("oncall: {}", beside_note(&edited, &written.path));
    }
    Ok(())
}

fn beside_note(edited: &Path, new: &Path) -> String {
    format!(
        "{} was edited since oncall wrote it (or oncall never wrote it), so it was left as it is; \
         the new draft is {}",
        edited.display(),
        new.display()
    )
}
