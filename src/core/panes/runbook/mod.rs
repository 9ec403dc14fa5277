//! The runbook stepper: movement picks a step, PgUp/PgDn scroll its
//! output, `y` copies the runbook's link, d/f/s mark the step, Esc goes
//! back to the alerts. Running a step is the global `RunStep`.

pub mod state;
pub mod view;

use super::{done, step};
use crate::core::msg::Effect;
use crate::core::runbook;
use crate::core::state::{Pane, State, StatusLevel};
use crate::core::Action;
use crate::runbook::stepper::StepStatus;

pub fn act(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::PageUp | Action::PageDown => {
            let delta = step(action, state.page_rows).unwrap_or(0);
            runbook::scroll_output(state, delta);
        }
        a if step(a, 1).is_some() => runbook::move_cursor(state, step(a, 1).unwrap_or(0)),
        Action::CopyLink => return Some(copy_link(state)),
        Action::StepDone => return Some(runbook::mark(state, StepStatus::Done)),
        Action::StepFailed => return Some(runbook::mark(state, StepStatus::Failed)),
        Action::StepSkip => return Some(runbook::mark(state, StepStatus::Skipped)),
        Action::Back => state.pane = Pane::Alerts,
        _ => return None,
    }
    done()
}

fn copy_link(state: &mut State) -> Vec<Effect> {
    match state.rb.link.clone() {
        Some(url) if crate::core::act::is_plain_url(&url) => {
            state.say(StatusLevel::Info, format!("copied {url}"));
            vec![Effect::Copy(url)]
        }
        Some(_) => {
            state.say(
                StatusLevel::Error,
                "not copied: the runbook_url is not a plain http(s) URL",
            );
            vec![]
        }
        None => {
            state.say(StatusLevel::Warn, "this alert has no runbook_url to copy");
            vec![]
        }
    }
}
