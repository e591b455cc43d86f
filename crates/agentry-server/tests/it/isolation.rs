//! Isolation between users. One test walks every path and method of the server's own
//! `/api/openapi.json` as a second user against the first user's objects (graph, run, review,
//! schedule, preset, webhook, API key, credential…): whatever names another user's object answers 404,
//! never 403, and the first user's objects are the same afterwards. The route list comes from
//! the document, so a new route without a row in `case` fails the test until someone says how
//! it is isolated. A WebSocket test shows that a second user's subscription to the first user's
//! run gets nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use agentry_engine::Config;
use agentry_engine::integrations::{CredentialSettings, Keyring};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{
    CALCULATOR, Caller, INPUT, OUTPUT, TestApp, agent, graph, node_of, open_signup,
};

const HITL: &str = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d";
const WEBHOOK: &str = "8fa8c167-2002-47ce-aba8-97572fc5d387";

/// What the second user may expect of a route.
enum Case {
    /// It names the first user's object (in the path or the body): 404.
    Foreign(Value),
    /// It lists the caller's own objects: 200, and none of the first user's ids in it.
    List,
    /// It acts on the caller's own things only (whatever it answers, nothing of the first
    /// user's changes); the body is sent.
    Own(Value),
    /// Administrators only: 403 `admin_required` (a role check, not an ownership one).
    Admin(Value),
    /// Not sent: it concerns the caller's own session or is public; the reason says why, and
    /// where it is tested.
    Skip(&'static str),
}

/// The first user's objects.
pub(crate) struct Owned {
    user_id: String,
    graph_id: String,
    hook_graph_id: String,
    exec_id: String,
    review_exec_id: String,
    node_exec_id: String,
    schedule_id: String,
    preset_id: String,
    webhook_id: String,
    api_key_id: String,
    credential_id: String,
    /// A pending store submission (a listing version no one else may read).
    pending_version_id: String,
    library_agent_id: String,
    folder_id: String,
    /// The notification of the finished run.
    notification_id: String,
}

impl Owned {
    fn ids(&self) -> Vec<&str> {
        vec![
            &self.user_id,
            &self.graph_id,
            &self.hook_graph_id,
            &self.exec_id,
            &self.review_exec_id,
            &self.node_exec_id,
            &self.schedule_id,
            &self.preset_id,
            &self.webhook_id,
            &self.api_key_id,
            &self.credential_id,
            &self.pending_version_id,
            &self.library_agent_id,
            &self.folder_id,
            &self.notification_id,
        ]
    }
}

/// The isolation each route has. Every route of the document needs a row here.
fn case(method: &str, path: &str, a: &Owned) -> Option<Case> {
    use Case::*;
    let calculator = json!({ "graph": agent("calculator-agent.json") });
    Some(match (method, path) {
        ("GET", "/health") => Skip("public health check"),
        ("POST", "/api/auth/signup" | "/api/auth/login" | "/api/auth/refresh") => {
            Skip("signs in; accounts.rs")
        }
        ("POST", "/api/auth/logout" | "/api/auth/password") => {
            Skip("the caller's own session; accounts.rs")
        }
        ("GET", "/api/auth/user") => Own(Value::Null),
        ("GET", "/api/auth/oidc/login" | "/api/auth/oidc/callback") => Skip("OIDC; oidc.rs"),
        ("POST", "/api/integrations/{provider}/webhooks/{webhook_id}/ingress") => {
            Skip("public ingress checked by the trigger's own secret; webhooks.rs")
        }
        ("POST", "/api/integrations/github/webhooks/{webhook_id}/ingress") => Skip(
            "public ingress checked by GitHub's X-Hub-Signature-256 with the hook's own secret; \
             github_triggers.rs",
        ),
        ("POST", "/api/integrations/airtable/webhooks/{webhook_id}/ingress") => Skip(
            "public ingress checked by Airtable's X-Airtable-Content-MAC with the secret Airtable \
             issued; airtable_triggers.rs",
        ),
        ("POST", "/api/integrations/exa/webhooks/{webhook_id}/ingress") => Skip(
            "public ingress checked by Exa's Exa-Signature with the secret Exa issued; \
             exa_triggers.rs",
        ),
        ("GET", "/api/admin/users" | "/api/admin/audit") => Admin(Value::Null),
        ("GET", "/api/integrations/credentials" | "/api/integrations/{provider}/credentials") => {
            List
        }
        ("POST", "/api/integrations/{provider}/credentials") => Own(credential("b")),
        ("GET" | "DELETE", "/api/integrations/{provider}/credentials/{cred_id}") => {
            Foreign(Value::Null)
        }
        // Starts or ends the caller's own OAuth2 sign-in (its state is the caller's).
        ("GET", "/api/integrations/{provider}/login") => Own(Value::Null),
        ("POST", "/api/integrations/{provider}/callback") => {
            Own(json!({"code": "x", "state_token": "x"}))
        }
        ("PATCH", "/api/admin/users/{user_id}") => Admin(json!({"role": "user"})),
        ("GET", "/api/blocks" | "/external-api/v1/blocks") => List,
        (
            "POST",
            "/api/blocks/{block_id}/execute" | "/external-api/v1/blocks/{block_id}/execute",
        ) => Own(json!({"operation": "Add", "a": 1, "b": 2})),
        ("GET", "/external-api/v1/me") => Own(Value::Null),
        ("GET", "/api/graphs" | "/api/executions" | "/api/schedules" | "/api/library/presets") => {
            List
        }
        ("GET", "/api/review/pending" | "/api/api-keys") => List,
        // A graph file carrying the first user's graph id is saved under fresh ids.
        ("POST", "/api/graphs") => Own(json!({ "graph": graph_with_id(&a.graph_id) })),
        ("POST", "/api/api-keys") => Own(json!({"name": "b", "permissions": ["READ_GRAPH"]})),
        ("GET" | "DELETE", "/api/graphs/{graph_id}") => Foreign(Value::Null),
        ("PUT", "/api/graphs/{graph_id}") => Foreign(calculator),
        (
            "POST",
            "/api/graphs/{graph_id}/execute/{graph_version}"
            | "/external-api/v1/graphs/{graph_id}/execute/{graph_version}",
        ) => Foreign(json!({"inputs": {"Input": 1}})),
        ("GET", "/api/graphs/{graph_id}/executions" | "/api/graphs/{graph_id}/versions") => {
            Foreign(Value::Null)
        }
        (
            "GET",
            "/api/graphs/{graph_id}/versions/{version}" | "/api/graphs/{graph_id}/webhooks",
        ) => Foreign(Value::Null),
        (
            "GET",
            "/api/graphs/{graph_id}/executions/{graph_exec_id}"
            | "/external-api/v1/graphs/{graph_id}/executions/{graph_exec_id}/results",
        ) => Foreign(Value::Null),
        ("POST", "/api/graphs/{graph_id}/executions/{graph_exec_id}/stop") => Foreign(Value::Null),
        ("PUT", "/api/graphs/{graph_id}/versions/active") => {
            Foreign(json!({"active_graph_version": 1}))
        }
        ("GET", "/api/graphs/{graph_id}/schedules") => Foreign(Value::Null),
        ("POST", "/api/graphs/{graph_id}/schedules") => Foreign(
            json!({"name": "b", "cron": "0 9 * * 1-5", "inputs": {"Input": 1}, "graph_version": 1}),
        ),
        ("DELETE", "/api/schedules/{schedule_id}") => Foreign(Value::Null),
        ("GET", "/api/schedules/{schedule_id}/spending-cap") => Foreign(Value::Null),
        ("PUT", "/api/schedules/{schedule_id}/spending-cap") => Foreign(json!({"max_credits": 1})),
        ("POST", "/api/library/presets") => Foreign(json!({
            "graph_id": a.graph_id, "graph_version": 1, "name": "b", "description": "",
            "inputs": {"Input": 1}, "credentials": {}
        })),
        ("GET" | "DELETE", "/api/library/presets/{preset_id}") => Foreign(Value::Null),
        ("PATCH", "/api/library/presets/{preset_id}") => Foreign(json!({"name": "b"})),
        ("POST", "/api/library/presets/{preset_id}/execute") => {
            Foreign(json!({"inputs": {"Input": 1}}))
        }
        ("GET", "/api/review/execution/{graph_exec_id}") => Foreign(Value::Null),
        ("POST", "/api/review/action") => Foreign(json!({"reviews": [
            {"node_exec_id": a.node_exec_id, "approved": true, "message": "b"}
        ]})),
        ("GET" | "DELETE", "/api/api-keys/{key_id}") => Foreign(Value::Null),
        // The balance and ledger are the caller's; a purchase opens the caller's own checkout.
        ("GET", "/api/credits") => Own(Value::Null),
        ("GET", "/api/credits/transactions") => List,
        ("POST", "/api/credits") => Own(json!({"credit_amount": 500})),
        ("POST", "/api/credits/stripe_webhook") => {
            Skip("public, checked by the payment provider's signature; credits.rs")
        }
        ("POST", "/api/credits/admin/add_credits") => {
            Admin(json!({"user_id": a.user_id, "amount": 1, "comments": "b"}))
        }
        ("POST", "/api/credits/admin/refund") => {
            Admin(json!({"user_id": a.user_id, "transaction_key": "k", "comments": "b"}))
        }
        // The store: published data is everyone's; submissions, library and shares are not.
        ("GET", "/api/store/profile") => Own(Value::Null),
        ("POST", "/api/store/profile") => Own(json!({"username": "bob", "name": "Bob"})),
        ("GET", "/api/store/creators" | "/api/store/agents" | "/api/store/submissions") => List,
        ("GET", "/api/library/agents" | "/api/library/folders") => List,
        ("GET", "/api/store/creator/{username}" | "/api/store/agents/{username}/{agent_name}") => {
            Own(Value::Null)
        }
        ("POST", "/api/store/agents/{username}/{agent_name}/review") => Own(json!({"score": 5})),
        ("POST", "/api/store/submissions/media") => Own(json!({})),
        ("POST", "/api/store/submissions") => Foreign(json!({
            "agent_id": a.graph_id, "agent_version": 1, "slug": "b", "name": "b"
        })),
        ("PUT", "/api/store/submissions/{submission_id}") => Foreign(json!({"name": "b"})),
        ("DELETE", "/api/store/submissions/{submission_id}") => Foreign(Value::Null),
        (
            "GET",
            "/api/store/graph/{store_listing_version_id}"
            | "/api/store/download/agents/{store_listing_version_id}",
        ) => Foreign(Value::Null),
        (
            "GET",
            "/api/store/admin/listings" | "/api/store/admin/submissions/{store_listing_version_id}",
        ) => Admin(Value::Null),
        ("POST", "/api/store/admin/submissions/{store_listing_version_id}/review") => {
            Admin(json!({"is_approved": true}))
        }
        ("POST", "/api/store/admin/submissions/{store_listing_version_id}/take-down") => {
            Admin(json!({"reason": "b"}))
        }
        ("POST", "/api/library/agents") => {
            Foreign(json!({"store_listing_version_id": a.pending_version_id}))
        }
        ("GET" | "DELETE", "/api/library/agents/{library_agent_id}") => Foreign(Value::Null),
        ("PATCH", "/api/library/agents/{library_agent_id}") => {
            Foreign(json!({"is_favorite": true}))
        }
        ("POST", "/api/library/agents/{library_agent_id}/fork") => Foreign(Value::Null),
        ("POST", "/api/library/agents/{library_agent_id}/execute") => {
            Foreign(json!({"inputs": {"Input": 1}}))
        }
        ("POST", "/api/library/folders") => Own(json!({"name": "b"})),
        ("DELETE", "/api/library/folders/{folder_id}") => Foreign(Value::Null),
        ("POST" | "DELETE", "/api/graphs/{graph_id}/executions/{graph_exec_id}/share") => {
            Foreign(Value::Null)
        }
        ("GET", "/api/public/shared/{share_token}") => {
            Skip("public: the unguessable token is the permission; store.rs")
        }
        ("GET", "/api/notifications") => List,
        // Marking the first user's notification read changes nothing of theirs.
        ("POST", "/api/notifications/read") => Own(json!({"ids": [a.notification_id]})),
        ("POST", "/api/notifications/read-all") => Own(Value::Null),
        ("GET", "/api/notifications/preferences") => Own(Value::Null),
        ("PUT", "/api/notifications/preferences") => {
            Own(json!({"channels": {"RUN_FINISHED": "off"}, "digest": "weekly"}))
        }
        _ => return None,
    })
}

/// An API key credential for the `openai` provider.
fn credential(title: &str) -> Value {
    json!({"type": "api_key", "title": title, "api_key": format!("sk-{title}-secret")})
}

/// Engine settings with a credential encryption key.
pub(crate) fn keyed() -> Config {
    let keyring = Keyring::parse(&[Keyring::generate_spec("k1")]).unwrap();
    Config {
        credentials: CredentialSettings {
            keyring: Some(Arc::new(keyring)),
            ..CredentialSettings::default()
        },
        ..Config::default()
    }
}

/// The calculator agent carrying `id` as its graph id.
fn graph_with_id(id: &str) -> Value {
    let mut file = agent("calculator-agent.json");
    file["id"] = json!(id);
    file
}

/// The path with its parameters set to the first user's objects.
pub(crate) fn fill(path: &str, a: &Owned) -> String {
    let exec = if path.starts_with("/api/review") {
        &a.review_exec_id
    } else {
        &a.exec_id
    };
    let provider = if path.contains("/webhooks/") {
        "generic_webhook"
    } else {
        "openai"
    };
    path.replace("{graph_id}", &a.graph_id)
        .replace("{graph_version}", "1")
        .replace("{version}", "1")
        .replace("{graph_exec_id}", exec)
        .replace("{schedule_id}", &a.schedule_id)
        .replace("{preset_id}", &a.preset_id)
        .replace("{key_id}", &a.api_key_id)
        .replace("{webhook_id}", &a.webhook_id)
        .replace("{user_id}", &a.user_id)
        .replace("{block_id}", CALCULATOR)
        .replace("{cred_id}", &a.credential_id)
        .replace("{submission_id}", &a.pending_version_id)
        .replace("{store_listing_version_id}", &a.pending_version_id)
        .replace("{library_agent_id}", &a.library_agent_id)
        .replace("{folder_id}", &a.folder_id)
        .replace("{username}", "ada")
        .replace("{agent_name}", "pending-one")
        .replace("{share_token}", "x")
        .replace("{provider}", provider)
}

/// Makes one of each object as the first user.
pub(crate) async fn make_objects(a: &Caller) -> Owned {
    let saved = a
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let graph_id = saved["id"].as_str().unwrap().to_string();
    let run = a
        .post_json(
            &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
            &json!({"inputs": {"Input": 8}}),
        )
        .await
        .expect(200);
    assert_eq!(run["status"], "COMPLETED", "{run}");
    let review_graph = a
        .create_graph(&json!({ "graph": graph(
            "review",
            &[
                ("in", INPUT, json!({"name": "draft"})),
                ("review", HITL, json!({"name": "Check it", "editable": true})),
                ("ok", OUTPUT, json!({"name": "approved"})),
            ],
            &[("in", "result", "review", "data"), ("review", "approved_data", "ok", "value")],
        )}))
        .await;
    let review_graph_id = review_graph["id"].as_str().unwrap();
    let review_exec_id = a
        .start_run(review_graph_id, 1, json!({"draft": "hi"}))
        .await;
    let paused = a
        .wait_for_status(review_graph_id, &review_exec_id, &["REVIEW"])
        .await;
    let node_exec_id = node_of(&paused["node_executions"], HITL)["node_exec_id"]
        .as_str()
        .unwrap()
        .to_string();
    let hook = a
        .create_graph(&graph(
            "hook",
            &[
                ("t", WEBHOOK, json!({})),
                ("o", OUTPUT, json!({"name": "body"})),
            ],
            &[("t", "payload", "o", "value")],
        ))
        .await;
    let hook_graph_id = hook["id"].as_str().unwrap().to_string();
    let hooks = a
        .get(&format!("/api/graphs/{hook_graph_id}/webhooks"))
        .await
        .expect(200);
    let schedule = a
        .post_json(
            &format!("/api/graphs/{graph_id}/schedules"),
            &json!({"name": "a", "cron": "0 0 1 1 *", "inputs": {"Input": 2}, "graph_version": 1}),
        )
        .await
        .expect(200);
    let preset = a
        .post_json(
            "/api/library/presets",
            &json!({"graph_id": graph_id, "graph_version": 1, "name": "a", "description": "",
                    "inputs": {"Input": 3}, "credentials": {}}),
        )
        .await
        .expect(200);
    let key = a
        .post_json(
            "/api/api-keys",
            &json!({"name": "a", "permissions": ["READ_GRAPH"]}),
        )
        .await
        .expect(200);
    let stored = a
        .post_json("/api/integrations/openai/credentials", &credential("a"))
        .await;
    assert!(stored.status < 300, "{}", stored.body);
    let (pending_version_id, library_agent_id, folder_id) = store_objects(a, &graph_id).await;
    let exec_id = run["id"].as_str().unwrap().to_string();
    // Told after the run's end, by the notification watcher: waited for, so that the
    // snapshots before and after the walk see the same notifications.
    let notification_id = told(a, &exec_id).await;
    Owned {
        notification_id,
        pending_version_id,
        library_agent_id,
        folder_id,
        credential_id: stored.body["id"].as_str().unwrap().to_string(),
        user_id: a.id().to_string(),
        exec_id,
        graph_id,
        hook_graph_id,
        review_exec_id,
        node_exec_id,
        schedule_id: schedule["id"].as_str().unwrap().to_string(),
        preset_id: preset["id"].as_str().unwrap().to_string(),
        webhook_id: hooks[0]["id"].as_str().unwrap().to_string(),
        api_key_id: key["api_key"]["id"].as_str().unwrap().to_string(),
    }
}

/// Waits (bounded) for the notification of the run's end and the store's approval, and
/// answers the run's.
async fn told(a: &Caller, exec_id: &str) -> String {
    for _ in 0..400 {
        let page = a.get("/api/notifications").await.expect(200);
        let list = page["notifications"].as_array().unwrap();
        let run = list
            .iter()
            .find(|n| n["data"]["graph_exec_id"] == json!(exec_id));
        let approved = list.iter().any(|n| n["kind"] == "SUBMISSION_APPROVED");
        if let (Some(run), true) = (run, approved) {
            return run["id"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the first user was not told of their run and approval");
}

/// The first user's store objects: a profile, an approved listing in their library (they are
/// the admin), a pending submission of another graph, and a folder.
async fn store_objects(a: &Caller, graph_id: &str) -> (String, String, String) {
    a.post_json(
        "/api/store/profile",
        &json!({"username": "ada", "name": "Ada"}),
    )
    .await
    .expect(200);
    let submit = |graph_id: &str, slug: &str| json!({"agent_id": graph_id, "agent_version": 1, "slug": slug, "name": slug});
    let approved = a
        .post_json("/api/store/submissions", &submit(graph_id, "published-one"))
        .await
        .expect(200);
    let approved_id = approved["store_listing_version_id"].as_str().unwrap();
    a.post_json(
        &format!("/api/store/admin/submissions/{approved_id}/review"),
        &json!({"is_approved": true}),
    )
    .await
    .expect(200);
    let library = a
        .post_json(
            "/api/library/agents",
            &json!({"store_listing_version_id": approved_id}),
        )
        .await
        .expect(200);
    let other = a
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let pending = a
        .post_json(
            "/api/store/submissions",
            &submit(other["id"].as_str().unwrap(), "pending-one"),
        )
        .await
        .expect(200);
    let folder = a
        .post_json("/api/library/folders", &json!({"name": "a"}))
        .await
        .expect(200);
    (
        pending["store_listing_version_id"]
            .as_str()
            .unwrap()
            .to_string(),
        library["id"].as_str().unwrap().to_string(),
        folder["id"].as_str().unwrap().to_string(),
    )
}

/// Everything of the first user's, as the first user reads it.
pub(crate) async fn snapshot(a: &Caller, owned: &Owned) -> BTreeMap<String, Value> {
    let g = &owned.graph_id;
    let paths = [
        "/api/graphs".to_string(),
        format!("/api/graphs/{g}"),
        format!("/api/graphs/{g}/versions"),
        format!("/api/graphs/{g}/executions/{}", owned.exec_id),
        "/api/executions".to_string(),
        "/api/schedules".to_string(),
        "/api/library/presets".to_string(),
        "/api/review/pending".to_string(),
        format!("/api/graphs/{}/webhooks", owned.hook_graph_id),
        "/api/api-keys".to_string(),
        "/api/integrations/credentials".to_string(),
        "/api/store/submissions".to_string(),
        "/api/library/agents".to_string(),
        "/api/library/folders".to_string(),
        "/api/notifications".to_string(),
        "/api/notifications/preferences".to_string(),
    ];
    let mut out = BTreeMap::new();
    for path in paths {
        let body = a.get(&path).await.expect(200);
        out.insert(path, body);
    }
    out
}

async fn send(caller: &Caller, method: &str, path: &str, body: &Value) -> crate::support::Reply {
    let url = caller.url(path);
    let http = caller.http();
    let request = match method {
        "GET" => http.get(url),
        "DELETE" => http.delete(url),
        "POST" => http.post(url),
        "PUT" => http.put(url),
        "PATCH" => http.patch(url),
        other => panic!("the document has a {other} route: teach this test to send it"),
    };
    let request = if body.is_null() {
        request
    } else {
        request.json(body)
    };
    caller.send(request).await
}

#[tokio::test]
async fn a_second_user_reaches_nothing_of_the_first_on_any_route() {
    let app = TestApp::start_with_config_and_accounts(keyed(), open_signup()).await;
    let a = app.sign_up("ada@example.com").await;
    let b = app.sign_up("bob@example.com").await;
    let owned = make_objects(&a).await;
    let before = snapshot(&a, &owned).await;

    let document = app.get("/api/openapi.json").await.expect(200);
    let mut missing = Vec::new();
    let mut skipped = Vec::new();
    let mut walked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let Some(case) = case(&method, path, &owned) else {
                missing.push(format!("{method} {path}"));
                continue;
            };
            let url = fill(path, &owned);
            let what = format!("{method} {path}");
            match case {
                Case::Foreign(body) => {
                    let reply = send(&b, &method, &url, &body).await;
                    assert_eq!(reply.status, 404, "{what} answered {}", reply.body);
                }
                Case::List => {
                    let reply = send(&b, &method, &url, &Value::Null).await;
                    assert_eq!(reply.status, 200, "{what} answered {}", reply.body);
                    let text = reply.body.to_string();
                    for id in owned.ids() {
                        assert!(!text.contains(id), "{what} shows the first user's {id}");
                    }
                }
                Case::Own(body) => {
                    let reply = send(&b, &method, &url, &body).await;
                    assert!(reply.status < 500, "{what} answered {}", reply.body);
                    let text = reply.body.to_string();
                    for id in owned.ids() {
                        assert!(!text.contains(id), "{what} shows the first user's {id}");
                    }
                }
                Case::Admin(body) => {
                    send(&b, &method, &url, &body)
                        .await
                        .expect_error(403, "admin_required");
                }
                Case::Skip(reason) => {
                    skipped.push(format!("{what}: {reason}"));
                    continue;
                }
            }
            walked += 1;
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an isolation case (add a row to `case`): {missing:?}"
    );
    assert!(walked >= 30, "only {walked} routes walked");
    eprintln!("not sent as the second user:\n{}", skipped.join("\n"));
    assert_eq!(
        snapshot(&a, &owned).await,
        before,
        "the first user's objects changed"
    );
}

#[tokio::test]
async fn a_second_users_subscription_to_the_first_users_run_gets_nothing() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let a = app.sign_up("ada@example.com").await;
    let b = app.sign_up("bob@example.com").await;
    let saved = a
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let graph_id = saved["id"].as_str().unwrap().to_string();

    let connect = |caller: &Caller| {
        let url = format!(
            "ws://{}/ws?token={}",
            caller.addr(),
            caller.token.as_deref().unwrap()
        );
        async move { tokio_tungstenite::connect_async(url).await.unwrap().0 }
    };
    let mut bob = connect(&b).await;
    // The run does not exist for Bob yet: he subscribes to the graph's runs, then to the run.
    let subscribe = json!({"method": "subscribe_graph_executions", "data": {"graph_id": graph_id}});
    bob.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    let exec_id = a.start_run(&graph_id, 1, json!({"Input": 8})).await;
    let subscribe =
        json!({"method": "subscribe_graph_execution", "data": {"graph_exec_id": exec_id}});
    bob.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    a.wait_for_status(&graph_id, &exec_id, &["COMPLETED"]).await;

    // Whatever Bob hears in the next moments is an acknowledgement or an error, never an event
    // of Ada's run, and never her ids.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while let Ok(Some(frame)) = tokio::time::timeout_at(deadline, bob.next()).await {
        let Ok(Message::Text(text)) = frame else {
            continue;
        };
        let message: Value = serde_json::from_str(text.as_str()).unwrap();
        let method = message["method"].as_str().unwrap_or_default();
        assert!(
            !method.ends_with("_event"),
            "Bob received an event of Ada's run: {message}"
        );
        assert!(!text.contains(a.id()), "Bob saw Ada's id: {message}");
    }
    // Ada, on her own socket, gets her run's events (the check above is not vacuous).
    let mut ada = connect(&a).await;
    let subscribe = json!({"method": "subscribe_graph_execution", "data": {"graph_exec_id": exec_id, "last_seq": 0}});
    ada.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    let mut heard_event = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout_at(deadline, ada.next()).await
    {
        if text.as_str().contains("graph_execution_event") {
            heard_event = true;
            break;
        }
    }
    assert!(heard_event, "Ada heard nothing of her own run");
}
