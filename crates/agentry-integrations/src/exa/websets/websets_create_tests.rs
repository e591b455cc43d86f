//! The webset creation blocks (create, create-or-find) against a wiremock Exa API answering the
//! Websets API's webset shape (`/websets/v0/websets`).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::websets_create::ExaCreateWebset;
use super::websets_lifecycle::ExaCreateOrFindWebset;
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};
use crate::testing::error_of;

/// A webset as `GET /websets/v0/websets/{id}` answers it.
pub fn webset(status: &str, found: i64) -> Value {
    json!({"id": "webset_01", "object": "webset", "status": status,
        "externalId": "my-webset-123", "title": "Marketing agencies",
        "dashboardUrl": "https://websets.exa.ai/webset_01",
        "searches": [{"id": "ws_search_1", "object": "webset_search", "websetId": "webset_01",
            "status": if status == "idle" { "completed" } else { "running" },
            "query": "Marketing agencies in the US", "entity": {"type": "company"},
            "criteria": [{"description": "Based in the US", "successRate": 80}],
            "count": 10, "behavior": "override", "exclude": [], "scope": [],
            "progress": {"found": found, "analyzed": 30, "completion": 40, "timeLeft": null},
            "recall": null, "metadata": {}, "canceledAt": null, "canceledReason": null,
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:01:00Z"}],
        "imports": [],
        "enrichments": [{"id": "wenrich_1", "object": "webset_enrichment", "status": "completed",
            "websetId": "webset_01", "title": "CEO", "description": "Name of the CEO",
            "format": "text", "options": null, "instructions": null, "metadata": {},
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"}],
        "monitors": [], "excludes": [], "metadata": {"team": "growth"},
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:05:00.250Z"})
}

#[tokio::test]
async fn creates_a_webset_from_the_flattened_inputs_and_waits_until_idle() {
    let server = MockServer::start().await;
    let expected = json!({
        "search": {"query": "Marketing agencies in the US", "count": 25,
            "entity": {"type": "custom", "description": "Agencies with a US office"},
            "criteria": [{"description": "Based in the US"}],
            "exclude": [{"source": "webset", "id": "webset_old"}, {"source": "import", "id": "import_1"}],
            "scope": [{"source": "import", "id": "import_2",
                "relationship": {"definition": "employees of", "limit": 3}}]},
        "import": [{"source": "webset", "id": "webset_seed"}],
        "enrichments": [
            {"description": "Name of the CEO", "format": "text", "metadata": {"col": "ceo"}},
            {"description": "Size", "format": "options",
                "options": [{"label": "small"}, {"label": "large"}]}],
        "externalId": "my-webset-123",
        "metadata": {"team": "growth"}});
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(201).set_body_json(webset("running", 0)))
        .expect(1)
        .mount(&server)
        .await;
    answering("GET", "/websets/v0/websets/webset_01", webset("idle", 12))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaCreateWebset, json!({
            "search_query": "Marketing agencies in the US", "search_count": 25,
            "search_entity_type": "custom", "search_entity_description": "Agencies with a US office",
            "search_criteria": ["Based in the US"],
            "search_exclude_sources": ["webset_old", "import_1"], "search_exclude_types": ["webset"],
            "search_scope_sources": ["import_2"], "search_scope_relationships": ["employees of"],
            "search_scope_relationship_limits": [3],
            "import_sources": ["webset_seed"], "import_types": ["webset"],
            "enrichment_descriptions": ["Name of the CEO", "Size"],
            "enrichment_formats": ["text", "options"],
            "enrichment_options": [[], ["small", "large"]],
            "enrichment_metadata": [{"col": "ceo"}],
            "external_id": "my-webset-123", "metadata": {"team": "growth"}}), &server).await;
    assert_eq!(
        pins(&out),
        ["webset", "initial_item_count", "completion_time"]
    );
    // The webset as created (still running), keyed by alias, its times in Python's isoformat.
    let w = &out[0].1;
    assert_eq!(w["id"], "webset_01");
    assert_eq!(w["status"], "running");
    assert_eq!(w["externalId"], "my-webset-123");
    assert_eq!(w["searches"][0]["query"], "Marketing agencies in the US");
    assert_eq!(w["enrichments"][0]["id"], "wenrich_1");
    assert_eq!(w["monitors"], json!([]));
    assert_eq!(w["metadata"], json!({"team": "growth"}));
    assert_eq!(w["createdAt"], "2025-06-01T10:00:00+00:00");
    assert_eq!(w["updatedAt"], "2025-06-01T10:05:00.250000+00:00");
    assert!(w.get("dashboardUrl").is_none());
    // The count is read from the idle webset.
    assert_eq!(out[1].1, 12);
    assert!(out[2].1.as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn creates_without_waiting_with_the_defaults_and_times_out_waiting() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets"))
        .and(body_json(json!({
            "search": {"query": "Robotics startups", "count": 10}, "metadata": {}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(webset("running", 0)))
        .expect(2)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateWebset,
        json!({"search_query": "Robotics startups", "wait_for_initial_results": false}),
        &server,
    )
    .await;
    assert_eq!(pins(&out), ["webset"]);
    assert_eq!(out[0].1["status"], "running");

    // Still running after the polling timeout: the SDK's TimeoutError, as AutoGPT reports it.
    answering("GET", "/websets/v0/websets/webset_01", webset("running", 3))
        .expect(2)
        .mount(&server)
        .await;
    assert_eq!(
        refused(
            ExaCreateWebset,
            json!({"search_query": "Robotics startups", "polling_timeout": 1}),
            &server
        )
        .await,
        "Webset webset_01 did not become idle within 1 seconds"
    );
}

#[tokio::test]
async fn create_refuses_out_of_range_inputs_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let cases = [
        (
            json!({"search_query": "q", "search_count": 0}),
            "search_count must be 1 to 1000, not 0",
        ),
        (
            json!({"search_query": "q", "polling_timeout": 601}),
            "polling_timeout must be 1 to 600 seconds, not 601",
        ),
        (
            json!({"search_query": "q", "search_scope_sources": ["i"],
                "search_scope_relationships": ["r"], "search_scope_relationship_limits": [0]}),
            "search_scope_relationship_limits must be positive, not 0",
        ),
    ];
    for (bad, message) in cases {
        assert_eq!(refused(ExaCreateWebset, bad, &server).await, message);
    }
    assert_eq!(
        refused(
            ExaCreateOrFindWebset,
            json!({"external_id": "x", "search_count": 1001}),
            &server
        )
        .await,
        "search_count must be 1 to 1000, not 1001"
    );
    let out = run(
        ExaCreateWebset,
        json!({"search_query": "q", "search_entity_type": "robot"}),
        &server,
    )
    .await;
    assert!(error_of(&out).contains("robot"), "{out:?}");
}

#[tokio::test]
async fn create_or_find_returns_the_existing_webset_or_creates_it_on_a_404() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/my-webset-123"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(webset("idle", 5)))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateOrFindWebset,
        json!({"external_id": "my-webset-123", "search_query": "ignored"}),
        &server,
    )
    .await;
    assert_eq!(pins(&out), ["webset", "was_created"]);
    assert_eq!(out[0].1["id"], "webset_01");
    assert_eq!(out[1].1, false);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/new%20one"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "statusCode": 404, "message": "Webset not found", "timestamp": "2025-06-01T10:00:00Z",
            "path": "/v0/websets/new%20one"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets"))
        .and(body_json(
            json!({"search": {"query": "Robotics startups", "count": 5},
            "externalId": "new one", "metadata": {"k": "v"}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(webset("running", 0)))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateOrFindWebset,
        json!({"external_id": "new one", "search_query": "Robotics startups",
            "search_count": 5, "metadata": {"k": "v"}}),
        &server,
    )
    .await;
    assert_eq!(pins(&out), ["webset", "was_created"]);
    assert_eq!(out[0].1["status"], "running");
    assert_eq!(out[1].1, true);

    // Without a query no search is sent.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "nope"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"externalId": "bare"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(webset("idle", 0)))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateOrFindWebset,
        json!({"external_id": "bare"}),
        &server,
    )
    .await;
    assert_eq!(out[1].1, true);
}

#[tokio::test]
async fn creation_blocks_answer_errors() {
    let body = json!({"statusCode": 400, "message": "Invalid API key"});
    let create = json!({"search_query": "q", "wait_for_initial_results": false});
    answers_errors(|| ExaCreateWebset, create, &body).await;
    // A 404 on the lookup leads to the create, which the mock answers alike.
    answers_errors(|| ExaCreateOrFindWebset, json!({"external_id": "x"}), &body).await;
}
