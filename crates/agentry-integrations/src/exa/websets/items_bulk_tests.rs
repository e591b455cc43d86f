//! The bulk, summary and new-items blocks against a wiremock Websets API (items pages with
//! `hasMore`/`nextCursor`, a webset with its searches and enrichments).

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::items_bulk::{ExaBulkWebsetItems, ExaGetNewItems, ExaWebsetItemsSummary};
use crate::exa::websets::test_support::{answering, answers_errors, pins, refused, run};

fn item(id: &str) -> Value {
    json!({"id": id, "object": "webset_item", "source": "search", "sourceId": "s1",
        "websetId": "ws_1",
        "properties": {"type": "article", "url": format!("https://news.example/{id}"),
            "description": format!("Story {id}"), "content": "Body",
            "article": {"author": null, "publishedAt": null}},
        "evaluations": [],
        "enrichments": [{"object": "enrichment_result", "status": "completed",
            "format": "number", "result": ["3"], "reasoning": null, "references": [],
            "enrichmentId": "we_1"}],
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})
}

fn page(ids: &[&str], next: Option<&str>) -> Value {
    let data: Vec<Value> = ids.iter().map(|id| item(id)).collect();
    json!({"data": data, "hasMore": next.is_some(), "nextCursor": next})
}

#[tokio::test]
async fn bulk_follows_the_cursor_up_to_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "3"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], Some("c_1"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("cursor", "c_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["c", "d"], Some("c_2"))))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaBulkWebsetItems,
        json!({"webset_id": "ws_1", "max_items": 3, "include_content": false,
            "include_enrichments": false}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "items",
            "item",
            "item",
            "item",
            "total_retrieved",
            "truncated"
        ]
    );
    let ids: Vec<&str> = out[0]
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(out[1].1["title"], "Story a");
    assert_eq!(out[1].1["content"], "");
    assert_eq!(out[1].1["enrichments"], json!({}));
    assert_eq!(out[4].1, 3);
    assert_eq!(out[5].1, true);

    assert_eq!(
        refused(
            ExaBulkWebsetItems,
            json!({"webset_id": "ws_1", "max_items": 0}),
            &server
        )
        .await,
        "max_items must be between 1 and 1000, not 0"
    );
}

#[tokio::test]
async fn summary_counts_found_items_and_names_columns() {
    let server = MockServer::start().await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1",
        json!({
            "id": "ws_1", "object": "webset", "status": "idle", "externalId": null,
            "searches": [
                {"id": "s1", "object": "webset_search", "status": "completed",
                 "query": "AI startups", "entity": {"type": "company"}, "criteria": [],
                 "count": 10, "progress": {"found": 7, "analyzed": 20, "completion": 100,
                 "timeLeft": null}},
                {"id": "s2", "object": "webset_search", "status": "running",
                 "query": "more", "entity": {"type": "company"}, "criteria": [],
                 "count": 10, "progress": {"found": 2, "analyzed": 5, "completion": 40,
                 "timeLeft": 30}}],
            "enrichments": [
                {"id": "we_1", "object": "webset_enrichment", "status": "completed",
                 "title": "CEO", "description": "Who runs it", "format": "text"},
                {"id": "we_2", "object": "webset_enrichment", "status": "pending",
                 "title": null, "description": "Employee count", "format": "number"}],
            "monitors": [], "imports": [], "metadata": {},
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"}),
    )
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], None)))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaWebsetItemsSummary,
        json!({"webset_id": "ws_1", "sample_size": 2}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "total_items",
            "entity_type",
            "sample_items",
            "enrichment_columns"
        ]
    );
    assert_eq!(out[0].1, 9);
    assert_eq!(out[1].1, "company");
    assert_eq!(out[2].1.as_array().unwrap().len(), 2);
    assert_eq!(out[3].1, json!(["CEO", "Employee count"]));
}

#[tokio::test]
async fn new_items_start_after_the_saved_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "100"))
        .and(query_param("cursor", "c_saved"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["e"], Some("c_next"))))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaGetNewItems,
        json!({"webset_id": "ws_1", "since_cursor": "c_saved"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        ["new_items", "item", "count", "next_cursor", "has_more"]
    );
    assert_eq!(out[1].1["enrichments"]["we_1"]["result"], json!(["3"]));
    assert_eq!(out[2].1, 1);
    assert_eq!(out[3].1, "c_next");
    assert_eq!(out[4].1, true);
}

#[tokio::test]
async fn bulk_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(|| ExaBulkWebsetItems, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaWebsetItemsSummary, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaGetNewItems, json!({"webset_id": "w"}), &body).await;
}
