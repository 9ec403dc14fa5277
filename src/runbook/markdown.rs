//! Markdown runbooks as teams already write them: front matter, an H1
//! title, H2 sections, and fenced shell / PromQL blocks as steps. Nothing is
//! template-expanded: kubectl Go templates in commands pass through as is.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use super::front_matter::{self, FrontMatter};
use super::md_fence::{self, Attrs};
use super::md_html;
use super::md_scan::{self, Block, Fence, ScanError};
pub use super::parse_common::first_sentence;
use super::parse_common::{file_stem, RunbookError};
use super::placeholder;
use super::spec::var_specs;
use crate::model::duration::parse_duration;
use crate::model::runbook::{Format, Runbook, Step, StepKind, StepRole, VarSpec};

/// The context heading of text above the first H2.
pub const PREAMBLE: &str = "Overview";

pub fn parse_markdown(path: &Path, text: &str) -> Result<Runbook, RunbookError> {
    let at = |e: ScanError| RunbookError::new(path, Some(e.line), e.message);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let (fm, body_start) = front_matter::split(&lines).map_err(at)?;
    let timeout = fm_timeout(&fm, &lines[..body_start]).map_err(at)?;
    let blocks = md_scan::scan(&lines[body_start..], body_start + 1).map_err(at)?;

    let vars = var_specs(fm.vars);
    let mut b = Builder {
        timeout,
        vars: vars.clone(),
        ..Builder::default()
    };
    // A runbook without sections is a flat list: its blocks are steps.
    b.section.steps_allowed = !blocks
        .iter()
        .any(|b| matches!(b, Block::Heading { level: 2, .. }));
    b.section.heading = PREAMBLE.into();
    for block in blocks {
        b.block(block).map_err(at)?;
    }
    b.flush_pending();
    b.close_h3();
    b.end_section();

    let stem = file_stem(path);
    Ok(Runbook {
        id: fm.id.map(|t| t.0).unwrap_or_else(|| stem.clone()),
        title: b.title.or(fm.title.map(|t| t.0)).unwrap_or(stem),
        path: path.to_path_buf(),
        format: Format::Markdown,
        alerts: fm.alerts.0,
        vars,
        context: b.context,
        steps: b.steps,
    })
}

fn fm_timeout(fm: &FrontMatter, fm_lines: &[&str]) -> Result<Option<Duration>, ScanError> {
    let Some(t) = &fm.timeout else {
        return Ok(None);
    };
    parse_duration(&t.0).map(Some).map_err(|e| ScanError {
        line: fm_lines
            .iter()
            .position(|l| l.starts_with("timeout:"))
            .map_or(1, |i| i + 1),
        message: format!("front matter: timeout: {e}"),
    })
}

#[derive(Default)]
struct Section {
    heading: String,
    line: usize,
    /// False above the first H2, where code blocks are not steps.
    steps_allowed: bool,
    /// Everything written in it, for context or a manual step.
    text: Vec<String>,
    /// Paragraphs since the heading, the last H3 or the last step.
    pending: Vec<String>,
    h3: Option<String>,
    /// Index in `Builder::steps` of the first step under `h3`.
    h3_first: usize,
    steps: usize,
    /// Prose cut off by an H3 before any step: belongs to no step.
    orphan: Vec<String>,
    /// The last non-blank block was a step's fence.
    after_step: bool,
    /// No step since the last heading: the prose is all the next step's.
    after_heading: bool,
    /// A step since the last heading opened a shell elsewhere (its number
    /// and how): the blocks after it were written for that shell.
    shell: Option<(usize, String)>,
}

#[derive(Default)]
struct Builder {
    timeout: Option<Duration>,
    /// The runbook's `vars:`, which may fill a command's placeholders.
    vars: BTreeMap<String, VarSpec>,
    title: Option<String>,
    context: Vec<(String, String)>,
    steps: Vec<Step>,
    /// Step id -> line, for duplicates.
    ids: HashMap<String, usize>,
    section: Section,
}

impl Builder {
    fn block(&mut self, block: Block) -> Result<(), ScanError> {
        match block {
            Block::Blank => {}
            Block::Heading { level: 1, text, .. } if self.title.is_none() => {
                self.title = Some(text);
            }
            Block::Heading { level, text, line } if level <= 2 => {
                self.flush_pending();
                self.close_h3();
                self.end_section();
                self.section = Section {
                    heading: text,
                    line,
                    steps_allowed: true,
                    ..Section::default()
                };
            }
            Block::Heading { level, text, .. } => {
                let s = &mut self.section;
                s.text.push(format!("{} {text}", "#".repeat(level)));
                self.flush_pending();
                self.close_h3();
                self.section.h3 = Some(text);
                self.section.shell = None;
                self.section.h3_first = self.steps.len();
                self.section.after_heading = true;
                self.section.after_step = false;
            }
            Block::Para { text, .. } => {
                let text = md_html::strip_tags(&text);
                if text.is_empty() {
                    return Ok(());
                }
                let s = &mut self.section;
                s.text.push(text.clone());
                s.pending.push(text);
                s.after_step = false;
            }
            Block::Fence(fence) => self.fence(fence)?,
        }
        Ok(())
    }

    fn fence(&mut self, fence: Fence) -> Result<(), ScanError> {
        let lang = md_fence::language(&fence.info);
        let kind = md_fence::step_kind(&lang).filter(|_| self.section.steps_allowed);
        let content = match kind {
            Some(StepKind::Shell) => md_fence::shell_command(&lang, &fence.body),
            Some(_) => md_fence::query_text(&fence.body).map(|q| (q, None)),
            None => None,
        };
        let attrs = || {
            md_fence::attrs(&fence.info).map_err(|m| ScanError {
                line: fence.line,
                message: format!("code block attributes: {m}"),
            })
        };
        match (kind, content) {
            (Some(kind), Some((command, expected))) => {
                let attrs = attrs()?;
                self.section.text.push(fence.raw.clone());
                let opens = placeholder::opens_shell(&command);
                let (kind, command, why) = match (self.runnable(kind, command), &self.section.shell)
                {
                    ((StepKind::Shell, command, None), Some((n, what))) => {
                        let why = format!(
                            "runs inside the shell step {n} opens (`{what}`): run it there"
                        );
                        (StepKind::Manual, command, Some(why))
                    }
                    (runnable, _) => runnable,
                };
                if let Some(what) = opens {
                    self.section.shell = Some((self.steps.len() + 1, what));
                }
                let open = placeholder::fill(&command, &self.vars).1;
                self.step(kind, Some(command), expected, attrs, fence.line)?;
                if let Some(step) = self.steps.last_mut() {
                    step.manual_why = why;
                    step.placeholders = open;
                }
                self.section.after_step = true;
            }
            (Some(StepKind::Shell), None) if fence.body.iter().any(|l| !l.trim().is_empty()) => {
                // Only comments (`# TODO: command needed`): the reader has
                // this to do by hand, and the prose above it is about it.
                let attrs = attrs()?;
                self.section.text.push(fence.raw.clone());
                let body = fence.body.join("\n");
                self.step(StepKind::Manual, Some(body), None, attrs, fence.line)?;
                if let Some(step) = self.steps.last_mut() {
                    step.manual_why = Some("the runbook gives no command for this step".into());
                }
                self.section.after_step = false;
            }
            _ if self.section.after_step => {
                // Output shown right below a command is what it should print.
                let out = fence.body.join("\n");
                if let Some(step) = self.steps.last_mut() {
                    step.expected = Some(match step.expected.take() {
                        Some(e) => format!("{e}\n{out}"),
                        None => out,
                    });
                }
                self.section.text.push(fence.raw);
                self.section.after_step = false;
            }
            _ => {
                let s = &mut self.section;
                s.text.push(fence.raw.clone());
                s.pending.push(fence.raw);
                s.after_step = false;
            }
        }
        Ok(())
    }

    /// A shell command with its placeholders filled by declared variables,
    /// or, when one is left or it opens an interactive session, a manual
    /// step that shows it and says why.
    fn runnable(&self, kind: StepKind, command: String) -> (StepKind, String, Option<String>) {
        if kind != StepKind::Shell {
            return (kind, command, None);
        }
        let (command, open) = placeholder::fill(&command, &self.vars);
        if !open.is_empty() {
            let names: Vec<String> = open.iter().map(|p| format!("<{p}>")).collect();
            let why = format!("fill in {} by hand, then run it yourself", names.join(", "));
            return (StepKind::Manual, command, Some(why));
        }
        match placeholder::interactive(&command) {
            Some(why) => (StepKind::Manual, command, Some(why)),
            None => (kind, command, None),
        }
    }

    fn step(
        &mut self,
        kind: StepKind,
        command: Option<String>,
        expected: Option<String>,
        attrs: Attrs,
        line: usize,
    ) -> Result<(), ScanError> {
        let id = attrs
            .name
            .unwrap_or_else(|| format!("step-{}", self.steps.len() + 1));
        if let Some(first) = self.ids.insert(id.clone(), line) {
            return Err(ScanError {
                line,
                message: format!("step id {id:?} is already used by the step at line {first}"),
            });
        }
        let s = &mut self.section;
        // Between two steps, the paragraph right above a block introduces
        // it; those before it read the previous step's result.
        if s.steps > 0 && s.pending.len() > 1 && !s.after_heading {
            let own = s.pending.split_off(s.pending.len() - 1);
            self.flush_pending();
            self.section.pending = own;
        }
        let s = &mut self.section;
        let description = s.pending.join("\n\n");
        s.pending.clear();
        let title = first_sentence(&description).unwrap_or_else(|| id.clone());
        s.steps += 1;
        s.after_heading = false;
        self.steps.push(Step {
            id,
            title,
            section: s.heading.clone(),
            role: StepRole::from_heading(&s.heading),
            kind,
            description,
            command,
            expected,
            manual_why: None,
            placeholders: Vec::new(),
            troubleshooting: None,
            confirm: attrs.confirm,
            timeout: attrs.timeout.or(self.timeout),
            capture: Vec::new(),
            next: Vec::new(),
            line,
        });
        Ok(())
    }

    /// An H3 over exactly one step names it; over several (`### AWS EKS`,
    /// then two commands) it is the context each of them is read in.
    fn close_h3(&mut self) {
        let s = &mut self.section;
        let Some(h3) = s.h3.take() else { return };
        let first = s.h3_first.min(self.steps.len());
        let under = &mut self.steps[first..];
        match under {
            [one] => one.title = h3,
            many => {
                for step in many {
                    step.description = if step.description.is_empty() {
                        h3.clone()
                    } else {
                        format!("{h3}: {}", step.description)
                    };
                }
            }
        }
    }

    /// Prose with no step after it: after a step it tells how to read that
    /// step's result, so it joins that step; before any step it is context.
    fn flush_pending(&mut self) {
        let s = &mut self.section;
        if s.pending.is_empty() {
            return;
        }
        let (refs, prose): (Vec<String>, Vec<String>) =
            s.pending.drain(..).partition(|p| md_html::only_links(p));
        s.orphan.extend(refs);
        if prose.is_empty() {
            return;
        }
        let text = prose.join("\n\n");
        // Prose under a heading no step followed belongs to that heading,
        // not to the step before it (`### Purge volume` after a step).
        if s.after_heading {
            let text = match &s.h3 {
                Some(h3) => format!("### {h3}\n\n{text}"),
                None => text,
            };
            s.orphan.push(text);
            return;
        }
        let in_section = s.steps > 0;
        match self.steps.last_mut().filter(|_| in_section) {
            Some(step) if step.description.is_empty() => step.description = text,
            Some(step) => step.description = format!("{}\n\n{text}", step.description),
            None => s.orphan.push(text),
        }
    }

    fn end_section(&mut self) {
        let role = StepRole::from_heading(&self.section.heading);
        if self.section.steps > 0 {
            self.flush_pending();
            let s = std::mem::take(&mut self.section);
            if !s.orphan.is_empty() {
                self.context.push((s.heading, s.orphan.join("\n\n")));
            }
            return;
        }
        let s = std::mem::take(&mut self.section);
        let text = s.text.join("\n\n");
        if text.is_empty() {
            return;
        }
        let is_task = s.steps_allowed && matches!(role, StepRole::Diagnosis | StepRole::Mitigation);
        if !is_task {
            let heading = if s.steps_allowed {
                s.heading
            } else {
                PREAMBLE.into()
            };
            self.context.push((heading, text));
            return;
        }
        let id = format!("step-{}", self.steps.len() + 1);
        if self.ids.insert(id.clone(), s.line).is_some() {
            // A `{name=step-N}` took the number: a manual step still needs
            // an id nobody uses.
            return self.context.push((s.heading, text));
        }
        self.steps.push(Step {
            // Its text may open with an `###` line: the title is its words.
            title: first_sentence(text.trim_start_matches('#').trim_start())
                .unwrap_or_else(|| s.heading.clone()),
            id,
            section: s.heading,
            role,
            kind: StepKind::Manual,
            description: text,
            command: None,
            expected: None,
            manual_why: None,
            placeholders: Vec::new(),
            troubleshooting: None,
            confirm: None,
            timeout: self.timeout,
            capture: Vec::new(),
            next: Vec::new(),
            line: s.line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn titles_are_first_sentences() {
        assert_eq!(
            first_sentence("1. Check the pods. Then more.").as_deref(),
            Some("Check the pods")
        );
        assert_eq!(
            first_sentence("Look at\nthe logs:").as_deref(),
            Some("Look at the logs")
        );
        let long = "a".repeat(100);
        assert_eq!(first_sentence(&long).unwrap().chars().count(), 60);
        assert_eq!(first_sentence(""), None);
    }
}
