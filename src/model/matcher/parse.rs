//! Reading matchers as Alertmanager's default mode does: both of its
//! parsers (utf8.rs, classic.rs), and its rule for choosing between them.

use super::classic;
use super::types::{Matcher, MatcherError, Term};
use super::utf8::{self, Habits};

/// Parses matchers exactly as Alertmanager's default mode does (since
/// 0.27): the UTF-8 grammar, and the classic parser where that refuses the
/// input or reads it differently. Our one habit on top, amtool's: a term
/// that is a bare word means `alertname=word`. Free text is an error here.
pub fn parse_matchers(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    // Free text is read only to be refused with a word that says so.
    only_matchers(parse_terms(input)?)
}

/// Exactly Alertmanager's default mode, without the bare-word habit.
pub fn parse_matchers_as_alertmanager(input: &str) -> Result<Vec<Matcher>, MatcherError> {
    only_matchers(fallback(input, Habits::default())?)
}

/// Matchers and free-text terms (the `/` filter): a quoted string on its
/// own is text to search for.
pub fn parse_terms(input: &str) -> Result<Vec<Term>, MatcherError> {
    let habits = Habits {
        bare_words: true,
        free_text: true,
        lenient_escapes: false,
    };
    fallback(input, habits)
}

/// Alertmanager's rule for its two parsers: the classic reading wins when
/// both accept (they agree, or Alertmanager warns of a disagreement and uses
/// it), the one that accepts when only one does. When both refuse, the UTF-8
/// parser's error is given, as it knows the column.
fn fallback(input: &str, habits: Habits) -> Result<Vec<Term>, MatcherError> {
    match (utf8::parse(input, habits), classic::parse(input, habits)) {
        (_, Ok(classic)) => Ok(classic),
        (Ok(utf8), Err(_)) => Ok(utf8),
        (Err(e), Err(_)) => Err(next_error(input, habits, e)),
    }
}

/// Both parsers refused the input. When the UTF-8 one stopped at an escape
/// it does not know (`\d`, which the classic parser would keep), the error
/// that matters may be further on: read on past such escapes and give that
/// one; if there is none, the escape is the whole trouble, and the message
/// says why the classic reading does not help.
fn next_error(input: &str, habits: Habits, escape: MatcherError) -> MatcherError {
    if !escape.message.starts_with("unknown escape") {
        return escape;
    }
    let lenient = Habits {
        lenient_escapes: true,
        ..habits
    };
    match utf8::parse(input, lenient) {
        Err(further) => further,
        Ok(_) => MatcherError {
            message: format!(
                "{}; Alertmanager's classic parser, which keeps such a backslash, cannot read the rest of this input",
                escape.message
            ),
            ..escape
        },
    }
}

fn only_matchers(terms: Vec<Term>) -> Result<Vec<Matcher>, MatcherError> {
    terms
        .into_iter()
        .map(|t| match t {
            Term::Matcher(m) => Ok(m),
            Term::Text(text) => Err(MatcherError {
                message: format!("expected a matcher like name=\"value\", found the text {text:?}"),
                column: 1,
            }),
        })
        .collect()
}

/// Alertmanager's parsers one by one, for the conformance tests and for
/// saying how an input was read.
pub mod parsers {
    use super::*;

    /// The UTF-8 grammar alone (Alertmanager's `utf8-strict-mode`).
    pub fn utf8(input: &str) -> Result<Vec<Matcher>, MatcherError> {
        only_matchers(utf8::parse(input, Habits::default())?)
    }

    /// The classic parser alone (Alertmanager's `classic-mode`).
    pub fn classic(input: &str) -> Result<Vec<Matcher>, MatcherError> {
        only_matchers(classic::parse(input, Habits::default())?)
    }

    /// Exactly one matcher with the UTF-8 grammar.
    pub fn utf8_one(input: &str) -> Result<Matcher, MatcherError> {
        exactly_one(utf8(input)?)
    }

    /// One matcher in Alertmanager's default mode: no braces, and the
    /// classic reading of the whole input (it does not split on commas).
    pub fn fallback_one(input: &str) -> Result<Matcher, MatcherError> {
        if input.starts_with('{') || input.ends_with('}') {
            return Err(MatcherError {
                message: format!("unexpected open or close brace: {input}"),
                column: 1,
            });
        }
        match (utf8_one(input), classic::parse_one(input)) {
            (_, Ok(classic)) => Ok(classic),
            (Ok(utf8), Err(_)) => Ok(utf8),
            (Err(e), Err(_)) => Err(e),
        }
    }

    fn exactly_one(mut ms: Vec<Matcher>) -> Result<Matcher, MatcherError> {
        match ms.len() {
            1 => Ok(ms.remove(0)),
            n => Err(MatcherError {
                message: if n == 0 {
                    "no matchers".into()
                } else {
                    format!("expected 1 matcher, found {n}")
                },
                column: 1,
            }),
        }
    }
}
