//! Signals between processes: two engines on one database, one only enqueuing and one only
//! running, with polling slowed to 60 s so that only the relay can wake the worker and tell the
//! API engine that the run ended. Runs over PostgreSQL LISTEN/NOTIFY when the tests use
//! PostgreSQL, and over Redis pub/sub when `TEST_REDIS_URL` names a server.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::ExecutionStatus;
use agentry_engine::relay::{Relay, postgres::PostgresRelay, redis::RedisRelay};
use agentry_engine::{Config, Engine, EventKind};
use agentry_store::{Backend, DEFAULT_USER_ID, Store};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::*;

/// Slower than any bound below: a test that passes did not rely on polling.
fn slow_poll(worker_concurrency: usize) -> Config {
    Config {
        worker_concurrency,
        poll_interval: Duration::from_secs(60),
        ..Config::default()
    }
}

/// API engine `a` enqueues; worker engine `b` runs; each has its own relay.
async fn a_run_crosses_processes(make_relay: impl Fn(&Store) -> Arc<dyn Relay>) {
    let a = engine_with(agentry_blocks::registry(), slow_poll(0)).await;
    let b_store = Store::open(&a.url).await.unwrap();
    let b = Engine::new(
        b_store.clone(),
        Arc::new(agentry_blocks::registry()),
        slow_poll(4),
    );
    a.engine.attach_relay(make_relay(&a.store));
    b.attach_relay(make_relay(&b_store));
    let stop = CancellationToken::new();
    b.spawn_worker(stop.clone());
    // Both subscriptions are open and the worker's first look found nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // An output larger than PostgreSQL's NOTIFY limit travels by reference to its row.
    let long = "x".repeat(10_000);
    let g = graph(
        &[
            ("in", INPUT, json!({"name": "text"})),
            ("out", OUTPUT, json!({"name": "echo"})),
        ],
        &[("in", "result", "out", "value")],
    );
    agentry_engine::graphs::import(&a.store, a.engine.registry(), DEFAULT_USER_ID, g.clone())
        .await
        .unwrap();
    let mut events = a.engine.events().subscribe();
    let id = a.start(&g, inputs(json!({"text": long}))).await;
    let result = a
        .engine
        .wait(&id, Duration::from_secs(15))
        .await
        .expect("woken by the relay, the worker ran it, and its end came back");
    assert_eq!(result.status, ExecutionStatus::Completed);

    let mut relayed_output = None;
    while let Ok(event) = events.try_recv() {
        if let EventKind::GraphOutput { name, value } = event.kind
            && event.graph_exec_id == id
        {
            relayed_output = Some((name, value.tree().into_owned()));
        }
    }
    assert_eq!(
        relayed_output,
        Some(("echo".to_string(), json!(long))),
        "the worker's event reached the API engine's bus"
    );
    stop.cancel();
}

#[tokio::test]
async fn postgres_notify_carries_wake_ups_and_events() {
    if std::env::var(agentry_store::testing::TEST_DATABASE_URL).is_err() {
        eprintln!("skipped: LISTEN/NOTIFY needs PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    a_run_crosses_processes(|store| {
        assert_eq!(store.backend(), Backend::Postgres);
        Arc::new(PostgresRelay::new(store.clone()))
    })
    .await;
}

#[tokio::test]
async fn postgres_sends_a_batch_in_order_repeats_included() {
    use futures::StreamExt as _;
    if std::env::var(agentry_store::testing::TEST_DATABASE_URL).is_err() {
        eprintln!("skipped: LISTEN/NOTIFY needs PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let t = engine().await;
    let relay = PostgresRelay::new(t.store.clone());
    let mut received = relay.receive().await.unwrap();
    // PostgreSQL delivers identical payloads sent in one transaction once: the repeats must
    // still arrive, each in its place.
    let sent: Vec<String> = ["a", "b", "a", "c", "c", "d"].map(String::from).to_vec();
    relay.send_all(sent.clone()).await.unwrap();
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let next = tokio::time::timeout(Duration::from_secs(10), received.next())
            .await
            .expect("delivered within 10 s")
            .expect("the listening connection stays open");
        got.push(next);
    }
    assert_eq!(got, sent);
}

#[tokio::test]
async fn redis_pubsub_carries_wake_ups_and_events() {
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        assert_ne!(
            std::env::var("AGENTRY_TEST_REDIS").as_deref(),
            Ok("required"),
            "Redis is required (AGENTRY_TEST_REDIS=required) but TEST_REDIS_URL is not set"
        );
        eprintln!("skipped: no Redis (TEST_REDIS_URL)");
        return;
    };
    // A channel of this test's own: tests share the server.
    let channel = format!("agentry-test-{}", uuid::Uuid::new_v4());
    a_run_crosses_processes(|_| Arc::new(RedisRelay::new(&url, &channel).unwrap())).await;
}

#[tokio::test]
async fn an_unreachable_redis_delays_nothing_in_one_process() {
    // Nothing listens on port 9 of loopback: sends fail, and the local run is unaffected.
    let t = engine().await;
    t.engine.attach_relay(Arc::new(
        RedisRelay::new("redis://127.0.0.1:9/", "x").unwrap(),
    ));
    let g = graph(
        &[
            ("in", INPUT, json!({"name": "n"})),
            ("out", OUTPUT, json!({"name": "o"})),
        ],
        &[("in", "result", "out", "value")],
    );
    agentry_engine::graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, g.clone())
        .await
        .unwrap();
    let (_, result) = t.run(&g, inputs(json!({"n": 1}))).await;
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(result.outputs.tree()["o"], json!([1]));
}

/// A relay inside one test process: what one engine sends, every engine receives.
struct LoopbackRelay(tokio::sync::broadcast::Sender<String>);

impl Relay for LoopbackRelay {
    fn send(&self, message: String) -> futures::future::BoxFuture<'_, Result<(), String>> {
        let _ = self.0.send(message);
        Box::pin(async { Ok(()) })
    }

    fn receive(
        &self,
    ) -> futures::future::BoxFuture<'_, Result<futures::stream::BoxStream<'static, String>, String>>
    {
        let rx = self.0.subscribe();
        Box::pin(async move {
            let messages = futures::stream::unfold(rx, |mut rx| async move {
                loop {
                    match rx.recv().await {
                        Ok(message) => return Some((message, rx)),
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(_) => return None,
                    }
                }
            });
            Ok(Box::pin(messages) as futures::stream::BoxStream<'static, String>)
        })
    }
}

/// A model answering in many small streamed pieces, slowly enough to be watched.
async fn chatty_model(pieces: &[String]) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    let mut sse = String::new();
    for piece in pieces {
        let chunk = json!({"choices": [{"index": 0, "delta": {"content": piece}}]});
        sse.push_str(&format!("data: {chunk}\n\n"));
    }
    sse.push_str("data: [DONE]\n\n");
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_models_partial_text_reaches_the_other_process_coalesced() {
    use agentry_blocks::llm::provider::providers::ProviderConfig;
    use agentry_blocks::llm::provider::{JsonStyle, LlmProviders};
    const TEXT_GENERATOR: &str = "1f292d4a-41a4-4977-9684-7c8d560b9f91";

    // 40 pieces of 60 bytes: 2,400 bytes, so at least two kilobyte-sized relay messages.
    let pieces: Vec<String> = (0..40)
        .map(|i| format!("{i:02}{}", "z".repeat(58)))
        .collect();
    let whole: String = pieces.concat();
    let model = chatty_model(&pieces).await;
    let providers = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(
                &format!("{}/v1", model.uri()),
                Some("sk-test"),
                JsonStyle::Prompt,
            ),
        )
        .build()
        .unwrap();
    let resources = Arc::new(agentry_core::Resources::new().with(providers));

    let a = engine_with(agentry_blocks::registry(), slow_poll(0)).await;
    let b_store = Store::open(&a.url).await.unwrap();
    let b = Engine::new(
        b_store,
        Arc::new(agentry_blocks::registry()),
        Config {
            resources,
            ..slow_poll(2)
        },
    );
    let (tx, _) = tokio::sync::broadcast::channel(1024);
    a.engine.attach_relay(Arc::new(LoopbackRelay(tx.clone())));
    b.attach_relay(Arc::new(LoopbackRelay(tx)));
    let stop = CancellationToken::new();
    b.spawn_worker(stop.clone());

    let g = graph(
        &[
            (
                "gen",
                TEXT_GENERATOR,
                json!({"prompt": "Talk", "model": "gpt-4o"}),
            ),
            ("out", OUTPUT, json!({"name": "answer"})),
        ],
        &[("gen", "response", "out", "value")],
    );
    agentry_engine::graphs::import(&a.store, a.engine.registry(), DEFAULT_USER_ID, g.clone())
        .await
        .unwrap();
    let mut events = a.engine.events().subscribe();
    let id = a.start(&g, inputs(json!({}))).await;
    let result = a.engine.wait(&id, Duration::from_secs(15)).await.unwrap();
    assert_eq!(result.status, ExecutionStatus::Completed, "{result:?}");

    let mut relayed = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let EventKind::NodeTextDelta { pin, delta, .. } = event.kind
            && event.graph_exec_id == id
        {
            assert_eq!(pin, "response");
            relayed.push(delta);
        }
    }
    let text = relayed.concat();
    assert!(relayed.len() >= 2, "relayed in pieces: {relayed:?}");
    assert!(
        relayed.len() < pieces.len(),
        "coalesced: {} messages",
        relayed.len()
    );
    assert!(
        text.len() >= 2048 && whole.starts_with(&text),
        "in order, nothing twice: {text}"
    );
    stop.cancel();
}
