//! The commit order rule (ARCHITECTURE.md): pure nodes may run ahead of the disk, but a node
//! that touches the world starts only on committed values, so an HTTP request never carries a
//! value a crash could lose.

use std::sync::{Arc, Mutex};

use agentry_blocks::http::{HttpSettings, OutboundHttp};
use agentry_core::{ExecutionStatus, Resources};
use agentry_engine::Config;
use agentry_store::{DEFAULT_USER_ID, Store};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::*;

const SEND_WEB_REQUEST: &str = "6595ae1f-b924-42cb-9a41-551a0611c4b4";

/// What the store held, read through a connection of its own, when the request arrived:
/// (request body, calculator executions COMPLETED in the store).
type Seen = Arc<Mutex<Vec<(Value, usize)>>>;

struct ReadsTheStore {
    url: String,
    seen: Seen,
}

impl Respond for ReadsTheStore {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let url = self.url.clone();
        // As another process would see it: a store of its own, on a runtime of its own.
        let committed = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let store = Store::open(&url).await.unwrap();
                let (runs, _) = store
                    .list_executions(DEFAULT_USER_ID, None, 1, 1)
                    .await
                    .unwrap();
                let run = store
                    .get_execution(DEFAULT_USER_ID, &runs[0].id)
                    .await
                    .unwrap();
                run.nodes
                    .iter()
                    .filter(|n| n.row.block_id == CALCULATOR && n.row.status == "COMPLETED")
                    .count()
            })
        })
        .join()
        .unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        self.seen.lock().unwrap().push((body, committed));
        ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
    }
}

#[tokio::test]
async fn a_request_after_a_pure_chain_carries_only_committed_values() {
    const STEPS: usize = 30;
    let server = MockServer::start().await;
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap();
    let config = Config {
        resources: Arc::new(Resources::new().with(http)),
        ..Config::default()
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    let seen: Seen = Arc::default();
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ReadsTheStore {
            url: t.url.clone(),
            seen: seen.clone(),
        })
        .mount(&server)
        .await;

    let mut nodes = vec![("in".to_string(), INPUT, json!({"name": "x"}))];
    let mut links = Vec::new();
    let mut previous = ("in".to_string(), "result");
    for i in 0..STEPS {
        let id = format!("c{i}");
        nodes.push((id.clone(), CALCULATOR, json!({"operation": "Add", "b": 1})));
        links.push((previous.0.clone(), previous.1, id.clone(), "a"));
        previous = (id, "result");
    }
    let hook = format!("{}/hook", server.uri());
    nodes.push((
        "send".into(),
        SEND_WEB_REQUEST,
        json!({"url": hook, "method": "POST"}),
    ));
    links.push((previous.0.clone(), previous.1, "send".into(), "body"));
    nodes.push(("out".into(), OUTPUT, json!({"name": "response"})));
    links.push(("send".into(), "response", "out".into(), "value"));
    let nodes: Vec<(&str, &str, Value)> = nodes
        .iter()
        .map(|(id, block, d)| (id.as_str(), *block, d.clone()))
        .collect();
    let links: Vec<(&str, &str, &str, &str)> = links
        .iter()
        .map(|(s, sp, k, kp)| (s.as_str(), *sp, k.as_str(), *kp))
        .collect();
    let g = graph(&nodes, &links);

    let (_, result) = t.run(&g, inputs(json!({"x": 2}))).await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["response"], json!([{"ok": true}]));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one request");
    assert_eq!(seen[0].0, json!(2.0 + STEPS as f64), "the chain's value");
    assert_eq!(
        seen[0].1, STEPS,
        "every calculator execution was committed before the request left"
    );
}
