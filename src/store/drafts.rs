//! Writing an incident's postmortem draft and journaling that it was: the
//! one path the console (`p`, resolve), `oncall incident resolve` and
//! `oncall postmortem` share.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::journal::Journal;
use super::{postmortem, postmortem_md};
use crate::config::Settings;
use crate::model::{Event, EventKind, Incident};

/// What happened, in a sentence for the status line or stderr.
pub struct Drafted {
    pub said: String,
    pub path: std::path::PathBuf,
    /// The hand-edited draft that was left alone, when there was one.
    pub beside: Option<std::path::PathBuf>,
    /// Template placeholders nobody knows (left as written).
    pub unknown_placeholders: Vec<String>,
}

/// Renders the draft from the journal as it is on disk, writes it into
/// `dir` (atomic, never over an edited draft) and appends a
/// `postmortem_written` event. Errors are one sentence.
pub fn write_and_record(
    journal: &mut Journal,
    id: &str,
    settings: &Settings,
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<Drafted, String> {
    let (events, _) = journal.load(id).map_err(|e| match e {
        super::JournalError::NoSuchIncident(..) => {
            format!("no incident {id:?} in {}", journal.describe())
        }
        e => e.to_string(),
    })?;
    let inc =
        Incident::replay(id, events).ok_or_else(|| format!("{id} is not an incident journal"))?;
    let template = postmortem::template(settings).map_err(|e| e.to_string())?;
    let rendered = postmortem_md::render(&inc, &template, now);
    // Recorded absolute, so it still resolves from another working directory.
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let written = postmortem::write_draft(&dir, id, inc.postmortem.as_ref(), &rendered.text)
        .map_err(|e| e.to_string())?;
    let path = written.path.display().to_string();
    let said = match &written.beside {
        Some(edited) => format!(
            "{} was edited since oncall wrote it (or oncall never wrote it), so it was left as it is; \
             the new draft is {path}",
            edited.display()
        ),
        None => format!("postmortem draft written to {path}"),
    };
    let mut e = Event::new(
        now,
        settings.author.clone(),
        EventKind::PostmortemWritten,
        said.clone(),
    );
    e.data.path = Some(path);
    e.data.hash = Some(written.hash);
    journal.append(id, &[e]).map_err(|e| {
        format!(
            "the draft was written to {}, but the journal could not record it ({e}); \
             the next run will treat that file as edited and write beside it",
            written.path.display()
        )
    })?;
    Ok(Drafted {
        said,
        path: written.path,
        beside: written.beside,
        unknown_placeholders: rendered.unknown_placeholders,
    })
}
