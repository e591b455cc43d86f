//! The `llm.call` span: a child of the span the call is made in (the node's), carrying the
//! provider, model, tokens and cost, and never the prompt, the reply or the key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::llm::providers::ProviderConfig;
use crate::llm::testing::fast_retry;
use crate::llm::{ChatRequest, LlmProviders, Message};

/// A span's name, its parent's name, and every field recorded on it as text.
type SpanSeen = (String, Option<String>, Vec<(String, String)>);

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<SpanSeen>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
}

impl<S> tracing_subscriber::Layer<S> for Captured
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::Id,
        ctx: Context<'_, S>,
    ) {
        let span = ctx.span(id).expect("the span exists");
        let parent = span.parent().map(|p| p.name().to_string());
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((span.name().to_string(), parent, fields));
    }

    fn on_record(&self, id: &tracing::Id, values: &tracing::span::Record<'_>, ctx: Context<'_, S>) {
        let name = ctx.span(id).expect("the span exists").name().to_string();
        let mut spans = self.0.lock().unwrap();
        if let Some((_, _, fields)) = spans.iter_mut().rev().find(|(n, _, _)| *n == name) {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test]
async fn an_llm_call_is_a_span_with_model_tokens_and_cost() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": "the reply text"}],
            "stop_reason": "end_turn", "usage": {"input_tokens": 11, "output_tokens": 4}
        })))
        .mount(&server)
        .await;
    let providers = LlmProviders::builder()
        .provider(
            "anthropic",
            ProviderConfig::anthropic(&server.uri(), Some("ak-secret-key")),
        )
        .retry(fast_retry())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let captured = Captured::default();
    let subscriber = tracing_subscriber::registry().with(captured.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let request = ChatRequest {
        messages: vec![Message::user("the prompt text")],
        ..ChatRequest::default()
    };
    let node = tracing::info_span!("node");
    tracing::Instrument::instrument(providers.chat("claude-sonnet-4-5-20250929", request), node)
        .await
        .unwrap();

    let spans = captured.0.lock().unwrap();
    let (_, parent, fields) = spans
        .iter()
        .find(|(name, _, _)| name == "llm.call")
        .expect("an llm.call span");
    assert_eq!(parent.as_deref(), Some("node"));
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no `{key}` in {fields:?}"))
    };
    assert_eq!(field("provider"), "\"anthropic\"");
    assert_eq!(field("model"), "claude-sonnet-4-5-20250929");
    assert_eq!(field("prompt_tokens"), "11");
    assert_eq!(field("completion_tokens"), "4");
    let cost: f64 = field("cost_usd").parse().unwrap();
    assert!((cost - (11.0 * 3.0 + 4.0 * 15.0) / 1e6).abs() < 1e-12);
    assert_eq!(field("attempts"), "1");
    let all = format!("{spans:?}");
    for secret in ["the prompt text", "the reply text", "ak-secret-key"] {
        assert!(!all.contains(secret), "`{secret}` reached a span: {all}");
    }
}
