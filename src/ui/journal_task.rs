//! The journal's thread: it alone touches the incident files. It runs the
//! console's `JournalOp`s in order, then reads what is new on disk (its own
//! lines and those of other consoles sharing the state dir) and sends it
//! back, so the screen shows only what is already durable.

use std::path::PathBuf;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Settings;
use crate::core::incidents::{JournalOp, JournalReply};
use crate::core::{Msg, StatusLevel};
use crate::model::{Event, EventKind, Incident};
use crate::store::journal::{Declared, Journal};
use crate::store::{postmortem, postmortem_md};

/// How often other consoles' events are looked for.
const TAIL_EVERY: Duration = Duration::from_secs(1);

pub fn spawn(settings: &Settings, tx: UnboundedSender<Msg>) -> Sender<JournalOp> {
    let (ops_tx, ops) = channel::<JournalOp>();
    let settings = settings.clone();
    let send = move |r: JournalReply| tx.send(Msg::Journal(r)).is_ok();
    std::thread::Builder::new()
        .name("journal".into())
        .spawn(move || {
            let Some((dir, drafts)) = dirs(&settings) else {
                send(JournalReply::Failed(
                    "no state directory (set XDG_STATE_HOME or HOME, or --state-dir): incidents cannot be recorded".into(),
                ));
                return;
            };
            let mut journal = loop {
                match Journal::open(&dir) {
                    Ok(j) => break j,
                    Err(e) => {
                        if !send(JournalReply::Failed(e.to_string())) {
                            return;
                        }
                        std::thread::sleep(Duration::from_secs(5));
                    }
                }
            };
            let mut reader_ok = true;
            // The first read is sent even when empty: it says the replay is done.
            let mut first = true;
            loop {
                match journal.read_new() {
                    Ok(read) => {
                        if !reader_ok {
                            reader_ok = true;
                            send(JournalReply::Said(StatusLevel::Info, "the journal can be read again".into()));
                        }
                        let problems = read.problems.iter().map(|p| p.to_string()).collect();
                        if (first || !read.batches.is_empty() || !read.problems.is_empty())
                            && !send(JournalReply::Read { batches: read.batches, problems })
                        {
                            return;
                        }
                        first = false;
                    }
                    Err(e) if reader_ok => {
                        reader_ok = false;
                        send(JournalReply::Failed(e.to_string()));
                    }
                    Err(_) => {}
                }
                let op = match ops.recv_timeout(TAIL_EVERY) {
                    Ok(op) => op,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                let reply = run(&mut journal, op, &settings, &drafts);
                if !send(reply) {
                    return;
                }
            }
        })
        .expect("spawning the journal thread");
    ops_tx
}

/// The journal and drafts directories; the demo keeps its own.
fn dirs(settings: &Settings) -> Option<(PathBuf, PathBuf)> {
    let state = settings.state_dir.as_ref()?;
    if settings.demo {
        let demo = state.join("demo");
        return Some((demo.join("incidents"), demo.join("postmortems")));
    }
    Some((state.join("incidents"), settings.postmortems.clone()))
}

fn run(
    journal: &mut Journal,
    op: JournalOp,
    settings: &Settings,
    drafts: &PathBuf,
) -> JournalReply {
    let result = match op {
        JournalOp::Declare {
            first,
            more,
            unless_linked,
            show,
        } => journal
            .declare(first, &more, &unless_linked)
            .map(|d| match d {
                Declared::New(id) => JournalReply::Declared {
                    id,
                    existed: false,
                    show,
                },
                Declared::Exists(id) => JournalReply::Declared {
                    id,
                    existed: true,
                    show,
                },
            })
            .map_err(|e| e.to_string()),
        JournalOp::Append { incident, events } => journal
            .append(&incident, &events)
            .map(|_| JournalReply::Wrote)
            .map_err(|e| e.to_string()),
        JournalOp::Activity(entries) => journal
            .log_activity(&entries)
            .map(|_| JournalReply::Wrote)
            .map_err(|e| e.to_string()),
        JournalOp::Postmortem { incident } => {
            write_postmortem(journal, &incident, settings, drafts)
        }
    };
    result.unwrap_or_else(JournalReply::Failed)
}

/// Renders the draft from the journal as it is on disk, writes it, and
/// journals where it went.
fn write_postmortem(
    journal: &mut Journal,
    id: &str,
    settings: &Settings,
    drafts: &PathBuf,
) -> Result<JournalReply, String> {
    let (events, _) = journal.load(id).map_err(|e| e.to_string())?;
    let inc =
        Incident::replay(id, events).ok_or_else(|| format!("{id} is not an incident journal"))?;
    let template = match postmortem::template(settings) {
        Ok(t) => t,
        Err(e) => {
            return Ok(JournalReply::Said(
                StatusLevel::Error,
                format!("postmortem not written: {e}"),
            ))
        }
    };
    let rendered = postmortem_md::render(&inc, &template, Utc::now());
    let written = match postmortem::write_draft(drafts, id, inc.postmortem.as_ref(), &rendered.text)
    {
        Ok(w) => w,
        Err(e) => {
            return Ok(JournalReply::Said(
                StatusLevel::Error,
                format!("postmortem not written: {e}"),
            ))
        }
    };
    let path = written.path.display().to_string();
    let text = match &written.beside {
        Some(edited) => format!(
            "postmortem draft written to {path} (left your edited {} alone)",
            edited.display()
        ),
        None => format!("postmortem draft written to {path}"),
    };
    let mut e = Event::new(
        Utc::now(),
        settings.author.clone(),
        EventKind::PostmortemWritten,
        text.clone(),
    );
    e.data.path = Some(path);
    e.data.hash = Some(written.hash);
    journal.append(id, &[e]).map_err(|e| e.to_string())?;
    let mut said = text;
    if !rendered.unknown_placeholders.is_empty() {
        said += &format!(
            " · unknown template placeholders: {}",
            rendered.unknown_placeholders.join(", ")
        );
    }
    Ok(JournalReply::Said(StatusLevel::Info, said))
}
