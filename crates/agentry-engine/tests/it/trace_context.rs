//! Traces across the queue: a run enqueued inside a request's span by an API-only engine and
//! claimed by a worker engine (another process in production) is part of the request's trace,
//! its run span a child of the request span; without tracing nothing is stored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentry_core::ExecutionStatus;
use agentry_engine::{Config, Engine};
use agentry_store::{DEFAULT_USER_ID, Store};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::support::*;

/// Keeps every finished span in memory.
#[derive(Debug, Clone, Default)]
struct Finished(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Finished {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.0.lock().unwrap().extend(batch);
        Ok(())
    }
}

fn config(worker_concurrency: usize) -> Config {
    Config {
        worker_concurrency,
        lease: Duration::from_millis(600),
        poll_interval: Duration::from_millis(50),
        ..Config::default()
    }
}

#[tokio::test]
async fn a_run_claimed_from_the_queue_continues_the_request_trace() {
    let finished = Finished::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(finished.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    // A current-thread runtime: the engines' tasks see this subscriber too.
    let _default = tracing::subscriber::set_default(subscriber);

    let api = engine_with(agentry_blocks::registry(), config(0)).await;
    let g = graph(
        &[
            (
                "add",
                CALCULATOR,
                json!({"operation": "Add", "a": 40, "b": 2}),
            ),
            ("out", OUTPUT, json!({"name": "sum"})),
        ],
        &[("add", "result", "out", "value")],
    );
    agentry_engine::graphs::import(
        &api.store,
        api.engine.registry(),
        DEFAULT_USER_ID,
        g.clone(),
    )
    .await
    .unwrap();
    // The request's ids, read from its span: whether the span itself has been exported by the
    // end depends on when every task that inherited it ends, which the test does not control.
    let request = tracing::info_span!("request");
    let request_context = request.context().span().span_context().clone();
    assert!(
        request_context.is_valid(),
        "the request span has an OpenTelemetry context"
    );
    let id = api.start(&g, Default::default()).instrument(request).await;

    let store = Store::open(&api.url).await.unwrap();
    let worker = Engine::new(store, Arc::new(agentry_blocks::registry()), config(4));
    let stop = CancellationToken::new();
    worker.spawn_worker(stop.clone());
    let result = api
        .engine
        .wait(&id, Duration::from_secs(20))
        .await
        .expect("the worker runs it");
    assert_eq!(result.status, ExecutionStatus::Completed);
    stop.cancel();
    // A span is exported when its last handle goes: the run span when the worker's run task
    // finishes, just after the run's end is stored, the node span when its task does. On a
    // loaded machine that can come well after the run's end is seen, so each is waited for.
    let ended = tokio::time::Instant::now() + Duration::from_secs(30);
    for name in ["run", "node"] {
        while !finished.0.lock().unwrap().iter().any(|s| s.name == name) {
            assert!(
                tokio::time::Instant::now() < ended,
                "the `{name}` span never ended"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    provider.force_flush().unwrap();

    let spans = finished.0.lock().unwrap();
    let named = |name: &str| {
        spans.iter().find(|s| s.name == name).unwrap_or_else(|| {
            panic!(
                "no `{name}` span among {:?}",
                spans.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        })
    };
    let run = named("run");
    let node = named("node");
    assert_eq!(
        run.span_context.trace_id(),
        request_context.trace_id(),
        "the run is in the request's trace"
    );
    assert_eq!(run.parent_span_id, request_context.span_id());
    assert_eq!(node.span_context.trace_id(), request_context.trace_id());
    assert_eq!(node.parent_span_id, run.span_context.span_id());
}
