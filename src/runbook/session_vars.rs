//! What the run's shell session gives a step: the variables earlier steps
//! set, said before the step runs (the session file itself is not read:
//! the runbook's commands say what they set).

/// Where a variable a step names but neither labels nor `vars:` give
/// comes from in the run's session: the first other step whose command
/// sets it, and whether that step has run (then the session holds it).
/// `in_order`: as if the steps before `step` ran (a dry run).
pub fn from_session(
    s: &super::stepper::Stepper,
    step: usize,
    name: &str,
    in_order: bool,
) -> Option<String> {
    use super::stepper::StepStatus;
    let (j, _) = s.runbook.steps.iter().enumerate().find(|(j, st)| {
        *j != step
            && st.command.as_deref().is_some_and(|c| {
                super::command_text::self_provided(c)
                    .iter()
                    .any(|n| n == name)
            })
    })?;
    Some(match s.status(j) {
        _ if in_order && j < step => format!("{name}: from the session (step {} sets it)", j + 1),
        StepStatus::Done | StepStatus::Failed => {
            format!("{name}: from the session (step {} sets it)", j + 1)
        }
        _ => format!(
            "{name}: set by step {}, which has not run: unset until it does",
            j + 1
        ),
    })
}
