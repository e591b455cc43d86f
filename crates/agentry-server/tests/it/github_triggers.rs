//! GitHub trigger blocks end to end, against a wiremock GitHub on 127.0.0.1: saving a graph
//! with a pull request trigger registers a repository hook (the request's shape as AutoGPT
//! sends it), a delivery signed with the hook's secret starts a run with the event on the
//! trigger's pins, a bad signature gets 401 and starts nothing, a ping is answered, an action
//! the node did not choose is ignored, and the hook is removed when the node goes or the graph
//! is deleted. A repository GitHub refuses leaves nothing saved.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{OUTPUT, TestApp, graph};
use crate::trigger_app;

const PR_TRIGGER: &str = "6c60ec01-8128-419e-988f-96a063ee2fea";
const TOKEN: &str = "ghp_trigger_test_token";

/// A pull request trigger on `repo` choosing `opened` and `synchronize`, its event and number
/// as graph outputs; or, without `trigger`, the outputs alone.
fn trigger_graph(repo: &str, credential: &str, trigger: bool) -> Value {
    let mut nodes = vec![
        ("event", OUTPUT, json!({"name": "event"})),
        ("number", OUTPUT, json!({"name": "number"})),
    ];
    let mut links = Vec::new();
    if trigger {
        nodes.push((
            "t",
            PR_TRIGGER,
            json!({"repo": repo, "events": {"opened": true, "synchronize": true},
                   "credentials": {"id": credential, "provider": "github", "type": "api_key"}}),
        ));
        links = vec![
            ("t", "event", "event", "value"),
            ("t", "number", "number", "value"),
        ];
    }
    graph("pr watcher", &nodes, &links)
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(url: &str, event: &str, signature: &str, body: &str) -> (u16, Value) {
    let headers = [
        ("x-github-event", event),
        ("x-hub-signature-256", signature),
    ];
    trigger_app::deliver(url, &headers, body).await
}

async fn run_count(app: &TestApp, graph_id: &str) -> usize {
    let runs = app
        .get(&format!("/api/graphs/{graph_id}/executions"))
        .await
        .expect(200);
    runs.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_pull_request_trigger_registers_its_hook_runs_on_signed_deliveries_and_removes_it() {
    let github = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/app/hooks"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_partial_json(json!({"name": "web", "active": true,
            "events": ["pull_request"], "config": {"content_type": "json", "insecure_ssl": "0"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 4242, "type": "Repository",
            "name": "web", "active": true, "events": ["pull_request"],
            "config": {"content_type": "json", "insecure_ssl": "0", "url": "x", "secret": "********"}})))
        .expect(1)
        .mount(&github)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/octo/app/hooks/4242"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&github)
        .await;
    let app = trigger_app::app("github", &github).await;
    let credential = trigger_app::api_key_credential(&app, "github", TOKEN).await;
    let saved = app
        .create_graph(&trigger_graph("octo/app", &credential, true))
        .await;
    let graph_id = saved["id"].as_str().unwrap().to_string();

    // The hook GitHub was asked for delivers to this server's ingress, signed with a secret.
    let (sent, url) = trigger_app::hook_request(&app, &github, "github", "/config/url").await;
    let secret = sent["config"]["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64, "a fresh 32-byte secret in hex");

    // A signed delivery of a chosen action starts a run with the event on the trigger's pins.
    let body = json!({"action": "opened", "number": 8, "sender": {"login": "octocat"},
        "pull_request": {"number": 8, "html_url": "https://github.com/octo/app/pull/8"},
        "repository": {"full_name": "octo/app"}})
    .to_string();
    let delivered = deliver(&url, "pull_request", &sign(&secret, body.as_bytes()), &body).await;
    let done = trigger_app::started_run(&app, &graph_id, delivered, "pull_request.opened").await;
    assert_eq!(done["outputs"]["event"], json!(["opened"]), "{done}");
    assert_eq!(done["outputs"]["number"], json!([8]), "{done}");

    // A bad signature, or none, is refused and starts nothing.
    let runs = run_count(&app, &graph_id).await;
    let (status, answer) = deliver(
        &url,
        "pull_request",
        &sign("not the secret", body.as_bytes()),
        &body,
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_signature");
    let (status, _) = deliver(&url, "pull_request", "", &body).await;
    assert_eq!(status, 401);
    let tampered = body.replace("\"number\":8", "\"number\":9");
    let (status, _) = deliver(
        &url,
        "pull_request",
        &sign(&secret, body.as_bytes()),
        &tampered,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(run_count(&app, &graph_id).await, runs);

    // GitHub's ping is answered; an action the node did not choose is taken and ignored.
    let ping = json!({"zen": "Keep it logically awesome.", "hook_id": 4242}).to_string();
    let (status, answer) = deliver(&url, "ping", &sign(&secret, ping.as_bytes()), &ping).await;
    assert_eq!(
        (status, answer["outcome"].clone()),
        (200, json!("ping")),
        "{answer}"
    );
    let closed = body.replace("\"opened\"", "\"closed\"");
    let (status, answer) = deliver(
        &url,
        "pull_request",
        &sign(&secret, closed.as_bytes()),
        &closed,
    )
    .await;
    assert_eq!(
        (status, answer["outcome"].clone()),
        (200, json!("ignored")),
        "{answer}"
    );
    assert_eq!(answer["event_type"], "pull_request.closed");
    assert_eq!(run_count(&app, &graph_id).await, runs);

    // Saving the same trigger again keeps the hook; a version without it removes the hook.
    let mut same = trigger_graph("octo/app", &credential, true);
    same["nodes"] = saved["nodes"].clone();
    same["links"] = saved["links"].clone();
    app.put_json(&format!("/api/graphs/{graph_id}"), &same)
        .await
        .expect(200);
    app.put_json(
        &format!("/api/graphs/{graph_id}"),
        &trigger_graph("octo/app", &credential, false),
    )
    .await
    .expect(200);
    let (status, answer) =
        deliver(&url, "pull_request", &sign(&secret, body.as_bytes()), &body).await;
    assert_eq!(status, 404, "the hook is gone: {answer}");
    app.delete(&format!("/api/graphs/{graph_id}"))
        .await
        .expect(200);
    // `expect(1)` of each mock is checked when the server drops: one hook made, one removed.
}

#[tokio::test]
async fn deleting_the_graph_removes_its_hook() {
    let github = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/app/hooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 77, "config": {}})))
        .expect(1)
        .mount(&github)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/octo/app/hooks/77"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&github)
        .await;
    let app = trigger_app::app("github", &github).await;
    let credential = trigger_app::api_key_credential(&app, "github", TOKEN).await;
    let saved = app
        .create_graph(&trigger_graph("octo/app", &credential, true))
        .await;
    let graph_id = saved["id"].as_str().unwrap();
    app.delete(&format!("/api/graphs/{graph_id}"))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_repository_github_refuses_or_a_malformed_one_saves_nothing() {
    let github = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/private/hooks"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&github)
        .await;
    let app = trigger_app::app("github", &github).await;
    let credential = trigger_app::api_key_credential(&app, "github", TOKEN).await;
    let before = app.graph_ids().await;
    let refused = app
        .post_json(
            "/api/graphs",
            &trigger_graph("octo/private", &credential, true),
        )
        .await
        .expect_error(400, "trigger_registration_failed");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("Failed to create GitHub webhook"),
        "{message}"
    );
    assert!(message.contains("octo/private"), "{message}");
    let malformed = app
        .post_json(
            "/api/graphs",
            &trigger_graph("not-a-repo", &credential, true),
        )
        .await
        .expect_error(400, "invalid_trigger");
    assert!(
        malformed["details"]["node_errors"]["t"]
            .as_str()
            .is_some_and(|e| e.contains("owner/repo")),
        "{malformed}"
    );
    app.assert_no_graph_saved(&before).await;
    // A trigger without credentials is not set up yet: the graph saves, no hook is asked for.
    let mut draft = trigger_graph("octo/private", &credential, true);
    draft["nodes"][2]["input_default"]["credentials"] = json!({});
    let draft = app.create_graph(&draft).await;
    assert_eq!(github.received_requests().await.unwrap().len(), 1);
    // Its credential added in a new version that GitHub refuses: the new version is not kept,
    // the draft stays the active and only version.
    let graph_id = draft["id"].as_str().unwrap();
    app.put_json(
        &format!("/api/graphs/{graph_id}"),
        &trigger_graph("octo/private", &credential, true),
    )
    .await
    .expect_error(400, "trigger_registration_failed");
    assert_eq!(github.received_requests().await.unwrap().len(), 2);
    let versions = app
        .get(&format!("/api/graphs/{graph_id}/versions"))
        .await
        .expect(200);
    let versions: Vec<_> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].clone(), v["is_active"].clone()))
        .collect();
    assert_eq!(
        versions,
        [(json!(1), json!(true))],
        "only the draft is kept"
    );
}
