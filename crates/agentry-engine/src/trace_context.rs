//! A run's trace crosses the queue as a W3C `traceparent` string: the enqueuing span's context
//! is stored with the queue entry, and the run span of whichever worker claims it (in any
//! process) takes that context as its parent. Without an OpenTelemetry layer there is no
//! context, and nothing is stored.

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

const TRACEPARENT: &str = "traceparent";

/// The current span's `traceparent`, when tracing exports spans.
pub(crate) fn current() -> Option<String> {
    let context = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT).filter(|v| !v.is_empty())
}

/// Makes `span` a child of the span that `traceparent` names.
pub(crate) fn adopt(span: &tracing::Span, traceparent: &str) {
    let carrier = HashMap::from([(TRACEPARENT.to_string(), traceparent.to_string())]);
    let parent = TraceContextPropagator::new().extract(&carrier);
    // Fails only when no OpenTelemetry layer is installed: then there is no trace to join.
    let _ = span.set_parent(parent);
}
