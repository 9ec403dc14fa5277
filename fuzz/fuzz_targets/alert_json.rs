//! Decoding Alertmanager and Prometheus answers, and turning alerts and
//! silences into the model: no panic on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oncall::source::dto::{AmAlert, AmSilence, PromAlerts, PromResponse, PromRules};
use oncall::source::http::decode;

fuzz_target!(|body: &[u8]| {
    if let Ok(alerts) = decode::<Vec<AmAlert>>(body) {
        for a in alerts {
            let _ = oncall::source::alertmanager::alert(a, "am");
        }
    }
    if let Ok(silences) = decode::<Vec<AmSilence>>(body) {
        for s in silences {
            let _ = oncall::source::alertmanager::silence(s, "am");
        }
    }
    let _ = decode::<PromResponse<PromAlerts>>(body);
    let _ = decode::<PromResponse<PromRules>>(body);
});
