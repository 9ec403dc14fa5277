//! The journal thread, played in memory for pure `update()` tests: it
//! numbers events and hands them back the way the journal thread does.

use oncall::core::incidents::{JournalOp, JournalReply};
use oncall::core::{update, Effect, Msg, State};
use oncall::model::Event;

#[derive(Default)]
pub struct Disk {
    pub incidents: Vec<(String, Vec<Event>)>,
    pub next: usize,
}

impl Disk {
    /// Runs the journal effects and feeds the answers back into `update`.
    pub fn run(&mut self, s: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
        let mut rest = Vec::new();
        for e in effects {
            let Effect::Journal(op) = e else {
                rest.push(e);
                continue;
            };
            let mut batches = Vec::new();
            let mut replies = Vec::new();
            match op {
                JournalOp::Declare {
                    first, more, show, ..
                } => {
                    let id = format!("INC-20261122-{:03}", self.incidents.len() + 1);
                    let events = self.number(std::iter::once(*first).chain(more).collect());
                    self.incidents.push((id.clone(), events.clone()));
                    batches.push((id.clone(), events));
                    replies.push(JournalReply::Declared {
                        id,
                        existed: false,
                        show,
                    });
                }
                JournalOp::Append { incident, events } => {
                    let events = self.number(events);
                    let slot = self
                        .incidents
                        .iter_mut()
                        .find(|(i, _)| *i == incident)
                        .unwrap();
                    slot.1.extend(events.clone());
                    batches.push((incident, events));
                }
                JournalOp::Postmortem { incident } => {
                    replies.push(JournalReply::Said(
                        oncall::core::StatusLevel::Info,
                        format!("postmortem of {incident}"),
                    ));
                }
                JournalOp::Activity(_) => {}
            }
            rest.extend(update(
                s,
                Msg::Journal(JournalReply::Read {
                    batches,
                    problems: vec![],
                }),
            ));
            for r in replies {
                rest.extend(update(s, Msg::Journal(r)));
            }
        }
        rest
    }

    fn number(&mut self, events: Vec<Event>) -> Vec<Event> {
        events
            .into_iter()
            .map(|mut e| {
                self.next += 1;
                e.id = format!("e{}", self.next);
                e
            })
            .collect()
    }

    pub fn events(&self, id: &str) -> &[Event] {
        &self.incidents.iter().find(|(i, _)| i == id).unwrap().1
    }
}
