//! The process's metrics recorder: every `metrics::counter!`/`histogram!` of every crate lands
//! here, and `GET /metrics` renders it in Prometheus' text format. Latency histograms get
//! fixed buckets (5 ms to 5 min), the writer's batch sizes their own.

use agentry_server::ops::metrics::{BATCH_BUCKETS, LATENCY_BUCKETS};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Installs the recorder (once per process) and returns its handle; `None` when one is
/// installed already or the buckets are refused (metrics are then off, the server runs).
pub fn install() -> Option<PrometheusHandle> {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("_rows".into()), BATCH_BUCKETS));
    let recorder = match builder {
        Ok(b) => b.build_recorder(),
        Err(e) => {
            tracing::warn!(error = %e, "metrics are off");
            return None;
        }
    };
    let handle = recorder.handle();
    match metrics::set_global_recorder(recorder) {
        Ok(()) => Some(handle),
        Err(e) => {
            tracing::warn!(error = %e, "metrics are off: a recorder is installed already");
            None
        }
    }
}
