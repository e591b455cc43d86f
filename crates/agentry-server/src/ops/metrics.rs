//! Prometheus metrics. Every crate records through the `metrics` facade (counters and
//! histograms are atomic updates; nothing waits on IO); the binary installs the recorder and
//! hands its handle to `Ops`. What the database knows (runs by status, the queue) is read at
//! scrape time, at most every `REFRESH`, never on a request's or a run's path.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, Code};

/// How stale the database gauges may be; scrapes in between reuse them.
const REFRESH: Duration = Duration::from_secs(5);

/// The seconds buckets of every latency histogram (5 ms to 5 min).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];
/// The buckets of the writer's rows per commit.
pub const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 1000.0];

/// When the database gauges were last read.
#[derive(Default)]
pub struct DatabaseGauges {
    last: Mutex<Option<Instant>>,
}

impl DatabaseGauges {
    async fn refresh(&self, state: &AppState) {
        {
            let mut last = self.last.lock().expect("gauges lock");
            if last.is_some_and(|t| t.elapsed() < REFRESH) {
                return;
            }
            *last = Some(Instant::now());
        }
        let store = state.engine.store();
        match store.runs_by_status().await {
            Ok(counts) => {
                for (status, n) in counts {
                    metrics::gauge!("agentry_runs", "status" => status).set(n as f64);
                }
            }
            Err(e) => tracing::warn!(error = %e, "metrics: counting runs failed"),
        }
        match store.queue_stats().await {
            Ok(queue) => {
                metrics::gauge!("agentry_queue_depth").set(queue.depth as f64);
                metrics::gauge!("agentry_queue_waiting").set(queue.waiting as f64);
                let age = queue.oldest_enqueued_ms.map_or(0.0, |t| {
                    (agentry_store::queue::now_ms() - t).max(0) as f64 / 1000.0
                });
                metrics::gauge!("agentry_queue_oldest_age_seconds").set(age);
            }
            Err(e) => tracing::warn!(error = %e, "metrics: reading the queue failed"),
        }
    }
}

async fn render(state: &AppState) -> Response {
    let Some(exporter) = state.ops().exporter.as_ref() else {
        return ApiError::new(Code::RouteNotFound, "metrics are off in this process")
            .into_response();
    };
    state.ops().gauges.refresh(state).await;
    let (free, total) = state.engine.worker_slots();
    metrics::gauge!("agentry_worker_slots_free").set(free as f64);
    metrics::gauge!("agentry_worker_slots_total").set(total as f64);
    metrics::gauge!("agentry_runs_in_process").set(state.engine.running() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        exporter.render(),
    )
        .into_response()
}

/// `GET /metrics` on the separate ops listener.
pub async fn scrape(State(state): State<AppState>) -> Response {
    render(&state).await
}

/// `GET /metrics` on the API's port: only with `Authorization: Bearer <metrics.token>`.
pub async fn scrape_with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.ops().token.as_deref() else {
        return ApiError::new(
            Code::RouteNotFound,
            "metrics are served on the metrics listener (metrics.bind), or here with metrics.token set",
        )
        .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        return ApiError::new(Code::InvalidToken, "the metrics token is missing or wrong")
            .into_response();
    }
    render(&state).await
}

/// Counts every request by route pattern (never the raw path: ids would explode the series),
/// method and status, with its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    record(route, method, status, started.elapsed());
    response
}

fn record(route: String, method: String, status: StatusCode, took: Duration) {
    metrics::counter!(
        "agentry_http_requests_total",
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status.as_u16().to_string()
    )
    .increment(1);
    metrics::histogram!("agentry_http_request_duration_seconds", "route" => route, "method" => method)
        .record(took.as_secs_f64());
}
