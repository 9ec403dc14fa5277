//! The silence form: matchers prefilled from an alert or group (each kept or
//! dropped, each editable), an end, a comment, an author and the clusters
//! to write to. Pure: the preview of matched alerts is recomputed here.

mod keys;
pub mod view;

use chrono::{DateTime, Utc};

pub use keys::{form_edit, form_key};

use crate::model::duration::parse_until;
use crate::model::matcher::{escape_regex, unescape_regex};
use crate::model::{parse_matchers, Alert, MatchOp, Matcher, SilenceDraft};

#[derive(Clone, Debug, PartialEq)]
pub struct FormMatcher {
    pub matcher: Matcher,
    pub keep: bool,
}

/// One focusable line of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Matcher(usize),
    AddMatcher,
    Until,
    Comment,
    Author,
    Cluster(usize),
    Submit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SilenceForm {
    /// Set when editing an existing silence (re-posted with its id).
    pub id: Option<String>,
    /// Kept when editing an active silence, so Alertmanager updates it in place.
    pub starts_at: Option<DateTime<Utc>>,
    pub matchers: Vec<FormMatcher>,
    /// A duration (`2h`) or an end time (`2026-11-22 18:00`, `18:00`, RFC 3339).
    pub until: String,
    pub comment: String,
    pub author: String,
    pub require_comment: bool,
    /// (cluster name, selected)
    pub clusters: Vec<(String, bool)>,
    pub focus: usize,
    /// The text being edited in the focused field, when editing.
    pub editing: Option<String>,
    pub error: Option<String>,
    /// Indices into `State::alerts` of the alerts the kept matchers select.
    pub matched: Vec<usize>,
    /// Waiting for Alertmanager's answer.
    pub submitting: bool,
    /// Changed since it opened: Esc asks twice before throwing it away.
    pub touched: bool,
    pub discard_armed: bool,
    /// Fingerprints of the alerts the form was opened for (empty when it
    /// was opened on nothing, or to edit a silence).
    pub chosen: Vec<String>,
    /// Of `matched`, the alerts the form was not opened for.
    pub besides: Vec<usize>,
    /// Their fingerprints, as last named to the user.
    pub besides_named: Vec<String>,
    /// The user was told which other alerts the matchers select, and a
    /// second Enter sends it anyway; any change asks again.
    pub besides_confirmed: bool,
}

impl SilenceForm {
    pub fn new(
        matchers: Vec<Matcher>,
        until: String,
        author: String,
        require_comment: bool,
        clusters: Vec<(String, bool)>,
    ) -> SilenceForm {
        SilenceForm {
            id: None,
            starts_at: None,
            matchers: matchers
                .into_iter()
                .map(|matcher| FormMatcher {
                    matcher,
                    keep: true,
                })
                .collect(),
            until,
            comment: String::new(),
            author,
            require_comment,
            clusters,
            focus: 0,
            editing: None,
            error: None,
            matched: Vec::new(),
            submitting: false,
            touched: false,
            discard_armed: false,
            chosen: Vec::new(),
            besides: Vec::new(),
            besides_named: Vec::new(),
            besides_confirmed: false,
        }
    }

    pub fn fields(&self) -> Vec<Field> {
        let mut f: Vec<Field> = (0..self.matchers.len()).map(Field::Matcher).collect();
        f.extend([
            Field::AddMatcher,
            Field::Until,
            Field::Comment,
            Field::Author,
        ]);
        f.extend((0..self.clusters.len()).map(Field::Cluster));
        f.push(Field::Submit);
        f
    }

    pub fn focused(&self) -> Field {
        let fields = self.fields();
        fields[self.focus.min(fields.len() - 1)]
    }

    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields().len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    pub fn kept(&self) -> Vec<Matcher> {
        self.matchers
            .iter()
            .filter(|m| m.keep)
            .map(|m| m.matcher.clone())
            .collect()
    }

    /// Space: keep/drop a matcher, select/unselect a cluster.
    pub fn toggle(&mut self) {
        match self.focused() {
            Field::Matcher(i) => self.matchers[i].keep = !self.matchers[i].keep,
            Field::Cluster(i) => self.clusters[i].1 = !self.clusters[i].1,
            _ => {}
        }
    }

    /// `o`: the next operator of `=`, `!=`, `=~`, `!~`.
    pub fn cycle_op(&mut self) -> Result<(), String> {
        let Field::Matcher(i) = self.focused() else {
            return Ok(());
        };
        let m = &self.matchers[i].matcher;
        let op = match m.op {
            MatchOp::Eq => MatchOp::Ne,
            MatchOp::Ne => MatchOp::Re,
            MatchOp::Re => MatchOp::NotRe,
            MatchOp::NotRe => MatchOp::Eq,
        };
        // The value keeps meaning the same text: escaped going to a regex,
        // unescaped coming back (when it is a plain escaped literal).
        let value = match (m.op.is_regex(), op.is_regex()) {
            (false, true) => escape_regex(&m.value),
            (true, false) => unescape_regex(&m.value).unwrap_or_else(|| m.value.clone()),
            _ => m.value.clone(),
        };
        let next = Matcher::new(&m.name, op, &value).map_err(|e| e.to_string())?;
        self.matchers[i].matcher = next;
        Ok(())
    }

    pub fn delete(&mut self) {
        if let Field::Matcher(i) = self.focused() {
            self.matchers.remove(i);
        }
    }

    /// Enter on a text field: start editing it with its current text.
    pub fn start_edit(&mut self) {
        let text = match self.focused() {
            Field::Matcher(i) => self.matchers[i].matcher.to_string(),
            Field::AddMatcher => String::new(),
            Field::Until => self.until.clone(),
            Field::Comment => self.comment.clone(),
            Field::Author => self.author.clone(),
            Field::Cluster(_) | Field::Submit => return,
        };
        self.editing = Some(text);
        self.error = None;
    }

    /// Enter while editing: store the text in the field, or say why not.
    pub fn commit_edit(&mut self) -> Result<(), String> {
        let Some(text) = self.editing.clone() else {
            return Ok(());
        };
        match self.focused() {
            field @ (Field::Matcher(_) | Field::AddMatcher) => {
                let m = one_matcher(&text)?;
                if let Field::Matcher(i) = field {
                    self.matchers[i].matcher = m;
                } else {
                    self.matchers.push(FormMatcher {
                        matcher: m,
                        keep: true,
                    });
                    // Focus stays on "add", now one line further down.
                    self.focus += 1;
                }
            }
            Field::Until => self.until = text.trim().to_string(),
            Field::Comment => self.comment = text.trim().to_string(),
            Field::Author => self.author = text.trim().to_string(),
            Field::Cluster(_) | Field::Submit => {}
        }
        self.editing = None;
        Ok(())
    }

    /// The silence to send, or the first thing the user must fix.
    pub fn draft(&self, now: DateTime<Utc>) -> Result<SilenceDraft, String> {
        let matchers = self.kept();
        if matchers.is_empty() {
            return Err("keep at least one matcher".into());
        }
        let empty = crate::model::Labels::new();
        if matchers.iter().all(|m| m.matches(&empty)) {
            return Err(
                "at least one matcher must not match the empty string (it would silence everything)"
                    .into(),
            );
        }
        let ends_at = parse_until(&self.until, now).map_err(|e| format!("ends: {e}"))?;
        if self.require_comment && self.comment.trim().is_empty() {
            return Err("a comment is required: say why (silences.require_comment)".into());
        }
        if self.author.trim().is_empty() {
            return Err("author is empty".into());
        }
        if !self.clusters.iter().any(|c| c.1) {
            return Err("select at least one cluster".into());
        }
        let starts_at = self.starts_at.filter(|s| *s <= now).unwrap_or(now);
        if ends_at <= starts_at {
            return Err("the end is before the start".into());
        }
        Ok(SilenceDraft {
            id: self.id.clone(),
            matchers,
            starts_at,
            ends_at,
            created_by: self.author.trim().to_string(),
            comment: self.comment.trim().to_string(),
        })
    }

    /// Recomputes which alerts the kept matchers select.
    pub fn preview(&mut self, alerts: &[Alert]) {
        let kept = self.kept();
        self.matched = if kept.is_empty() {
            Vec::new()
        } else {
            (0..alerts.len())
                .filter(|&i| kept.iter().all(|m| m.matches(&alerts[i].labels)))
                .collect()
        };
        let besides: Vec<usize> = if self.chosen.is_empty() {
            Vec::new()
        } else {
            self.matched
                .iter()
                .copied()
                .filter(|&i| {
                    !self
                        .chosen
                        .iter()
                        .any(|f| *f == alerts[i].fingerprint.as_str())
                })
                .collect()
        };
        // The confirmation holds for these alerts, not these positions: a
        // poll may put another alert where a named one was.
        let same = besides.len() == self.besides.len()
            && besides
                .iter()
                .zip(&self.besides_named)
                .all(|(&i, fp)| alerts[i].fingerprint.as_str() == fp);
        if !same {
            self.besides_confirmed = false;
        }
        self.besides_named = besides
            .iter()
            .map(|&i| alerts[i].fingerprint.to_string())
            .collect();
        self.besides = besides;
    }
}

fn one_matcher(text: &str) -> Result<Matcher, String> {
    let text = text.trim();
    if !text.contains(['=', '!', '~']) {
        return Err("write a matcher as name=value (or !=, =~, !~)".into());
    }
    let mut ms = parse_matchers(text).map_err(|e| e.to_string())?;
    match ms.len() {
        1 => Ok(ms.remove(0)),
        _ => Err("one matcher per line".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlertState, Labels};
    use chrono::TimeZone;

    fn form() -> SilenceForm {
        let m = |n: &str, v: &str| Matcher::literal(n, MatchOp::Eq, v);
        SilenceForm::new(
            vec![m("alertname", "X"), m("instance", "a:1")],
            "2h".into(),
            "alice".into(),
            true,
            vec![("eu".into(), true)],
        )
    }

    #[test]
    fn fields_edit_toggle_and_validate() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        let mut f = form();
        assert_eq!(
            f.draft(now).unwrap_err(),
            "a comment is required: say why (silences.require_comment)"
        );
        f.focus = 1;
        f.toggle();
        f.focus = f
            .fields()
            .iter()
            .position(|x| *x == Field::Comment)
            .unwrap();
        f.start_edit();
        f.editing = Some("db failover".into());
        f.commit_edit().unwrap();
        let d = f.draft(now).unwrap();
        assert_eq!(d.matchers.len(), 1, "the dropped matcher is not sent");
        assert_eq!(d.ends_at, now + chrono::Duration::hours(2));
        assert_eq!(d.comment, "db failover");

        f.focus = 0;
        f.cycle_op().unwrap();
        assert_eq!(f.matchers[0].matcher.op, MatchOp::Ne);
        f.cycle_op().unwrap();
        assert_eq!(f.matchers[0].matcher.to_string(), r#"alertname=~"X""#);
        // A full round gives back the value it started with.
        f.focus = 1;
        for _ in 0..8 {
            f.cycle_op().unwrap();
        }
        assert_eq!(f.matchers[1].matcher.to_string(), r#"instance="a:1""#);
        f.matchers[1].matcher = Matcher::literal("instance", MatchOp::Eq, "gpu-node-07.x");
        f.cycle_op().unwrap();
        f.cycle_op().unwrap();
        assert_eq!(f.matchers[1].matcher.value, r"gpu-node-07\.x");
        f.cycle_op().unwrap();
        f.cycle_op().unwrap();
        assert_eq!(f.matchers[1].matcher.value, "gpu-node-07.x");

        f.focus = f
            .fields()
            .iter()
            .position(|x| *x == Field::AddMatcher)
            .unwrap();
        f.start_edit();
        f.editing = Some("job".into());
        assert!(f.commit_edit().is_err());
        f.editing = Some(r#"job="api""#.into());
        f.commit_edit().unwrap();
        assert_eq!(f.matchers.len(), 3);
        assert_eq!(f.focused(), Field::AddMatcher);
    }

    #[test]
    fn preview_lists_what_the_kept_matchers_select() {
        let labels = |v: &str| -> Labels {
            [("alertname", "X"), ("instance", v)]
                .iter()
                .map(|&(k, v)| (k.into(), v.into()))
                .collect()
        };
        let alerts = vec![
            Alert::new(labels("a:1"), AlertState::Firing, Utc::now()),
            Alert::new(labels("b:1"), AlertState::Firing, Utc::now()),
        ];
        let mut f = form();
        f.preview(&alerts);
        assert_eq!(f.matched, vec![0]);
        f.focus = 1;
        f.toggle();
        f.preview(&alerts);
        assert_eq!(f.matched, vec![0, 1]);
    }
}
