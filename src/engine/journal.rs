//! The journal's thread: it alone touches the incident files. It runs the
//! console's `JournalOp`s in order, then reads what is new on disk (its own
//! lines and those of other consoles sharing the state dir) and sends it
//! back, so the screen shows only what is already durable.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use crate::config::Settings;
use crate::core::incidents::{JournalOp, JournalReply};
use crate::core::{Msg, StatusLevel};
use crate::store::drafts;
use crate::store::journal::{Declared, Journal};

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
                match Journal::for_settings(&settings, &dir) {
                    Ok(j) => break j,
                    Err(e) => {
                        if !send(JournalReply::Failed(e.to_string())) {
                            return;
                        }
                        std::thread::sleep(Duration::from_secs(5));
                    }
                }
            };
            // The team store's outbox: what waits from a previous run is
            // said at once, and sent as soon as the store answers.
            let mut outbox = if journal.is_shared() {
                settings
                    .state_dir
                    .as_deref()
                    .and_then(|d| crate::store::outbox::Outbox::open(d).ok())
            } else {
                None
            };
            if let Some(ob) = outbox.as_ref().filter(|o| !o.is_empty()) {
                send(JournalReply::Pending(ob.len()));
            }
            let mut reader_ok = true;
            // Whether the failure said last was a read's (a write's stays
            // until a write works).
            let mut read_failed_last = false;
            // The first read is sent even when empty: it says the replay is done.
            let mut first = true;
            loop {
                if let Some(ob) = outbox.as_mut().filter(|o| !o.is_empty()) {
                    super::journal_outbox::flush(&mut journal, ob, &send);
                }
                let read = if journal.wants_read() || !reader_ok {
                    journal.read_new()
                } else {
                    Ok(Default::default())
                };
                match read {
                    Ok(read) => {
                        if !reader_ok {
                            reader_ok = true;
                            if read_failed_last {
                                read_failed_last = false;
                                send(JournalReply::Readable);
                            } else {
                                send(JournalReply::Said(StatusLevel::Info, "the journal can be read again".into()));
                            }
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
                        read_failed_last = true;
                        send(JournalReply::Failed(e.to_string()));
                    }
                    Err(_) => {}
                }
                let op = match ops.recv_timeout(journal.tail_every()) {
                    Ok(op) => op,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                let reply = match outbox.as_mut() {
                    Some(ob) => match super::journal_outbox::write(&mut journal, ob, op.clone(), &send) {
                        Some(reply) => reply,
                        None => run(&mut journal, op, &settings, &drafts),
                    },
                    None => run(&mut journal, op, &settings, &drafts),
                };
                if matches!(reply, JournalReply::Failed(_)) {
                    read_failed_last = false;
                }
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

fn run(journal: &mut Journal, op: JournalOp, settings: &Settings, drafts: &Path) -> JournalReply {
    let result = match op {
        JournalOp::Declare {
            first,
            more,
            unless_linked,
            show,
        } => journal
            .declare(*first, &more, &unless_linked)
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

fn write_postmortem(
    journal: &mut Journal,
    id: &str,
    settings: &Settings,
    drafts: &Path,
) -> Result<JournalReply, String> {
    Ok(
        match drafts::write_and_record(journal, id, settings, drafts, Utc::now()) {
            Ok(d) if d.unknown_placeholders.is_empty() => {
                JournalReply::Said(StatusLevel::Info, d.said)
            }
            Ok(d) => JournalReply::Said(
                StatusLevel::Warn,
                format!(
                    "{} · unknown template placeholders: {}",
                    d.said,
                    d.unknown_placeholders.join(", ")
                ),
            ),
            Err(e) => {
                JournalReply::Said(StatusLevel::Error, format!("postmortem not written: {e}"))
            }
        },
    )
}
