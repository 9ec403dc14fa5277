//! Asks Prometheus for the detail view's context off the UI task: the
//! history range and the fire counts in parallel, each with the sources'
//! timeout. The answer comes back as `Msg::Context`; the demo answers from
//! its own story without a network.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::config::Settings;
use crate::core::context::{ContextQuery, ContextReply, RangeQuery};
use crate::core::Msg;
use crate::model::history::Series;
use crate::source::{prom_range, SourceSpec};

pub fn spawn(query: ContextQuery, settings: &Settings, tx: UnboundedSender<Msg>) {
    if settings.demo {
        let _ = tx.send(Msg::Context(demo(query)));
        return;
    }
    let spec = settings
        .sources
        .iter()
        .find(|s| s.name == query.prometheus)
        .cloned();
    let timeout = settings.timeout;
    tokio::spawn(async move {
        let reply = ask(spec, timeout, query).await;
        let _ = tx.send(Msg::Context(reply));
    });
}

/// Both questions of one query, answered or failed in words.
pub async fn ask(spec: Option<SourceSpec>, timeout: Duration, query: ContextQuery) -> ContextReply {
    let Some(spec) = spec else {
        let gone = Err(format!("{} is not configured", query.prometheus));
        return ContextReply {
            fingerprint: query.fingerprint,
            window: query.window,
            history: query.history.map(|_| gone.clone()),
            fires: gone,
        };
    };
    let run = |q: RangeQuery| {
        let spec = spec.clone();
        async move {
            prom_range::range(&spec, timeout, &q.query, q.from, q.to, q.step)
                .await
                .map_err(|e| format!("{}: {e}", spec.name))
        }
    };
    let history = async {
        match query.history.clone() {
            Some(q) => Some(run(q).await),
            None => None,
        }
    };
    let (history, fires): (Option<Result<Vec<Series>, String>>, _) =
        tokio::join!(history, run(query.fires.clone()));
    ContextReply {
        fingerprint: query.fingerprint,
        window: query.window,
        history,
        fires,
    }
}

/// The demo's answer, from its story.
fn demo(q: ContextQuery) -> ContextReply {
    use crate::source::demo_history::{fires, history};
    let f = &q.fires;
    ContextReply {
        history: q
            .history
            .as_ref()
            .map(|h| Ok(vec![history(q.threshold, q.started, h.from, h.to, h.step)])),
        fires: Ok(vec![fires(&q.fingerprint, q.started, f.from, f.to, f.step)]),
        fingerprint: q.fingerprint,
        window: q.window,
    }
}
