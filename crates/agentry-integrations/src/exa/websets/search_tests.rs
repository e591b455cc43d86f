//! The webset search blocks against a wiremock Exa API answering the Websets API's search and
//! webset shapes (`/websets/v0/websets/{webset}/searches`).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::search_manage::{ExaCancelWebsetSearch, ExaFindOrCreateSearch};
use super::{ExaCreateWebsetSearch, ExaGetWebsetSearch};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};
use crate::testing::error_of;

/// A search as the Websets API answers it.
pub(crate) fn search(status: &str) -> Value {
    json!({"id": "ws_search_1", "object": "webset_search", "websetId": "ws_1",
        "status": status, "query": "AI startups in Berlin", "entity": {"type": "company"},
        "criteria": [{"description": "Founded after 2020", "successRate": 80}],
        "count": 10, "behavior": "append", "exclude": [], "scope": [],
        "progress": {"found": 3, "analyzed": 40, "completion": 30, "timeLeft": 120},
        "recall": {"expected": {"total": 250, "confidence": "medium",
            "bounds": {"min": 200, "max": 300}}, "reasoning": "Many startups"},
        "metadata": {"team": "growth"}, "canceledAt": null, "canceledReason": null,
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:05:00Z"})
}

#[tokio::test]
async fn creates_a_search_with_autogpts_payload() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws%201/searches"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({
            "query": "AI startups in Berlin", "count": 25, "behavior": "append",
            "recall": true, "entity": {"type": "custom", "description": "Startups"},
            "criteria": [{"description": "Founded after 2020"}],
            "exclude": [{"source": "webset", "id": "ws_old"}, {"source": "import", "id": "imp_1"}],
            "scope": [{"source": "import", "id": "imp_2",
                "relationship": {"definition": "investors of", "limit": 3}}],
            "metadata": {"team": "growth"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(search("created")))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateWebsetSearch,
        json!({"webset_id": "ws 1", "query": "AI startups in Berlin", "count": 25,
            "entity_type": "custom", "entity_description": "Startups",
            "criteria": ["Founded after 2020"],
            "exclude_source_ids": ["ws_old", "imp_1"], "exclude_source_types": ["webset"],
            "scope_source_ids": ["imp_2"], "scope_relationships": ["investors of"],
            "scope_relationship_limits": [3], "metadata": {"team": "growth"}}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "search_id",
            "webset_id",
            "status",
            "query",
            "expected_results"
        ]
    );
    assert_eq!(out[0].1, "ws_search_1");
    assert_eq!(out[1].1, "ws 1");
    assert_eq!(out[2].1, "created");
    assert_eq!(
        out[4].1,
        json!({"total": 250, "confidence": "medium", "min": 200, "max": 300,
            "reasoning": "Many startups"})
    );
}

#[tokio::test]
async fn creating_waits_for_the_search_or_the_timeout() {
    // The first look finds it completed: no pause at all.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws_1/searches"))
        .and(body_json(
            json!({"query": "q", "count": 10, "behavior": "append",
            "recall": true}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(search("created")))
        .expect(1)
        .mount(&server)
        .await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1/searches/ws_search_1",
        search("completed"),
    )
    .expect(1)
    .mount(&server)
    .await;
    let out = run(
        ExaCreateWebsetSearch,
        json!({"webset_id": "ws_1", "query": "q", "wait_for_completion": true}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "search_id",
            "webset_id",
            "status",
            "query",
            "expected_results",
            "items_found",
            "completion_time"
        ]
    );
    assert_eq!(out[2].1, "completed");
    assert_eq!(out[5].1, 3);
    assert!(out[6].1.as_f64().unwrap() >= 0.0);

    // Still running when the one-second timeout passes: the created status and no items.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search("created")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search("running")))
        .mount(&server)
        .await;
    let out = run(
        ExaCreateWebsetSearch,
        json!({"webset_id": "ws_1", "query": "q", "wait_for_completion": true,
            "polling_timeout": 1}),
        &server,
    )
    .await;
    assert_eq!(out[2].1, "created");
    assert_eq!(out[5].1, 0);
    assert!(out[6].1.as_f64().unwrap() >= 1.0);
}

#[tokio::test]
async fn gets_a_search_in_autogpts_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/searches/ws_search_1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(search("running")))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaGetWebsetSearch,
        json!({"webset_id": "ws_1", "search_id": "ws_search_1"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "search_id",
            "status",
            "query",
            "entity_type",
            "criteria",
            "progress",
            "recall",
            "created_at",
            "updated_at",
            "canceled_at",
            "canceled_reason",
            "metadata"
        ]
    );
    assert_eq!(out[3].1, "company");
    assert_eq!(
        out[4].1,
        json!([{"description": "Founded after 2020", "successRate": 80}])
    );
    assert_eq!(
        out[5].1,
        json!({"found": 3, "analyzed": 40, "completion": 30, "time_left": 120})
    );
    assert_eq!(
        out[6].1,
        json!({"expected_total": 250, "confidence": "medium", "min_expected": 200,
            "max_expected": 300, "reasoning": "Many startups"})
    );
    assert_eq!(out[7].1, "2025-06-01T10:00:00+00:00");
    assert_eq!(out[8].1, "2025-06-01T10:05:00+00:00");
    assert_eq!(out[9].1, Value::Null);
    assert_eq!(out[11].1, json!({"team": "growth"}));
}

#[tokio::test]
async fn cancels_a_search_without_a_body() {
    let server = MockServer::start().await;
    let mut canceled = search("canceled");
    canceled["canceledAt"] = json!("2025-06-01T10:06:00Z");
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws_1/searches/ws_search_1/cancel"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(canceled))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCancelWebsetSearch,
        json!({"webset_id": "ws_1", "search_id": "ws_search_1", "reason": "enough"}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("search_id".to_string(), json!("ws_search_1")),
            ("status".to_string(), json!("canceled")),
            ("items_found_before_cancel".to_string(), json!(3)),
            ("success".to_string(), json!("true")),
        ]
    );
    let sent = server.received_requests().await.unwrap();
    assert!(sent[0].body.is_empty());
}

fn webset(searches: Vec<Value>) -> Value {
    json!({"id": "ws_1", "object": "webset", "status": "running",
        "dashboardUrl": "https://websets.exa.ai/ws_1", "title": null, "externalId": null,
        "searches": searches, "enrichments": [], "monitors": [], "metadata": {},
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:05:00Z"})
}

#[tokio::test]
async fn finds_a_search_by_its_query_or_creates_one() {
    let server = MockServer::start().await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1",
        webset(vec![search("running")]),
    )
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws_1/searches"))
        .and(body_json(json!({"query": "Fintechs in Paris", "count": 10,
            "behavior": "override", "entity": {"type": "person"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut s = search("created");
            s["id"] = json!("ws_search_2");
            s["query"] = json!("Fintechs in Paris");
            s
        }))
        .expect(1)
        .mount(&server)
        .await;
    // The same query in other case and spacing: the existing search, nothing created.
    let out = run(
        ExaFindOrCreateSearch,
        json!({"webset_id": "ws_1", "query": "  ai STARTUPS in berlin "}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("search_id".to_string(), json!("ws_search_1")),
            ("webset_id".to_string(), json!("ws_1")),
            ("status".to_string(), json!("running")),
            ("query".to_string(), json!("AI startups in Berlin")),
            ("was_created".to_string(), json!(false)),
            ("items_found".to_string(), json!(3)),
        ]
    );
    let out = run(
        ExaFindOrCreateSearch,
        json!({"webset_id": "ws_1", "query": "Fintechs in Paris",
            "entity_type": "person"}),
        &server,
    )
    .await;
    assert_eq!(out[0].1, "ws_search_2");
    assert_eq!(out[2].1, "created");
    assert_eq!(out[4].1, true);
    assert_eq!(out[5].1, 0);
}

#[tokio::test]
async fn refuses_bad_input_before_any_request() {
    let server = MockServer::start().await;
    let cases = [
        (
            json!({"webset_id": "ws_1", "query": "q", "count": 0}),
            "count must be 1 to 1000 and polling_timeout 1 to 600 seconds, not 0 and 300",
        ),
        (
            json!({"webset_id": "ws_1", "query": "q", "polling_timeout": 601}),
            "count must be 1 to 1000 and polling_timeout 1 to 600 seconds, not 10 and 601",
        ),
        (
            json!({"webset_id": " ", "query": "q"}),
            "webset_id must not be empty",
        ),
    ];
    for (bad, wanted) in cases {
        assert_eq!(refused(ExaCreateWebsetSearch, bad, &server).await, wanted);
    }
    let out = run(
        ExaCreateWebsetSearch,
        json!({"webset_id": "ws_1", "query": "q", "entity_type": "planet"}),
        &server,
    )
    .await;
    assert!(error_of(&out).contains("planet"), "{out:?}");
    assert_eq!(
        refused(
            ExaFindOrCreateSearch,
            json!({"webset_id": "ws_1", "query": "q", "count": 1001}),
            &server
        )
        .await,
        "count must be 1 to 1000, not 1001"
    );
    assert_eq!(
        refused(
            ExaGetWebsetSearch,
            json!({"webset_id": "ws_1", "search_id": ""}),
            &server
        )
        .await,
        "search_id must not be empty"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn search_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(
        || ExaCreateWebsetSearch,
        json!({"webset_id": "w", "query": "q"}),
        &body,
    )
    .await;
    answers_errors(
        || ExaGetWebsetSearch,
        json!({"webset_id": "w", "search_id": "s"}),
        &body,
    )
    .await;
    answers_errors(
        || ExaCancelWebsetSearch,
        json!({"webset_id": "w", "search_id": "s"}),
        &body,
    )
    .await;
    answers_errors(
        || ExaFindOrCreateSearch,
        json!({"webset_id": "w", "query": "q"}),
        &body,
    )
    .await;
}
