//! Wires the SLO pane: which SLOs, read from where (the first configured
//! Prometheus, or the demo's numbers), and the task that reads them.

use tokio::sync::{mpsc::UnboundedSender, watch};

use crate::config::Settings;
use crate::core::slo::{SloSource, SloState};
use crate::core::State;
use crate::source::slo_query::{spawn_slo_poller, SliSource, SLO_EVERY_MIN};
use crate::source::{demo_slo, SourceEvent, SourceKind};

/// Sets up `state.slo` and starts reading, unless there is nothing to read.
pub fn start(
    settings: &Settings,
    state: &mut State,
    tx: &UnboundedSender<SourceEvent>,
    refresh_rx: &watch::Receiver<u64>,
) {
    let prometheus = settings
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::Prometheus);
    let (defs, source, reader) = match prometheus {
        _ if settings.demo => (demo_slo::slos(), SloSource::Demo, Some(SliSource::Demo)),
        Some(p) => (
            settings.slos.clone(),
            SloSource::Prometheus(p.name.clone()),
            Some(SliSource::Prometheus(Box::new(p.clone()))),
        ),
        None => (settings.slos.clone(), SloSource::None, None),
    };
    state.slo = SloState::new(defs.clone(), source);
    if let (Some(reader), false) = (reader, defs.is_empty()) {
        let every = settings.refresh.max(SLO_EVERY_MIN);
        spawn_slo_poller(
            reader,
            defs,
            every,
            settings.timeout,
            tx.clone(),
            refresh_rx.clone(),
        );
    }
}
