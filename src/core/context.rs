//! The detail view's context from Prometheus: the alert's expression over a
//! window (with its threshold and the alert's start) and how often it fired
//! in the last day. Asked for when the detail view opens, again each minute
//! while it stays open, and when `w` changes the window; the answers come
//! back as `Msg::Context`. A view that waits shows "loading", never a stall.

use chrono::{DateTime, Utc};

pub use super::context_types::{
    ContextQuery, ContextReply, ContextState, Fires, History, Load, RangeQuery,
};
use super::msg::Effect;
use super::state::State;
use super::Pane;
use crate::model::history::{
    episode_starts, generator_expr, per_hour, pick_series, split_threshold, Window,
};
use crate::model::Alert;
use crate::source::SourceKind;

/// How long an answer is shown before it is asked again.
const FRESH_SECS: i64 = 60;
/// Fires are counted over this many seconds, sampled at the rule's own
/// evaluation interval (an episode cannot be shorter), within what
/// Prometheus allows a range (11,000 points) and a minute.
const FIRES_SECS: i64 = 24 * 3600;
const FIRES_STEP: (i64, i64, i64) = (8, 30, 60);

/// The expression behind an alert: its rule's, else its generatorURL's.
pub fn alert_expr(state: &State, alert: &Alert) -> Option<String> {
    state
        .rule_for(alert)
        .map(|r| r.expr.clone())
        .or_else(|| generator_expr(&alert.generator_url))
}

/// The Prometheus to ask about an alert: the one its generatorURL names
/// (it evaluated the rule) when that one is configured, else the one
/// holding its rule, else the first configured.
fn prometheus_for(state: &State, alert: &Alert) -> Option<String> {
    let gen_host = host(&alert.generator_url);
    proms(state)
        .find(|s| gen_host.is_some() && host(&s.url) == gen_host)
        .or_else(|| proms(state).find(|s| s.rules.iter().any(|r| r.matches(alert))))
        .or_else(|| proms(state).next())
        .map(|s| s.name.clone())
}

fn proms(state: &State) -> impl Iterator<Item = &crate::core::SourceState> {
    state
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Prometheus)
}

/// `host:port` of a URL, lowercased.
fn host(url: &str) -> Option<String> {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?']).next())
        .filter(|h| !h.is_empty())
        .map(str::to_ascii_lowercase)
}

/// What the chart says of its source: `from prom-eu`, and when the
/// alert's generatorURL names a Prometheus that is not configured, that
/// the chart is not from the one that evaluated it.
fn from_words(state: &State, alert: &Alert, prometheus: &str) -> String {
    let used = proms(state).find(|s| s.name == prometheus);
    match host(&alert.generator_url) {
        Some(h) if used.is_some_and(|s| host(&s.url).as_deref() != Some(h.as_str())) => {
            format!("from {prometheus} (its generatorURL names {h}, which is not configured)")
        }
        _ => format!("from {prometheus}"),
    }
}

/// The effect asking for the open alert's context, when it is missing,
/// for another window, or older than a minute.
pub fn wanted(state: &mut State) -> Vec<Effect> {
    if state.pane != Pane::Detail {
        return vec![];
    }
    let Some(alert) = state.detail_alert() else {
        return vec![];
    };
    let window = state.context.as_ref().map(|c| c.window).unwrap_or_default();
    let current = state.context.as_ref().is_some_and(|c| {
        c.fingerprint == alert.fingerprint && (state.now - c.asked_at).num_seconds() < FRESH_SECS
    });
    if current {
        return vec![];
    }
    let query = query_for(state, alert, window);
    let from = query
        .as_ref()
        .ok()
        .map(|q| from_words(state, alert, &q.prometheus));
    let (expr, threshold, fires_step) = match &query {
        Ok(q) => (
            q.history.as_ref().map(|h| h.query.clone()),
            q.threshold,
            q.fires.step,
        ),
        Err(_) => (None, None, 0),
    };
    let (history, fires, effects) = match query {
        Err(reason) => (Load::Failed(reason.clone()), Load::Failed(reason), vec![]),
        Ok(q) => {
            let history = match q.history {
                Some(_) => Load::Loading,
                None => Load::Failed(
                    "no expression to draw: no rule from a configured Prometheus matches \
                     the alert, and its generatorURL names none"
                        .into(),
                ),
            };
            (history, Load::Loading, vec![Effect::QueryContext(q)])
        }
    };
    // An answer being refreshed stays on screen until the new one comes.
    let keep =
        |old: Option<&ContextState>| old.filter(|c| c.fingerprint == alert.fingerprint).cloned();
    let mut ctx = ContextState {
        fingerprint: alert.fingerprint.to_string(),
        window,
        asked_at: state.now,
        expr,
        threshold,
        history,
        fires,
        fires_step,
        from,
    };
    if let Some(old) = keep(state.context.as_ref()) {
        if old.window == window
            && matches!(old.history, Load::Ready(_))
            && ctx.history == Load::Loading
        {
            ctx.history = old.history;
        }
        if matches!(old.fires, Load::Ready(_)) && ctx.fires == Load::Loading {
            ctx.fires = old.fires;
        }
    }
    state.context = Some(ctx);
    effects
}

fn query_for(state: &State, alert: &Alert, window: Window) -> Result<ContextQuery, String> {
    let prometheus = prometheus_for(state, alert).ok_or_else(|| {
        "no Prometheus is configured (--prometheus URL, or prometheus: in the config)".to_string()
    })?;
    let to = state.now.timestamp();
    let split = alert_expr(state, alert).map(|e| split_threshold(&e));
    let threshold = split.as_ref().and_then(|(_, t)| *t);
    let history = split.map(|(expr, _)| RangeQuery {
        query: expr,
        from: to - window.secs(),
        to,
        step: window.step_secs(),
    });
    let step = match state.rule_for(alert).map(|r| r.interval_secs as i64) {
        Some(every) if every > 0 => every.clamp(FIRES_STEP.0, FIRES_STEP.2),
        _ => FIRES_STEP.1,
    };
    let fires = RangeQuery {
        query: format!(
            "ALERTS{{alertname=\"{}\",alertstate=\"firing\"}}",
            escape(alert.alertname())
        ),
        from: to - FIRES_SECS,
        to,
        step,
    };
    Ok(ContextQuery {
        fingerprint: alert.fingerprint.to_string(),
        window,
        prometheus,
        history,
        fires,
        started: alert.starts_at.timestamp(),
        threshold,
    })
}

/// A label value inside a PromQL double-quoted string.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `w` in the detail view: the next window, asked for at once.
pub fn next_window(state: &mut State) {
    if let Some(c) = state.context.as_mut() {
        c.window = c.window.next();
        c.history = Load::Loading;
    }
    expire(state);
}

/// Ask again at the next chance (Ctrl-r, a new window).
pub fn expire(state: &mut State) {
    if let Some(c) = state.context.as_mut() {
        c.asked_at = DateTime::<Utc>::MIN_UTC;
    }
}

/// Prometheus answered: keep the alert's own series.
pub fn answered(state: &mut State, reply: ContextReply) {
    let Some(alert) = state.detail_alert() else {
        return;
    };
    let labels = alert.labels.clone();
    let Some(ctx) = state.context.as_mut() else {
        return;
    };
    if ctx.fingerprint != reply.fingerprint {
        return; // an answer to a question no longer asked
    }
    let to = ctx.asked_at.timestamp();
    if let (Some(history), true) = (reply.history, ctx.window == reply.window) {
        ctx.history = match history {
            Err(e) => Load::Failed(e),
            Ok(series) => match pick_series(&series, &labels) {
                None if series.is_empty() => {
                    Load::Failed("the expression returned no data over the window".into())
                }
                None => Load::Failed(format!(
                    "none of the expression's {} series has the alert's labels",
                    series.len()
                )),
                Some(s) => Load::Ready(History {
                    from: to - reply.window.secs(),
                    to,
                    points: s.points.clone(),
                }),
            },
        };
    }
    ctx.fires = match reply.fires {
        Err(e) => Load::Failed(e),
        Ok(series) => {
            let starts: Vec<i64> = series
                .iter()
                .filter(|s| pick_series(std::slice::from_ref(*s), &labels).is_some())
                .flat_map(|s| episode_starts(&s.points, ctx.fires_step, to - FIRES_SECS))
                .collect();
            Load::Ready(Fires {
                hours: per_hour(&starts, to),
            })
        }
    };
}
