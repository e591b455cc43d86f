//! Preview, status, summary and ready check of websets against a wiremock Exa API answering the
//! Websets API's shapes (`/websets/v0/websets/preview`, the webset, its items).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::websets_create_tests::webset;
use super::websets_insights::{ExaPreviewWebset, ExaWebsetReadyCheck, ExaWebsetStatus};
use super::websets_summary::ExaWebsetSummary;
use crate::exa::websets::test_support::{KEY, answers_errors, pins, refused, run};

#[tokio::test]
async fn previews_a_query() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/preview"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"query": "AI labs in Paris",
            "entity": {"type": "custom", "description": "Research labs"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "search": {"entity": {"type": "custom", "description": "Research labs"},
                "criteria": [{"description": "Located in Paris"}, {"description": "Works on AI"}]},
            "enrichments": [{"description": "Number of researchers", "format": "number",
                "options": null}]})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaPreviewWebset,
        json!({"query": "AI labs in Paris", "entity_type": "custom",
            "entity_description": "Research labs"}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("entity_type".to_string(), json!("custom")),
            ("entity_description".to_string(), json!("Research labs")),
            (
                "criteria".to_string(),
                json!([{"description": "Located in Paris"}, {"description": "Works on AI"}])
            ),
            (
                "enrichment_columns".to_string(),
                json!([{"description": "Number of researchers", "format": "number"}])
            ),
            (
                "interpretation".to_string(),
                json!(
                    "Query will search for custom (Research labs) with 2 criteria and 1 available enrichment columns"
                )
            ),
            ("suggestions".to_string(), json!([])),
        ]
    );

    // Nothing forced: only the query goes, and the suggestions name what is missing.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json!({"query": "Bakeries"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "search": {"entity": {"type": "company"}, "criteria": []}, "enrichments": []})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaPreviewWebset, json!({"query": "Bakeries"}), &server).await;
    assert_eq!(out[0].1, "company");
    assert_eq!(out[1].1, json!(null));
    assert_eq!(out[4].1, "Query will search for company");
    assert_eq!(
        out[5].1,
        json!([
            "Consider adding specific criteria to narrow your search",
            "Consider specifying what data points you want to extract"
        ])
    );
}

fn mount_webset(body: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/webset_01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

#[tokio::test]
async fn reports_the_status_and_readiness() {
    let server = MockServer::start().await;
    mount_webset(webset("running", 4))
        .expect(2)
        .mount(&server)
        .await;
    let out = run(ExaWebsetStatus, json!({"webset_id": "webset_01"}), &server).await;
    assert_eq!(
        out,
        vec![
            ("webset_id".to_string(), json!("webset_01")),
            ("status".to_string(), json!("running")),
            ("item_count".to_string(), json!(4)),
            ("search_count".to_string(), json!(1)),
            ("enrichment_count".to_string(), json!(1)),
            ("monitor_count".to_string(), json!(0)),
            (
                "last_updated".to_string(),
                json!("2025-06-01T10:05:00.250000+00:00")
            ),
            ("is_processing".to_string(), json!(true)),
        ]
    );
    let out = run(
        ExaWebsetReadyCheck,
        json!({"webset_id": "webset_01"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "is_ready",
            "status",
            "item_count",
            "has_searches",
            "has_enrichments",
            "recommendation"
        ]
    );
    assert_eq!(out[0].1, false);
    assert_eq!(out[5].1, "waiting_for_results");

    // Each recommendation in AutoGPT's order of checks.
    let mut no_searches = webset("idle", 0);
    no_searches["searches"] = json!([]);
    let mut no_enrichments = webset("idle", 9);
    no_enrichments["enrichments"] = json!([]);
    let cases = [
        (no_searches, 1, false, "needs_search"),
        (webset("idle", 2), 5, false, "insufficient_items"),
        (no_enrichments, 5, true, "ready_to_enrich"),
        (webset("idle", 9), 5, true, "ready_to_process"),
    ];
    for (body, min_items, ready, recommendation) in cases {
        let server = MockServer::start().await;
        mount_webset(body).expect(1).mount(&server).await;
        let out = run(
            ExaWebsetReadyCheck,
            json!({"webset_id": "webset_01", "min_items": min_items}),
            &server,
        )
        .await;
        assert_eq!(out[0].1, ready, "{recommendation}");
        assert_eq!(out[5].1, recommendation);
    }
    assert_eq!(
        refused(
            ExaWebsetReadyCheck,
            json!({"webset_id": "webset_01", "min_items": -1}),
            &server
        )
        .await,
        "min_items must be 0 or more, not -1"
    );
}

#[tokio::test]
async fn summarises_a_webset_with_sample_items() {
    let server = MockServer::start().await;
    let mut body = webset("idle", 6);
    body["monitors"] = json!([
        {"id": "monitor_1", "object": "monitor", "status": "enabled", "websetId": "webset_01",
            "nextRunAt": "2025-06-03T09:00:00Z", "cadence": {"cron": "0 9 * * *", "timezone": "UTC"}},
        {"id": "monitor_2", "object": "monitor", "status": "disabled", "websetId": "webset_01",
            "nextRunAt": "2025-06-02T09:00:00Z", "cadence": {"cron": "0 9 * * *", "timezone": "UTC"}}]);
    mount_webset(body).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/webset_01/items"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "witem_01", "object": "webset_item", "source": "search",
                "properties": {"type": "company", "url": "https://acme.example",
                    "description": "Maker of anvils", "company": {"name": "Acme", "logoUrl": null}},
                "evaluations": [], "enrichments": null,
                "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"}],
            "hasMore": false, "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaWebsetSummary,
        json!({"webset_id": "webset_01", "sample_size": 2}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "webset_id",
            "title",
            "status",
            "entity_type",
            "total_items",
            "sample_items",
            "search_summary",
            "enrichment_summary",
            "monitor_summary",
            "statistics",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(out[0].1, "webset_01");
    assert_eq!(out[1].1, json!(null));
    assert_eq!(out[3].1, "company");
    assert_eq!(out[4].1, 1);
    let item = &out[5].1[0];
    assert_eq!(item["properties"]["company"], json!({"name": "Acme"}));
    assert!(item.get("enrichments").is_none());
    assert_eq!(
        out[6].1,
        json!({"total_searches": 1, "completed_searches": 1, "total_items_found": 6.0,
            "queries": ["Marketing agencies in the US"]})
    );
    assert_eq!(
        out[7].1,
        json!({"total_enrichments": 1, "completed_enrichments": 1,
            "enrichment_types": ["text"], "titles": ["CEO"]})
    );
    assert_eq!(
        out[8].1,
        json!({"total_monitors": 2, "active_monitors": 1,
            "next_run": "2025-06-02T09:00:00+00:00"})
    );
    assert_eq!(
        out[9].1,
        json!({"total_operations": 2, "is_processing": false, "has_monitors": true,
            "avg_items_per_search": 6.0})
    );
    assert_eq!(out[10].1, "2025-06-01T10:00:00+00:00");

    // Without samples or details only the webset is read.
    let server = MockServer::start().await;
    mount_webset(webset("running", 6))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaWebsetSummary,
        json!({"webset_id": "webset_01", "include_sample_items": false,
            "include_search_details": false, "include_enrichment_details": false}),
        &server,
    )
    .await;
    assert_eq!(out[4].1, 0);
    assert_eq!(out[5].1, json!([]));
    assert_eq!(out[6].1, json!({}));
    assert_eq!(out[7].1, json!({}));
    assert_eq!(out[9].1["avg_items_per_search"], json!(0.0));
    assert_eq!(out[9].1["is_processing"], true);
    assert_eq!(
        refused(
            ExaWebsetSummary,
            json!({"webset_id": "webset_01", "sample_size": 11}),
            &server
        )
        .await,
        "sample_size must be 0 to 10, not 11"
    );
}

#[tokio::test]
async fn insight_blocks_answer_errors() {
    let body = json!({"statusCode": 400, "message": "Invalid API key"});
    answers_errors(|| ExaPreviewWebset, json!({"query": "q"}), &body).await;
    answers_errors(|| ExaWebsetStatus, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaWebsetSummary, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaWebsetReadyCheck, json!({"webset_id": "w"}), &body).await;
}
