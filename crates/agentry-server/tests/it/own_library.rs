//! The user's own graphs are in their library on the server (as AutoGPT keeps a LibraryAgent
//! for each graph its user makes): one record per graph however often the library is listed,
//! following the active version, favourite / archive / folder through the library routes,
//! gone with the graph, and invisible to anyone else.

use serde_json::{Value, json};

use crate::support::{OUTPUT, TestApp, graph, open_signup};

const AGENT_INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";

fn echo(name: &str) -> Value {
    json!({"graph": graph(
        name,
        &[("in", AGENT_INPUT, json!({"name": "x"})), ("out", OUTPUT, json!({"name": "y"}))],
        &[("in", "result", "out", "value")],
    )})
}

fn own(list: &Value) -> Vec<Value> {
    list["agents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["is_created_by_user"] == json!(true))
        .cloned()
        .collect()
}

#[tokio::test]
async fn own_graphs_have_server_side_library_records() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let ada = app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let created = ada.create_graph(&echo("echo")).await;
    let graph_id = created["id"].as_str().unwrap().to_owned();

    let first = ada.get("/api/library/agents").await.expect(200);
    let second = ada.get("/api/library/agents").await.expect(200);
    assert_eq!(own(&first).len(), 1, "{first}");
    assert_eq!(
        own(&first)[0]["id"],
        own(&second)[0]["id"],
        "one record per graph"
    );
    let record = own(&first)[0].clone();
    assert_eq!(record["graph_id"], json!(graph_id));
    assert_eq!(record["name"], json!("echo"));
    assert_eq!(record["is_favorite"], json!(false));
    let id = record["id"].as_str().unwrap().to_owned();

    // Favourite, folder and archive go through the library routes.
    let folder = ada
        .post_json("/api/library/folders", &json!({"name": "Mine"}))
        .await
        .expect(200);
    let changed = ada
        .patch_json(
            &format!("/api/library/agents/{id}"),
            &json!({"is_favorite": true, "folder_id": folder["id"]}),
        )
        .await
        .expect(200);
    assert_eq!(changed["is_favorite"], json!(true));
    assert_eq!(changed["folder_id"], folder["id"]);
    let favourites = ada
        .get("/api/library/agents?favorites_only=true")
        .await
        .expect(200);
    assert_eq!(own(&favourites).len(), 1);

    // A new version of the graph is what the record runs.
    let mut v2 = echo("echo two");
    v2["graph"]["id"] = json!(graph_id);
    ada.put_json(&format!("/api/graphs/{graph_id}"), &v2["graph"])
        .await
        .expect(200);
    let now = ada
        .get(&format!("/api/library/agents/{id}"))
        .await
        .expect(200);
    assert_eq!(now["graph_version"], json!(2), "{now}");
    assert_eq!(now["name"], json!("echo two"));
    assert_eq!(now["is_favorite"], json!(true), "kept across versions");

    // Archived records leave the default list and stay one record.
    ada.patch_json(
        &format!("/api/library/agents/{id}"),
        &json!({"is_archived": true}),
    )
    .await
    .expect(200);
    let listed = ada.get("/api/library/agents").await.expect(200);
    assert!(own(&listed).is_empty(), "{listed}");
    let all = ada
        .get("/api/library/agents?include_archived=true")
        .await
        .expect(200);
    assert_eq!(own(&all).len(), 1);

    // Someone else sees none of it and cannot change it.
    let theirs = bob
        .get("/api/library/agents?include_archived=true")
        .await
        .expect(200);
    assert!(theirs["agents"].as_array().unwrap().is_empty(), "{theirs}");
    bob.patch_json(
        &format!("/api/library/agents/{id}"),
        &json!({"is_favorite": false}),
    )
    .await
    .expect_error(404, "not_found");

    // Deleting the graph takes its record with it.
    ada.delete(&format!("/api/graphs/{graph_id}"))
        .await
        .expect(200);
    let after = ada
        .get("/api/library/agents?include_archived=true")
        .await
        .expect(200);
    assert!(own(&after).is_empty(), "{after}");
}
