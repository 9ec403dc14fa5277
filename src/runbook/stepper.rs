//! The stepper's state machine: which step is current, what each step did,
//! the values captured from output, and where a step leads. Pure: the
//! console and `oncall runbook run` drive it with what the executor reports.

use std::collections::BTreeMap;

use regex::Regex;

use super::expr;
use crate::model::runbook::{BranchCond, Runbook, Step, StepKind, GOTO_END};
use crate::model::Labels;

pub use super::outcome::{outcome_summary, took};

/// Output lines a step keeps for the screen (older ones scroll away).
pub const OUTPUT_KEEP: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
}

impl StepStatus {
    pub fn word(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
        }
    }

    pub fn parse(word: &str) -> Option<StepStatus> {
        [
            StepStatus::Pending,
            StepStatus::Running,
            StepStatus::Done,
            StepStatus::Failed,
            StepStatus::Skipped,
        ]
        .into_iter()
        .find(|s| s.word() == word)
    }
}

/// What one step did in this run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepRun {
    pub status: Option<StepStatus>,
    pub exit_code: Option<i32>,
    pub duration_ms: Option<u64>,
    /// Output lines as the process wrote them (raw: sanitized when drawn).
    pub output: Vec<String>,
    /// Lines dropped from the front to keep `OUTPUT_KEEP`.
    pub dropped: usize,
    /// One line saying how it ended (`exit 0 after 1.2s`, `timed out`).
    pub summary: Option<String>,
    /// When it started running (for the elapsed time while it runs).
    pub started: Option<chrono::DateTime<chrono::Utc>>,
}

impl StepRun {
    pub fn status(&self) -> StepStatus {
        self.status.unwrap_or(StepStatus::Pending)
    }

    pub fn push_line(&mut self, line: String) {
        // A progress bar rewrites its line with `\r`: what shows is what
        // a terminal would show, the text after the last one.
        let line = match line.rfind('\r') {
            Some(at) if at + 1 < line.len() => line[at + 1..].to_string(),
            _ => line,
        };
        self.output.push(line);
        // Trimmed in chunks: one shift per few hundred lines, not per line.
        if self.output.len() > OUTPUT_KEEP + OUTPUT_KEEP / 4 {
            let extra = self.output.len() - OUTPUT_KEEP;
            self.output.drain(..extra);
            self.dropped += extra;
        }
    }
}

/// Where the runbook goes after a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    Step(usize),
    End,
    /// The engineer picks one of these labelled branches: (label, step index or None for end).
    Choose(Vec<(String, Option<usize>)>),
}

/// Why the stepper went where it went, for the screen and the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// `STAGE == "inference" → inference`, `chose: All stages normal → upstream`.
    pub text: String,
    pub goto: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stepper {
    pub runbook: Runbook,
    /// The alert it runs for: its labels become the steps' environment.
    pub fingerprint: String,
    pub alertname: String,
    pub labels: Labels,
    pub captured: BTreeMap<String, String>,
    pub runs: Vec<StepRun>,
    /// The step to run next; `None` once the runbook is finished.
    pub current: Option<usize>,
    /// Labelled branches offered after the current step, if any.
    pub choice: Option<Vec<(String, Option<usize>)>>,
    /// The last branch taken.
    pub taken: Option<Taken>,
    /// Whether output may be captured from (the demo's stand-in output,
    /// which prints the command, must not decide a branch).
    pub capture_output: bool,
}

impl Stepper {
    pub fn new(
        mut runbook: Runbook,
        fingerprint: &str,
        alertname: &str,
        labels: &Labels,
    ) -> Stepper {
        // A placeholder the alert's labels fill is no reason to do a step by hand.
        runbook.steps = std::mem::take(&mut runbook.steps)
            .into_iter()
            .map(|s| super::placeholder::for_alert(s, labels))
            .collect();
        let n = runbook.steps.len();
        Stepper {
            current: if n == 0 { None } else { Some(0) },
            runbook,
            fingerprint: fingerprint.to_string(),
            alertname: alertname.to_string(),
            labels: labels.clone(),
            captured: BTreeMap::new(),
            runs: vec![StepRun::default(); n],
            choice: None,
            taken: None,
            capture_output: true,
        }
    }

    pub fn step(&self, i: usize) -> Option<&Step> {
        self.runbook.steps.get(i)
    }

    pub fn status(&self, i: usize) -> StepStatus {
        self.runs
            .get(i)
            .map_or(StepStatus::Pending, StepRun::status)
    }

    pub fn running(&self) -> Option<usize> {
        (0..self.runs.len()).find(|&i| self.status(i) == StepStatus::Running)
    }

    pub fn is_finished(&self) -> bool {
        self.current.is_none()
    }

    pub fn start(&mut self, i: usize) {
        if let Some(run) = self.runs.get_mut(i) {
            *run = StepRun {
                status: Some(StepStatus::Running),
                ..StepRun::default()
            };
            self.choice = None;
            // A rerun decides afresh: what an earlier run captured goes.
            if let Some(step) = self.runbook.steps.get(i) {
                for c in &step.capture {
                    self.captured.remove(&c.var);
                }
            }
        }
    }

    pub fn output(&mut self, i: usize, line: String) {
        if let Some(run) = self.runs.get_mut(i) {
            run.push_line(line);
        }
    }

    /// A command ended: captures are read from its output; success moves on
    /// (by the step's branches), failure stays on the step to retry or skip.
    pub fn finish(
        &mut self,
        i: usize,
        ok: bool,
        exit_code: Option<i32>,
        duration_ms: u64,
        summary: String,
    ) -> Option<Taken> {
        let run = self.runs.get_mut(i)?;
        run.status = Some(if ok {
            StepStatus::Done
        } else {
            StepStatus::Failed
        });
        run.exit_code = exit_code;
        run.duration_ms = Some(duration_ms);
        run.summary = Some(summary);
        let text = run.output.join("\n");
        if ok {
            // Only a run that worked says something the branches may trust.
            if self.capture_output {
                self.capture(i, &text);
            }
            self.advance_from(i)
        } else {
            self.current = Some(i);
            self.choice = self.offered(i);
            None
        }
    }

    /// The labelled branches of a step, still offered when it failed: the
    /// way forward the runbook wrote is a choice the engineer may make
    /// anyway (its `when`s are not: a failed run's output decides nothing).
    pub fn offered(&self, i: usize) -> Option<Vec<(String, Option<usize>)>> {
        let step = self.runbook.steps.get(i)?;
        let options: Vec<(String, Option<usize>)> = step
            .next
            .iter()
            .filter_map(|b| match &b.cond {
                BranchCond::Label(l) => Some((l.clone(), self.resolve(&b.goto)?)),
                _ => None,
            })
            .collect();
        (!options.is_empty()).then_some(options)
    }

    /// Marks a step by hand (a manual step, or skipping a command).
    pub fn mark(&mut self, i: usize, status: StepStatus) -> Option<Taken> {
        let run = self.runs.get_mut(i)?;
        run.status = Some(status);
        match status {
            // A skipped step still leads where the runbook says: its jump,
            // or the engineer's choice (`when`s see only earlier captures).
            StepStatus::Done | StepStatus::Skipped => self.advance_from(i),
            StepStatus::Failed => {
                self.current = Some(i);
                self.choice = self.offered(i);
                None
            }
            _ => {
                self.current = Some(i);
                None
            }
        }
    }

    /// The engineer picked branch `n` (0-based) of the offered choice.
    pub fn choose(&mut self, n: usize) -> Option<Taken> {
        let options = self.choice.as_ref()?;
        let (label, goto) = options.get(n)?.clone();
        self.choice = None;
        self.current = goto;
        let taken = Taken {
            text: format!("chose: {label} → {}", self.target_name(goto)),
            goto,
        };
        self.taken = Some(taken.clone());
        Some(taken)
    }

    fn capture(&mut self, i: usize, output: &str) {
        let Some(step) = self.runbook.steps.get(i) else {
            return;
        };
        for c in &step.capture {
            // A bad regex is reported by `oncall check`; here it captures nothing.
            let Ok(re) = Regex::new(&c.regex) else {
                continue;
            };
            if let Some(m) = re.captures(output) {
                let value = m.get(1).or_else(|| m.get(0)).map_or("", |m| m.as_str());
                self.captured
                    .insert(c.var.clone(), value.trim().to_string());
            }
        }
    }

    fn advance_from(&mut self, i: usize) -> Option<Taken> {
        let taken = match self.next_after(i) {
            (Next::Step(n), why) => {
                self.current = Some(n);
                why.map(|text| Taken {
                    text,
                    goto: Some(n),
                })
            }
            (Next::End, why) => {
                self.current = None;
                why.map(|text| Taken { text, goto: None })
            }
            (Next::Choose(options), _) => {
                self.current = Some(i);
                self.choice = Some(options);
                None
            }
        };
        if taken.is_some() {
            self.taken = taken.clone();
        }
        taken
    }

    fn fallthrough(&self, i: usize) -> Option<usize> {
        (i + 1 < self.runbook.steps.len()).then_some(i + 1)
    }

    fn resolve(&self, goto: &str) -> Option<Option<usize>> {
        if goto.eq_ignore_ascii_case(GOTO_END) {
            return Some(None);
        }
        self.runbook.step_index(goto).map(Some)
    }

    pub fn target_name(&self, goto: Option<usize>) -> String {
        goto.and_then(|g| self.step(g))
            .map_or_else(|| GOTO_END.to_string(), |s| s.id.clone())
    }

    /// Where step `i` leads now, and the reason when a branch decided it.
    pub fn next_after(&self, i: usize) -> (Next, Option<String>) {
        let Some(step) = self.step(i) else {
            return (Next::End, None);
        };
        let mut labels = Vec::new();
        for b in &step.next {
            match &b.cond {
                BranchCond::When(e) => {
                    // An expression on a value that was never captured is false.
                    if expr::eval(e, &self.when_vars()).unwrap_or(false) {
                        if let Some(target) = self.resolve(&b.goto) {
                            let why = format!("{e} → {}", self.target_name(target));
                            return (target.map_or(Next::End, Next::Step), Some(why));
                        }
                    }
                }
                BranchCond::Always => {
                    if let Some(target) = self.resolve(&b.goto) {
                        return (target.map_or(Next::End, Next::Step), None);
                    }
                }
                BranchCond::Label(l) => {
                    if let Some(target) = self.resolve(&b.goto) {
                        labels.push((l.clone(), target));
                    }
                }
            }
        }
        if !labels.is_empty() {
            return (Next::Choose(labels), None);
        }
        match self.fallthrough(i) {
            Some(n) => (Next::Step(n), None),
            None => (Next::End, None),
        }
    }

    /// What `when` expressions see: the runbook's `vars:` as the alert
    /// gives them (label, else default), overlaid by captured values.
    pub fn when_vars(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = self
            .runbook
            .vars
            .iter()
            .filter_map(|(name, spec)| {
                let label = spec.label.clone().unwrap_or_else(|| name.to_lowercase());
                let value = self
                    .labels
                    .get(label.as_str())
                    .or(spec.default.as_deref())?;
                Some((name.clone(), value.to_string()))
            })
            .collect();
        out.extend(self.captured.clone());
        out
    }

    /// Moves the current step by hand (running a step out of order is allowed).
    pub fn select(&mut self, i: usize) {
        if i < self.runs.len() {
            self.current = Some(i);
            self.choice = None;
        }
    }

    /// `5 done, 3 failed, 1 skipped, 1 not run`: how a run ended, honestly.
    pub fn tally(&self) -> String {
        let count = |st: StepStatus| {
            (0..self.runs.len())
                .filter(|&i| self.status(i) == st)
                .count()
        };
        let parts = [
            (count(StepStatus::Done), "done"),
            (count(StepStatus::Failed), "failed"),
            (count(StepStatus::Skipped), "skipped"),
            (count(StepStatus::Pending), "not run"),
        ];
        let words: Vec<String> = parts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect();
        words.join(", ")
    }

    pub fn counts(&self) -> (usize, usize) {
        let done = (0..self.runs.len())
            .filter(|&i| {
                matches!(
                    self.status(i),
                    StepStatus::Done | StepStatus::Skipped | StepStatus::Failed
                )
            })
            .count();
        (done, self.runs.len())
    }

    /// Whether the step has a command to run (else it is marked by hand).
    pub fn runnable(&self, i: usize) -> bool {
        self.step(i)
            .is_some_and(|s| s.kind != StepKind::Manual && s.command.is_some())
    }
}
