//! The store through the HTTP API (on SQLite, or PostgreSQL with `TEST_DATABASE_URL`): a
//! creator's profile and submission (images checked by type and size, graphs that cannot run
//! or hold secrets refused), the admin review (approve once, diff and permissions, take-down),
//! browsing and ranked search, ratings (one per user per version), the library (add, follow or
//! pin, favourite, folder, fork, run with the runner's inputs, download) and run share links
//! (404 after revocation). S3-compatible media storage is checked against a local mock.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Caller, OUTPUT, Reply, TestApp, agent, graph, open_signup};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const AGENT_INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
const SEND_WEB_REQUEST: &str = "6595ae1f-b924-42cb-9a41-551a0611c4b4";

async fn upload(caller: &Caller, content_type: &str, bytes: Vec<u8>) -> Reply {
    let request = caller
        .http()
        .post(caller.url("/api/store/submissions/media"))
        .header("content-type", content_type)
        .body(bytes);
    caller.send(request).await
}

fn submission(graph_id: &str, version: i64, image: &str) -> Value {
    json!({
        "agent_id": graph_id, "agent_version": version, "slug": "arithmetic-helper",
        "name": "Arithmetic Helper", "sub_heading": "Sums for everyone",
        "description": "Adds numbers to a given input and answers with the result.",
        "instructions": "Give it a number.", "agent_output_demo_url": "The answer: 42",
        "categories": ["math", "productivity"], "image_urls": [image],
        "video_url": "https://example.com/video", "changes_summary": "first"
    })
}

#[tokio::test]
async fn a_store_agent_goes_from_submission_to_library_run_and_share() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let user = app.sign_up("bob@example.com").await;

    // Profiles: usernames are unique.
    let profile = json!({"username": "ada", "name": "Ada", "description": "Maths",
                         "links": ["https://ada.example"], "avatar_url": null});
    creator
        .post_json("/api/store/profile", &profile)
        .await
        .expect(200);
    user.post_json("/api/store/profile", &profile)
        .await
        .expect_error(409, "username_taken");
    user.post_json(
        "/api/store/profile",
        &json!({"username": "Bad Name!", "name": "b"}),
    )
    .await
    .expect_error(400, "invalid_submission");

    // Images: checked by their bytes and size.
    let image = upload(&creator, "image/png", PNG.to_vec())
        .await
        .expect(200);
    let image_url = image["url"].as_str().unwrap().to_string();
    let served = creator
        .send(creator.http().get(creator.url(&image_url)))
        .await;
    assert_eq!(served.status, 200);
    upload(&creator, "image/png", b"<svg onload=alert(1)>".to_vec())
        .await
        .expect_error(415, "invalid_image");
    let mut huge = PNG.to_vec();
    huge.resize(6 * 1024 * 1024, 0);
    upload(&creator, "image/png", huge)
        .await
        .expect_error(413, "image_too_large");

    // A graph holding a secret, and one that cannot run, are refused.
    let leaky = creator
        .create_graph(&json!({"graph": graph(
            "leaky",
            &[("in", AGENT_INPUT, json!({"name": "x", "value": "sk-abcdefghijklmnopqrstuvwxyz0123"})),
              ("out", OUTPUT, json!({"name": "y"}))],
            &[("in", "result", "out", "value")],
        )}))
        .await;
    let refused = creator
        .post_json(
            "/api/store/submissions",
            &submission(leaky["id"].as_str().unwrap(), 1, &image_url),
        )
        .await
        .expect_error(400, "graph_holds_secrets");
    assert!(
        refused["details"]["inputs"].to_string().contains(": value"),
        "{refused}"
    );
    let broken = creator
        .create_graph(
            &json!({"graph": graph("broken", &[("web", SEND_WEB_REQUEST, json!({}))], &[])}),
        )
        .await;
    creator
        .post_json(
            "/api/store/submissions",
            &submission(broken["id"].as_str().unwrap(), 1, &image_url),
        )
        .await
        .expect_error(400, "graph_cannot_run");
    // Another user's graph is not the caller's to submit.
    let calc = creator
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let graph_id = calc["id"].as_str().unwrap().to_string();
    user.post_json(
        "/api/store/submissions",
        &submission(&graph_id, 1, &image_url),
    )
    .await
    .expect_error(404, "not_found");

    // Submit, edit while pending; a second pending submission is refused.
    let sub = creator
        .post_json(
            "/api/store/submissions",
            &submission(&graph_id, 1, &image_url),
        )
        .await
        .expect(200);
    assert_eq!(sub["status"], "PENDING");
    assert_eq!(sub["version"], 1);
    let v1 = sub["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string();
    let edited = creator
        .put_json(
            &format!("/api/store/submissions/{v1}"),
            &json!({"sub_heading": "Sums, quickly"}),
        )
        .await
        .expect(200);
    assert_eq!(edited["sub_heading"], "Sums, quickly");
    creator
        .post_json(
            "/api/store/submissions",
            &submission(&graph_id, 1, &image_url),
        )
        .await
        .expect_error(409, "conflict");
    let mine = creator.get("/api/store/submissions").await.expect(200);
    assert_eq!(mine["pagination"]["total_items"], 1);

    // Nothing is published before review; only admins review.
    let browse = user.get("/api/store/agents").await.expect(200);
    assert_eq!(browse["agents"], json!([]));
    user.get("/api/store/admin/listings")
        .await
        .expect_error(403, "admin_required");
    let queue = admin
        .get("/api/store/admin/listings?status=PENDING")
        .await
        .expect(200);
    assert_eq!(
        queue["submissions"][0]["store_listing_version_id"],
        json!(v1)
    );
    let details = admin
        .get(&format!("/api/store/admin/submissions/{v1}"))
        .await
        .expect(200);
    assert!(details["graph"]["nodes"].as_array().unwrap().len() > 1);
    assert_eq!(details["diff"], Value::Null);
    assert_eq!(details["submission"]["permissions"]["runs_code"], false);

    // Approve once: a second decision is refused, and the creator can no longer edit it.
    let review = json!({"is_approved": true, "comments": "Nice", "internal_comments": "checked"});
    let approved = admin
        .post_json(
            &format!("/api/store/admin/submissions/{v1}/review"),
            &review,
        )
        .await
        .expect(200);
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(approved["reviewer_id"], json!(admin.id()));
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v1}/review"),
            &review,
        )
        .await
        .expect_error(409, "submission_already_decided");
    creator
        .put_json(
            &format!("/api/store/submissions/{v1}"),
            &json!({"name": "x"}),
        )
        .await
        .expect_error(409, "submission_already_decided");
    let decided = admin
        .get(&format!("/api/store/admin/submissions/{v1}"))
        .await
        .expect(200);
    assert_eq!(decided["decisions"][0]["action"], "approve");
    assert_eq!(decided["decisions"][0]["internal_note"], "checked");

    // Browse and search.
    let browse = user.get("/api/store/agents").await.expect(200);
    assert_eq!(browse["agents"][0]["slug"], "arithmetic-helper");
    assert_eq!(browse["agents"][0]["creator"], "ada");
    for (query, hits) in [
        ("search_query=numbers", 1),
        ("search_query=ADDS%20result", 1),
        ("search_query=zebra", 0),
        ("search_query=%22OR%20*", 0),
        ("category=math", 1),
        ("category=travel", 0),
        ("creator=ada&sorted_by=rating", 1),
        ("creator=nobody", 0),
    ] {
        let page = user
            .get(&format!("/api/store/agents?{query}"))
            .await
            .expect(200);
        assert_eq!(
            page["agents"].as_array().unwrap().len(),
            hits,
            "{query}: {page}"
        );
    }
    user.get("/api/store/agents?sorted_by=colour")
        .await
        .expect_error(400, "invalid_query");
    let page = user
        .get("/api/store/agents/ada/arithmetic-helper")
        .await
        .expect(200);
    assert_eq!(page["store_listing_version_id"], json!(v1));
    assert!(page["permissions"]["outbound"].is_array());

    // Ratings: one per user per version.
    let rate = |score: i64| json!({"score": score, "comments": "good"});
    user.post_json("/api/store/agents/ada/arithmetic-helper/review", &rate(9))
        .await
        .expect_error(400, "invalid_submission");
    user.post_json("/api/store/agents/ada/arithmetic-helper/review", &rate(4))
        .await
        .expect(200);
    user.post_json("/api/store/agents/ada/arithmetic-helper/review", &rate(5))
        .await
        .expect_error(409, "duplicate_review");
    admin
        .post_json("/api/store/agents/ada/arithmetic-helper/review", &rate(2))
        .await
        .expect(200);
    let creator_page = user.get("/api/store/creator/ada").await.expect(200);
    assert_eq!(creator_page["agent_rating"], 3.0);
    assert_eq!(creator_page["agents"].as_array().unwrap().len(), 1);

    // The library: add by reference (once), favourite, folder, run as the caller.
    let added = user
        .post_json(
            "/api/library/agents",
            &json!({"store_listing_version_id": v1}),
        )
        .await
        .expect(200);
    user.post_json(
        "/api/library/agents",
        &json!({"store_listing_version_id": v1}),
    )
    .await
    .expect_error(409, "conflict");
    assert_eq!(added["graph_id"], json!(graph_id));
    assert_eq!(added["is_created_by_user"], false);
    assert!(added["credentials_input_schema"].is_object());
    let lib_id = added["id"].as_str().unwrap().to_string();
    let folder = user
        .post_json("/api/library/folders", &json!({"name": "Maths"}))
        .await
        .expect(200);
    let patched = user
        .patch_json(
            &format!("/api/library/agents/{lib_id}"),
            &json!({"is_favorite": true, "folder_id": folder["id"]}),
        )
        .await
        .expect(200);
    assert_eq!(patched["is_favorite"], true);
    let favourites = user
        .get("/api/library/agents?favorites_only=true")
        .await
        .expect(200);
    assert_eq!(favourites["agents"].as_array().unwrap().len(), 1);
    let run = user
        .post_json(
            &format!("/api/library/agents/{lib_id}/execute"),
            &json!({"inputs": {"Input": 8}}),
        )
        .await
        .expect(200);
    let exec_id = run["id"].as_str().unwrap().to_string();
    let done = app
        .engine
        .wait(&exec_id, Duration::from_secs(30))
        .await
        .expect("the run ends");
    assert_eq!(format!("{:?}", done.status), "Completed", "{done:?}");
    let browse = user
        .get("/api/store/agents?sorted_by=runs")
        .await
        .expect(200);
    assert_eq!(browse["agents"][0]["runs"], 1);

    // Share the run: outputs only; 404 after revocation.
    let share = user
        .post_json(
            &format!("/api/graphs/{graph_id}/executions/{exec_id}/share"),
            &json!({}),
        )
        .await
        .expect(200);
    let shared_path = share["share_url"].as_str().unwrap().to_string();
    let shared = app.get(&shared_path).await.expect(200);
    assert_eq!(shared["status"], "COMPLETED");
    assert_eq!(shared["inputs"], Value::Null);
    assert!(
        shared["outputs"].as_object().is_some_and(|o| !o.is_empty()),
        "{shared}"
    );
    creator
        .delete(&format!(
            "/api/graphs/{graph_id}/executions/{exec_id}/share"
        ))
        .await
        .expect_error(404, "not_found");
    user.delete(&format!(
        "/api/graphs/{graph_id}/executions/{exec_id}/share"
    ))
    .await
    .expect(204);
    app.get(&shared_path).await.expect_error(404, "not_found");
    app.get("/api/public/shared/not-a-token")
        .await
        .expect_error(404, "not_found");

    // Download and fork.
    let file = user
        .get(&format!("/api/store/download/agents/{v1}"))
        .await
        .expect(200);
    assert_eq!(
        file["nodes"].as_array().unwrap().len(),
        calc["nodes"].as_array().unwrap().len()
    );
    assert!(file.get("user_id").is_none());
    let fork = user
        .post_json(&format!("/api/library/agents/{lib_id}/fork"), &json!({}))
        .await
        .expect(200);
    assert_eq!(fork["is_created_by_user"], true);
    assert_ne!(fork["graph_id"], json!(graph_id));
    user.get(&format!(
        "/api/graphs/{}",
        fork["graph_id"].as_str().unwrap()
    ))
    .await
    .expect(200);

    // A new version that asks for more is flagged, in review and in the library.
    let mut v2_graph = agent("calculator-agent.json");
    v2_graph["nodes"].as_array_mut().unwrap().push(json!({
        "id": "web", "block_id": SEND_WEB_REQUEST,
        "input_default": {"url": "https://api.example.com/x", "method": "GET"}, "metadata": {}
    }));
    let updated = creator
        .put_json(
            &format!("/api/graphs/{graph_id}"),
            &json!({"graph": v2_graph}),
        )
        .await
        .expect(200);
    let v2_version = updated["version"].as_i64().unwrap();
    let sub2 = creator
        .post_json(
            "/api/store/submissions",
            &submission(&graph_id, v2_version, &image_url),
        )
        .await
        .expect(200);
    assert_eq!(sub2["version"], 2);
    assert_eq!(sub2["permissions"]["asks_more"], true);
    let v2 = sub2["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string();
    let details = admin
        .get(&format!("/api/store/admin/submissions/{v2}"))
        .await
        .expect(200);
    assert_eq!(details["diff"]["previous_version_id"], json!(v1));
    assert_eq!(details["diff"]["blocks_added"]["SendWebRequestBlock"], 1);
    assert!(
        details["diff"]["asks_more"]
            .to_string()
            .contains("api.example.com"),
        "{details}"
    );
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v2}/review"),
            &review,
        )
        .await
        .expect(200);
    let followed = user
        .get(&format!("/api/library/agents/{lib_id}"))
        .await
        .expect(200);
    assert_eq!(followed["graph_version"], json!(v2_version));
    assert_eq!(followed["permissions_increased"], true);
    // Pinned to version 1: an update is available.
    let pinned = user
        .patch_json(
            &format!("/api/library/agents/{lib_id}"),
            &json!({"auto_update_version": false, "graph_version": 1}),
        )
        .await
        .expect(200);
    assert_eq!(pinned["graph_version"], 1);
    assert_eq!(pinned["update_available"], true);

    // Take-down: version 2 goes, the listing falls back to version 1; only once.
    let reason = json!({"reason": "calls an unknown host"});
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v2}/take-down"),
            &reason,
        )
        .await
        .expect(200);
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v2}/take-down"),
            &reason,
        )
        .await
        .expect_error(409, "submission_already_decided");
    let page = user
        .get("/api/store/agents/ada/arithmetic-helper")
        .await
        .expect(200);
    assert_eq!(page["store_listing_version_id"], json!(v1));
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v1}/take-down"),
            &reason,
        )
        .await
        .expect(200);
    user.get("/api/store/agents/ada/arithmetic-helper")
        .await
        .expect_error(404, "not_found");
    let gone = user
        .get(&format!("/api/library/agents/{lib_id}"))
        .await
        .expect(200);
    assert_eq!(gone["can_access_graph"], false);
    user.post_json(
        &format!("/api/library/agents/{lib_id}/execute"),
        &json!({"inputs": {"Input": 8}}),
    )
    .await
    .expect_error(404, "not_found");
    let mine = creator.get("/api/store/submissions").await.expect(200);
    assert_eq!(
        mine["submissions"][0]["takedown_reason"],
        "calls an unknown host"
    );
}

#[tokio::test]
async fn a_pending_submission_can_be_withdrawn_and_rejection_returns_it() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let calc = creator
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let graph_id = calc["id"].as_str().unwrap();
    let sub = creator
        .post_json(
            "/api/store/submissions",
            &submission(graph_id, 1, "https://img.example/a.png"),
        )
        .await
        .expect(200);
    let id = sub["store_listing_version_id"].as_str().unwrap();
    creator
        .delete(&format!("/api/store/submissions/{id}"))
        .await
        .expect(204);
    creator
        .delete(&format!("/api/store/submissions/{id}"))
        .await
        .expect_error(404, "not_found");
    let sub = creator
        .post_json(
            "/api/store/submissions",
            &submission(graph_id, 1, "https://img.example/a.png"),
        )
        .await
        .expect(200);
    let id = sub["store_listing_version_id"].as_str().unwrap();
    let rejected = admin
        .post_json(
            &format!("/api/store/admin/submissions/{id}/review"),
            &json!({"is_approved": false, "comments": "Add a description", "internal_comments": "spam?"}),
        )
        .await
        .expect(200);
    assert_eq!(rejected["status"], "REJECTED");
    let mine = creator.get("/api/store/submissions").await.expect(200);
    assert_eq!(
        mine["submissions"][0]["review_comments"],
        "Add a description"
    );
    // The internal note is not shown to the creator.
    assert!(!mine.to_string().contains("spam?"));
    creator
        .delete(&format!("/api/store/submissions/{id}"))
        .await
        .expect_error(409, "submission_already_decided");
    let browse = creator.get("/api/store/agents").await.expect(200);
    assert_eq!(browse["agents"], json!([]));
}

#[tokio::test]
async fn media_goes_to_an_s3_compatible_bucket() {
    let s3 = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path_regex("^/media/store/[0-9a-f]{32}\\.png$"))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"e1\""))
        .expect(1)
        .mount(&s3)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/media/store/[0-9a-f]{32}\\.png$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"e1\"")
                .insert_header("Last-Modified", "Thu, 03 Dec 2026 06:00:00 GMT")
                .insert_header("Content-Length", PNG.len().to_string().as_str())
                .set_body_bytes(PNG),
        )
        .mount(&s3)
        .await;
    let media = agentry_server::media::Media::s3(&agentry_server::media::S3Settings {
        endpoint: s3.uri(),
        bucket: "media".into(),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test-secret".into(),
        allow_http: true,
    })
    .unwrap();
    let file = media.put_image(PNG.to_vec().into()).await.unwrap();
    let (bytes, content_type) = media.get(&file).await.unwrap();
    assert_eq!(&bytes[..], PNG);
    assert_eq!(content_type, "image/png");
    assert!(matches!(
        media.put_image(b"GIF00 nope".to_vec().into()).await,
        Err(agentry_server::media::MediaError::NotAnImage)
    ));
    let puts = s3.received_requests().await.unwrap();
    assert!(
        puts.iter().any(|r| r
            .headers
            .get("authorization")
            .is_some_and(|a| a.to_str().unwrap().starts_with("AWS4-HMAC-SHA256"))),
        "requests are signed"
    );
}
