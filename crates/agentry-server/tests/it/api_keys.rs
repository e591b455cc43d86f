//! API keys over HTTP: created once with a recognisable prefix, listed without the key,
//! checked per route against AutoGPT's permission names, revoked at once, unable to manage
//! keys or accounts, and accepted by the external API (`X-API-Key` or bearer).

use serde_json::{Value, json};

use crate::support::{TestApp, agent, open_signup};

#[tokio::test]
async fn keys_are_shown_once_listed_by_prefix_and_revoked_at_once() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let ada = app.sign_up("ada@example.com").await;
    let created = ada
        .post_json(
            "/api/api-keys",
            &json!({"name": "deploy", "permissions": ["READ_GRAPH", "EXECUTE_GRAPH"]}),
        )
        .await
        .expect(200);
    let key = created["plain_text_key"].as_str().unwrap().to_string();
    assert!(key.starts_with("agk_"), "{key}");
    let id = created["api_key"]["id"].as_str().unwrap().to_string();
    assert!(key.starts_with(created["api_key"]["prefix"].as_str().unwrap()));
    assert_eq!(created["api_key"]["status"], "ACTIVE");

    let by_key = app.as_token(&key);
    by_key.get("/api/graphs").await.expect(200);
    let list = ada.get("/api/api-keys").await.expect(200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(!list.to_string().contains(&key), "the list shows the key");
    ada.get(&format!("/api/api-keys/{id}")).await.expect(200);

    // Unknown permission names are refused with the known ones.
    let error = ada
        .post_json(
            "/api/api-keys",
            &json!({"name": "x", "permissions": ["READ_EVERYTHING"]}),
        )
        .await
        .expect_error(400, "invalid_permissions");
    assert!(error["details"]["known"].as_array().unwrap().len() >= 10);

    let revoked = ada.delete(&format!("/api/api-keys/{id}")).await.expect(200);
    assert_eq!(revoked["status"], "REVOKED");
    by_key
        .get("/api/graphs")
        .await
        .expect_error(401, "invalid_api_key");
    // A key that was never issued, and one with a valid id but another secret.
    app.as_token("agk_nope")
        .get("/api/graphs")
        .await
        .expect_error(401, "invalid_api_key");
    let forged = format!("agk_{id}_{}", "A".repeat(43));
    app.as_token(&forged)
        .get("/api/graphs")
        .await
        .expect_error(401, "invalid_api_key");
}

#[tokio::test]
async fn each_route_checks_the_key_permission_and_keys_cannot_manage_accounts() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let ada = app.sign_up("ada@example.com").await;
    let graph = ada
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let graph_id = graph["id"].as_str().unwrap();
    let reader = ada
        .post_json(
            "/api/api-keys",
            &json!({"name": "read", "permissions": ["READ_GRAPH"]}),
        )
        .await
        .expect(200);
    let reader = app.as_token(reader["plain_text_key"].as_str().unwrap());
    reader.get("/api/graphs").await.expect(200);
    let error = reader
        .post_json(
            &format!("/api/graphs/{graph_id}/execute/1"),
            &json!({"inputs": {"Input": 1}}),
        )
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(error["details"]["permission"], "EXECUTE_GRAPH");
    reader
        .post_json(
            "/api/graphs",
            &json!({ "graph": agent("calculator-agent.json") }),
        )
        .await
        .expect_error(403, "permission_denied");
    reader
        .get("/api/blocks")
        .await
        .expect_error(403, "permission_denied");
    // Keys, accounts and administration take a session.
    reader
        .post_json(
            "/api/api-keys",
            &json!({"name": "more", "permissions": ["READ_GRAPH"]}),
        )
        .await
        .expect_error(403, "session_required");
    reader
        .get("/api/admin/users")
        .await
        .expect_error(403, "session_required");
    reader
        .post_json("/api/auth/logout", &json!({"scope": "global"}))
        .await
        .expect_error(403, "session_required");
}

#[tokio::test]
async fn the_external_api_takes_keys_in_x_api_key() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let ada = app.sign_up("ada@example.com").await;
    let graph = ada
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let graph_id = graph["id"].as_str().unwrap().to_string();
    let created = ada
        .post_json(
            "/api/api-keys",
            &json!({"name": "ext", "permissions": ["IDENTITY", "EXECUTE_GRAPH", "READ_GRAPH", "READ_BLOCK"]}),
        )
        .await
        .expect(200);
    let key = created["plain_text_key"].as_str().unwrap().to_string();
    let get = |path: &str| {
        app.http()
            .get(app.url(path))
            .header("x-api-key", &key)
            .send()
    };
    let me: Value = get("/external-api/v1/me")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user_id"], json!(ada.id()));
    assert_eq!(me["permissions"].as_array().unwrap().len(), 4);
    let blocks = get("/external-api/v1/blocks").await.unwrap();
    assert_eq!(blocks.status().as_u16(), 200);

    let run: Value = app
        .http()
        .post(app.url(&format!(
            "/external-api/v1/graphs/{graph_id}/execute/1?wait=true"
        )))
        .header("x-api-key", &key)
        .json(&json!({"inputs": {"Input": 8}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(run["status"], "COMPLETED", "{run}");
    let exec_id = run["id"].as_str().unwrap();
    let results: Value = get(&format!(
        "/external-api/v1/graphs/{graph_id}/executions/{exec_id}/results"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(results["id"], json!(exec_id), "{results}");

    // EXECUTE_BLOCK was not given.
    let refused = app
        .http()
        .post(app.url(&format!(
            "/external-api/v1/blocks/{}/execute",
            crate::support::CALCULATOR
        )))
        .header("x-api-key", &key)
        .json(&json!({"operation": "Add", "a": 1, "b": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
}
