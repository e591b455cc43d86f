//! The webset enrichment blocks against a wiremock Exa API answering the Websets API's
//! enrichment, webset and item shapes (`/websets/v0/websets/{webset}/enrichments`).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::enrichment_manage::{ExaCancelEnrichment, ExaDeleteEnrichment};
use super::{ExaCreateEnrichment, ExaGetEnrichment, ExaUpdateEnrichment};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};
use crate::testing::error_of;

/// An enrichment as the Websets API answers it.
pub(crate) fn enrichment(status: &str) -> Value {
    json!({"id": "wenrich_1", "object": "webset_enrichment", "status": status,
        "websetId": "ws_1", "title": "Business model",
        "description": "Is the company B2B or B2C?", "format": "options",
        "options": [{"label": "B2B"}, {"label": "B2C"}],
        "instructions": "Read the about page and choose one option.",
        "metadata": {"owner": "sales"},
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:01:00Z"})
}

fn webset() -> Value {
    let search = |id: &str, found: f64| {
        json!({"id": id, "object": "webset_search", "status": "completed",
            "progress": {"found": found, "completion": 100}})
    };
    json!({"id": "ws_1", "object": "webset", "status": "idle",
        "searches": [search("s1", 4.0), search("s2", 2.0)],
        "enrichments": [enrichment("completed")], "monitors": [], "metadata": {},
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:05:00Z"})
}

pub(crate) fn item(id: &str, enrichment_id: &str) -> Value {
    json!({"id": id, "object": "webset_item", "source": "search", "websetId": "ws_1",
        "properties": {"type": "company", "url": "https://acme.example",
            "description": "Maker of anvils", "company": {"name": "Acme"}},
        "evaluations": [],
        "enrichments": [{"object": "enrichment_result", "status": "completed",
            "format": "options", "result": ["B2B"], "reasoning": null,
            "references": [{"title": "About", "snippet": null,
                "url": "https://acme.example/about"}],
            "enrichmentId": enrichment_id}],
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})
}

#[tokio::test]
async fn creates_an_enrichment_and_waits_for_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws_1/enrichments"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(
            json!({"description": "Is the company B2B or B2C?",
            "format": "options", "title": "Business model",
            "options": [{"label": "B2B"}, {"label": "B2C"}], "metadata": {"owner": "sales"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(enrichment("pending")))
        .expect(2)
        .mount(&server)
        .await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1/enrichments/wenrich_1",
        enrichment("completed"),
    )
    .expect(1)
    .mount(&server)
    .await;
    answering("GET", "/websets/v0/websets/ws_1", webset())
        .expect(1)
        .mount(&server)
        .await;
    let create = json!({"webset_id": "ws_1", "description": "Is the company B2B or B2C?",
        "title": "Business model", "format": "options", "options": ["B2B", "B2C"],
        "metadata": {"owner": "sales"}});
    let out = run(ExaCreateEnrichment, create.clone(), &server).await;
    assert_eq!(
        out,
        vec![
            ("enrichment_id".to_string(), json!("wenrich_1")),
            ("webset_id".to_string(), json!("ws_1")),
            ("status".to_string(), json!("pending")),
            ("title".to_string(), json!("Business model")),
            (
                "description".to_string(),
                json!("Is the company B2B or B2C?")
            ),
            ("format".to_string(), json!("options")),
            (
                "instructions".to_string(),
                json!("Read the about page and choose one option.")
            ),
        ]
    );
    let mut waiting = create;
    waiting["wait_for_completion"] = json!(true);
    let out = run(ExaCreateEnrichment, waiting, &server).await;
    assert_eq!(
        pins(&out),
        [
            "enrichment_id",
            "webset_id",
            "status",
            "title",
            "description",
            "format",
            "instructions",
            "items_enriched",
            "completion_time"
        ]
    );
    assert_eq!(out[2].1, "completed");
    // The items the webset's two searches found.
    assert_eq!(out[7].1, 6);
}

#[tokio::test]
async fn options_go_only_with_the_options_format_and_nothing_waits_unapplied() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/ws_1/enrichments"))
        .and(body_json(
            json!({"description": "Founding year", "format": "number"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "wenrich_2", "object": "webset_enrichment", "status": "pending",
            "websetId": "ws_1", "title": null, "description": "Founding year",
            "format": "number", "options": null, "instructions": null, "metadata": {},
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateEnrichment,
        json!({"webset_id": "ws_1", "description": "Founding year",
            "format": "number", "options": ["ignored"], "apply_to_existing": false,
            "wait_for_completion": true}),
        &server,
    )
    .await;
    assert_eq!(out.len(), 7, "{out:?}");
    assert_eq!(out[3].1, Value::Null);
    assert_eq!(out[6].1, Value::Null);
}

#[tokio::test]
async fn gets_and_updates_an_enrichment() {
    let server = MockServer::start().await;
    answering(
        "GET",
        "/websets/v0/websets/ws_1/enrichments/wenrich_1",
        enrichment("completed"),
    )
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("PATCH"))
        .and(path("/websets/v0/websets/ws_1/enrichments/wenrich_1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(
            json!({"description": "B2B, B2C or both?", "format": "options",
            "options": [{"label": "B2B"}, {"label": "B2C"}, {"label": "Both"}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut e = enrichment("pending");
            e["description"] = json!("B2B, B2C or both?");
            e
        }))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaGetEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "enrichment_id",
            "status",
            "title",
            "description",
            "format",
            "options",
            "instructions",
            "created_at",
            "updated_at",
            "metadata"
        ]
    );
    assert_eq!(out[5].1, json!(["B2B", "B2C"]));
    assert_eq!(out[7].1, "2025-06-01T10:00:00+00:00");
    assert_eq!(out[8].1, "2025-06-01T10:01:00+00:00");
    assert_eq!(out[9].1, json!({"owner": "sales"}));
    let out = run(
        ExaUpdateEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1",
            "description": "B2B, B2C or both?", "format": "options",
            "options": ["B2B", "B2C", "Both"]}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("enrichment_id".to_string(), json!("wenrich_1")),
            ("status".to_string(), json!("pending")),
            ("title".to_string(), json!("Business model")),
            ("description".to_string(), json!("B2B, B2C or both?")),
            ("format".to_string(), json!("options")),
            ("success".to_string(), json!("true")),
        ]
    );
}

#[tokio::test]
async fn deletes_and_cancels_an_enrichment() {
    let server = MockServer::start().await;
    answering(
        "DELETE",
        "/websets/v0/websets/ws_1/enrichments/wenrich_1",
        enrichment("completed"),
    )
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path(
            "/websets/v0/websets/ws_1/enrichments/wenrich_1/cancel",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(enrichment("canceled")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [item("witem_1", "wenrich_1"), item("witem_2", "wenrich_9"),
                item("witem_3", "wenrich_1")],
            "hasMore": false, "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let ids = json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1"});
    let out = run(ExaDeleteEnrichment, ids.clone(), &server).await;
    assert_eq!(
        out,
        vec![
            ("enrichment_id".to_string(), json!("wenrich_1")),
            ("success".to_string(), json!("true")),
        ]
    );
    let out = run(ExaCancelEnrichment, ids, &server).await;
    assert_eq!(
        out,
        vec![
            ("enrichment_id".to_string(), json!("wenrich_1")),
            ("status".to_string(), json!("canceled")),
            ("items_enriched_before_cancel".to_string(), json!(2)),
            ("success".to_string(), json!("true")),
        ]
    );
}

#[tokio::test]
async fn refuses_bad_input_before_any_request() {
    let server = MockServer::start().await;
    assert_eq!(
        refused(
            ExaCreateEnrichment,
            json!({"webset_id": "ws_1", "description": "d", "polling_timeout": 0}),
            &server
        )
        .await,
        "polling_timeout must be 1 to 600 seconds, not 0"
    );
    assert_eq!(
        refused(
            ExaCreateEnrichment,
            json!({"webset_id": "ws_1", "description": ""}),
            &server
        )
        .await,
        "description must not be empty"
    );
    let out = run(
        ExaUpdateEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "e", "format": "emoji"}),
        &server,
    )
    .await;
    assert!(error_of(&out).contains("emoji"), "{out:?}");
    assert_eq!(
        refused(
            ExaDeleteEnrichment,
            json!({"webset_id": "", "enrichment_id": "e"}),
            &server
        )
        .await,
        "webset_id must not be empty"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn enrichment_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    let ids = || json!({"webset_id": "w", "enrichment_id": "e"});
    answers_errors(
        || ExaCreateEnrichment,
        json!({"webset_id": "w", "description": "d"}),
        &body,
    )
    .await;
    answers_errors(|| ExaGetEnrichment, ids(), &body).await;
    answers_errors(|| ExaUpdateEnrichment, ids(), &body).await;
    answers_errors(|| ExaDeleteEnrichment, ids(), &body).await;
    answers_errors(|| ExaCancelEnrichment, ids(), &body).await;
}
