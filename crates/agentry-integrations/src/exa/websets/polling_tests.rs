//! The webset wait blocks against a wiremock Exa API whose webset, search and enrichment change
//! state between looks; intervals and timeouts are the smallest the inputs allow (one second).

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::enrichment::tests::{enrichment, item};
use super::super::polling_jobs::{ExaWaitForEnrichment, ExaWaitForSearch};
use super::super::search::tests::search;
use super::ExaWaitForWebset;
use crate::exa::websets::test_support::{answering, answers_errors, pins, refused, run};
use crate::testing::error_of;

fn webset(status: &str) -> Value {
    json!({"id": "ws_1", "object": "webset", "status": status,
        "dashboardUrl": "https://websets.exa.ai/ws_1",
        "searches": [search("completed"),
            {"id": "ws_search_2", "object": "webset_search", "status": "running",
             "progress": {"found": 2.0, "completion": 10, "timeLeft": null}}],
        "enrichments": [enrichment("pending")], "monitors": [], "metadata": {},
        "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:05:00Z"})
}

/// Answers `first` once on GET `at`, then `then` for every later look.
async fn changing(server: &MockServer, at: &str, first: Value, then: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .up_to_n_times(1)
        .mount(server)
        .await;
    answering("GET", at, then).mount(server).await;
}

#[tokio::test]
async fn waits_for_a_webset_to_become_idle() {
    let server = MockServer::start().await;
    let at = "/websets/v0/websets/ws_1";
    changing(&server, at, webset("running"), webset("idle")).await;
    let out = run(
        ExaWaitForWebset,
        json!({"webset_id": "ws_1", "timeout": 10, "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "webset_id",
            "final_status",
            "elapsed_time",
            "item_count",
            "search_progress",
            "enrichment_progress",
            "timed_out"
        ]
    );
    assert_eq!(out[1].1, "idle");
    assert!(out[2].1.as_f64().unwrap() >= 1.0);
    assert_eq!(out[3].1, 5);
    assert_eq!(
        out[4].1,
        json!({"ws_search_1": {"status": "completed", "found": 3, "analyzed": 40,
                "completion": 30, "time_left": 120},
            "ws_search_2": {"status": "running", "found": 2.0, "analyzed": 0,
                "completion": 10, "time_left": 0}})
    );
    assert_eq!(
        out[5].1,
        json!({"wenrich_1": {"status": "pending", "title": "Business model",
            "description": "Is the company B2B or B2C?"}})
    );
    assert_eq!(out[6].1, false);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_webset_wait_ends_at_its_timeout() {
    // Never idle: AutoGPT reports the SDK's timeout as an error.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(webset("running")))
        .mount(&server)
        .await;
    let out = run(
        ExaWaitForWebset,
        json!({"webset_id": "ws_1", "timeout": 1, "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(error_of(&out), "Polling timed out after 1 seconds");

    // Another target: the state it stopped at, flagged as timed out.
    let out = run(
        ExaWaitForWebset,
        json!({"webset_id": "ws_1", "target_status": "paused", "timeout": 1,
            "check_interval": 1, "include_progress": false}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "webset_id",
            "final_status",
            "elapsed_time",
            "item_count",
            "timed_out"
        ]
    );
    assert_eq!(out[1].1, "running");
    assert_eq!(out[4].1, true);

    // Reached at the first look: no pause.
    let out = run(
        ExaWaitForWebset,
        json!({"webset_id": "ws_1", "target_status": "running"}),
        &server,
    )
    .await;
    assert_eq!(out[1].1, "running");
    assert_eq!(out.last().unwrap().1, false);
    assert!(out[2].1.as_f64().unwrap() < 1.0);
}

#[tokio::test]
async fn waits_for_a_search_to_finish() {
    let server = MockServer::start().await;
    let at = "/websets/v0/websets/ws_1/searches/ws_search_1";
    changing(&server, at, search("running"), search("completed")).await;
    let out = run(
        ExaWaitForSearch,
        json!({"webset_id": "ws_1", "search_id": "ws_search_1", "timeout": 10,
            "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "search_id",
            "final_status",
            "items_found",
            "items_analyzed",
            "completion_percentage",
            "elapsed_time",
            "recall_info",
            "timed_out"
        ]
    );
    assert_eq!(out[1].1, "completed");
    assert_eq!(out[2].1, 3);
    assert_eq!(out[3].1, 40);
    assert_eq!(out[4].1, 30);
    assert!(out[5].1.as_f64().unwrap() >= 1.0);
    assert_eq!(out[6].1["expected_total"], 250);
    assert_eq!(out[7].1, false);

    let server = MockServer::start().await;
    answering("GET", at, search("running")).mount(&server).await;
    let out = run(
        ExaWaitForSearch,
        json!({"webset_id": "ws_1", "search_id": "ws_search_1", "timeout": 1,
            "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(out[1].1, "running");
    assert_eq!(out[6].1, json!({}));
    assert_eq!(out[7].1, true);
}

#[tokio::test]
async fn waits_for_an_enrichment_and_samples_its_results() {
    let server = MockServer::start().await;
    let at = "/websets/v0/websets/ws_1/enrichments/wenrich_1";
    changing(&server, at, enrichment("pending"), enrichment("completed")).await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [item("witem_1", "wenrich_1"), item("witem_2", "wenrich_9")],
            "hasMore": false, "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaWaitForEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1", "timeout": 10,
            "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "enrichment_id",
            "final_status",
            "items_enriched",
            "enrichment_title",
            "elapsed_time",
            "sample_data",
            "timed_out"
        ]
    );
    assert_eq!(out[1].1, "completed");
    assert_eq!(out[2].1, 1);
    assert_eq!(out[3].1, "Business model");
    // Nulls dropped at every depth, as the SDK's exclude_none dump.
    assert_eq!(
        out[5].1,
        json!([{"item_id": "witem_1", "item_title": "", "enrichment_data": {
            "object": "enrichment_result", "status": "completed", "format": "options",
            "result": ["B2B"], "references": [{"title": "About",
                "url": "https://acme.example/about"}], "enrichmentId": "wenrich_1"}}])
    );

    // Without samples: no sample pin and no item read; at the timeout, an empty sample.
    let out = run(
        ExaWaitForEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1",
            "sample_results": false}),
        &server,
    )
    .await;
    assert_eq!(out.len(), 6, "{out:?}");
    assert_eq!(out[2].1, 0);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(enrichment("pending")))
        .mount(&server)
        .await;
    let out = run(
        ExaWaitForEnrichment,
        json!({"webset_id": "ws_1", "enrichment_id": "wenrich_1", "timeout": 1,
            "check_interval": 1}),
        &server,
    )
    .await;
    assert_eq!(out[1].1, "pending");
    assert_eq!(out[5], ("sample_data".to_string(), json!([])));
    assert_eq!(out[6].1, true);
}

#[tokio::test]
async fn refuses_bad_input_before_any_request() {
    let server = MockServer::start().await;
    assert_eq!(
        refused(
            ExaWaitForWebset,
            json!({"webset_id": "ws_1", "max_interval": 4}),
            &server
        )
        .await,
        "timeout must be 1 to 1800 seconds, check_interval 1 to 60 and max_interval 5 to 120, not 300, 5 and 4"
    );
    let out = run(
        ExaWaitForWebset,
        json!({"webset_id": "ws_1", "target_status": "done"}),
        &server,
    )
    .await;
    assert!(error_of(&out).contains("done"), "{out:?}");
    assert_eq!(
        refused(
            ExaWaitForSearch,
            json!({"webset_id": "ws_1", "search_id": "s", "timeout": 1801}),
            &server
        )
        .await,
        "timeout must be 1 to 1800 seconds and check_interval 1 to 60 seconds, not 1801 and 5"
    );
    assert_eq!(
        refused(
            ExaWaitForEnrichment,
            json!({"webset_id": "ws_1", "enrichment_id": "e", "check_interval": 0}),
            &server
        )
        .await,
        "timeout must be 1 to 1800 seconds and check_interval 1 to 60 seconds, not 300 and 0"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn wait_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(|| ExaWaitForWebset, json!({"webset_id": "w"}), &body).await;
    answers_errors(
        || ExaWaitForSearch,
        json!({"webset_id": "w", "search_id": "s"}),
        &body,
    )
    .await;
    answers_errors(
        || ExaWaitForEnrichment,
        json!({"webset_id": "w", "enrichment_id": "e"}),
        &body,
    )
    .await;
}
