//! The source tasks: a poller per configured source, or the demo's
//! scenario in their place (an ordinary source to everything above it),
//! and the one task that turns their events into `Msg`s.

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use crate::config::Settings;
use crate::core::Msg;
use crate::model::Silence;
use crate::source::{demo, demo_writes, spawn_poller, SourceEvent, SourceKind};

pub fn msg_of(ev: SourceEvent) -> Msg {
    match ev {
        SourceEvent::Polled {
            source, at, result, ..
        } => Msg::Polled { source, at, result },
        SourceEvent::SloRead(r) => Msg::SloRead(r),
    }
}

pub fn start(
    settings: &Settings,
    tx: &mpsc::UnboundedSender<SourceEvent>,
    refresh_rx: &watch::Receiver<u64>,
    demo_silences: &watch::Receiver<Vec<Silence>>,
    started: DateTime<Utc>,
) {
    for (i, spec) in settings.sources.iter().enumerate() {
        if spec.kind == SourceKind::Demo || settings.demo {
            let (tx, mut refresh, silences) =
                (tx.clone(), refresh_rx.clone(), demo_silences.clone());
            let am = spec.kind == SourceKind::Alertmanager;
            let name = spec.name.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(demo::DEMO_REFRESH);
                loop {
                    tokio::select! {
                        _ = every.tick() => {}
                        _ = refresh.changed() => {}
                    }
                    let now = Utc::now();
                    let mut snap = demo::snapshot(i, started, now);
                    if am {
                        demo_writes::overlay(&mut snap, &silences.borrow(), &name, now);
                    }
                    let polled = SourceEvent::Polled {
                        source: i,
                        at: now,
                        result: Ok(snap),
                        took: std::time::Duration::ZERO,
                    };
                    if tx.send(polled).is_err() {
                        break;
                    }
                }
            });
        } else {
            spawn_poller(
                spec.clone(),
                i,
                settings.refresh,
                settings.timeout,
                tx.clone(),
                refresh_rx.clone(),
            );
        }
    }
}
