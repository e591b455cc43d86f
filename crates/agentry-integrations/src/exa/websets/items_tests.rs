//! The webset item blocks against a wiremock Exa API answering the Websets API's item shapes
//! (`/websets/v0/websets/{webset}/items`).

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::items::{ExaDeleteWebsetItem, ExaGetWebsetItem, ExaListWebsetItems};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};

fn company_item() -> Value {
    json!({"id": "witem_01", "object": "webset_item", "source": "search",
        "sourceId": "ws_search_1", "websetId": "ws_1",
        "properties": {"type": "company", "url": "https://acme.example",
            "description": "Maker of anvils", "content": "Acme makes anvils.",
            "company": {"name": "Acme", "location": "Arizona", "employees": 120,
                "industry": "Manufacturing", "about": null, "logoUrl": null}},
        "evaluations": [{"criterion": "Makes anvils", "reasoning": "It does", "satisfied": "yes",
            "references": []}],
        "enrichments": [{"object": "enrichment_result", "status": "completed", "format": "text",
            "result": ["CEO: Wile E."], "reasoning": "From the about page",
            "references": [{"title": "About", "snippet": null, "url": "https://acme.example/about"}],
            "enrichmentId": "wenrich_1"}],
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-02T10:00:00Z"})
}

fn person_item() -> Value {
    json!({"id": "witem_02", "object": "webset_item", "source": "search",
        "sourceId": "ws_search_1", "websetId": "ws_1",
        "properties": {"type": "person", "url": "https://linkedin.example/in/ada",
            "description": "Engineer", "person": {"name": "Ada", "location": null,
                "position": "CTO", "pictureUrl": null}},
        "evaluations": [], "enrichments": null,
        "createdAt": "2025-06-01T11:00:00Z", "updatedAt": "2025-06-01T11:00:00Z"})
}

#[tokio::test]
async fn gets_an_item_in_autogpts_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws%201/items/witem_01"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(company_item()))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaGetWebsetItem,
        json!({"webset_id": "ws 1", "item_id": "witem_01"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "item_id",
            "url",
            "title",
            "content",
            "entity_data",
            "enrichments",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(out[0].1, "witem_01");
    assert_eq!(out[1].1, "https://acme.example");
    assert_eq!(out[2].1, "Acme");
    assert_eq!(out[3].1, "Acme makes anvils.");
    // Nulls are dropped at the top level of the properties, as the SDK's exclude_none dump.
    assert_eq!(out[4].1["type"], "company");
    assert_eq!(out[4].1["company"]["name"], "Acme");
    assert_eq!(
        out[5].1,
        json!({"wenrich_1": {"enrichment_id": "wenrich_1", "format": "text",
            "result": ["CEO: Wile E."], "reasoning": "From the about page",
            "references": [{"title": "About", "url": "https://acme.example/about"}]}})
    );
    assert_eq!(out[6].1, "2025-06-01T10:00:00Z");
}

#[tokio::test]
async fn lists_items_with_the_cursor_and_waits_for_the_first() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "c_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [company_item(), person_item()], "hasMore": true, "nextCursor": "c_2"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaListWebsetItems,
        json!({"webset_id": "ws_1", "limit": 2, "cursor": "c_1"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "items",
            "item",
            "item",
            "has_more",
            "next_cursor",
            "webset_id"
        ]
    );
    assert_eq!(out[0].1.as_array().unwrap().len(), 2);
    assert_eq!(out[2].1["title"], "Ada");
    assert_eq!(out[2].1["content"], "");
    assert_eq!(out[2].1["enrichments"], json!({}));
    assert_eq!(out[3].1, true);
    assert_eq!(out[4].1, "c_2");
    assert_eq!(out[5].1, "ws_1");

    // Still processing: the first page is empty, the next one has the item.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "hasMore": false, "nextCursor": null})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1/items",
        json!({
            "data": [company_item()], "hasMore": false, "nextCursor": null}),
    )
    .expect(1)
    .mount(&server)
    .await;
    let out = run(
        ExaListWebsetItems,
        json!({"webset_id": "ws_1", "wait_for_items": true, "wait_timeout": 5}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        ["items", "item", "has_more", "next_cursor", "webset_id"]
    );
    assert_eq!(out[1].1["id"], "witem_01");
    assert_eq!(out[3].1, Value::Null);
}

#[tokio::test]
async fn deletes_an_item_and_refuses_bad_limits() {
    let server = MockServer::start().await;
    answering(
        "DELETE",
        "/websets/v0/websets/ws_1/items/witem_01",
        company_item(),
    )
    .expect(1)
    .mount(&server)
    .await;
    let out = run(
        ExaDeleteWebsetItem,
        json!({"webset_id": "ws_1", "item_id": "witem_01"}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("item_id".to_string(), json!("witem_01")),
            ("success".to_string(), json!("true"))
        ]
    );

    assert_eq!(
        refused(
            ExaListWebsetItems,
            json!({"webset_id": "ws_1", "limit": 101}),
            &server
        )
        .await,
        "limit must be 1 to 100 and wait_timeout 1 to 300 seconds, not 101 and 60"
    );
}

#[tokio::test]
async fn item_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(
        || ExaGetWebsetItem,
        json!({"webset_id": "w", "item_id": "i"}),
        &body,
    )
    .await;
    answers_errors(|| ExaListWebsetItems, json!({"webset_id": "w"}), &body).await;
    answers_errors(
        || ExaDeleteWebsetItem,
        json!({"webset_id": "w", "item_id": "i"}),
        &body,
    )
    .await;
}
