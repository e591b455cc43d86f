//! Get, list, update, delete and cancel of websets against a wiremock Exa API answering the
//! Websets API's shapes.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::websets_create_tests::webset;
use super::websets_lifecycle::{ExaCancelWebset, ExaDeleteWebset};
use super::websets_manage::{ExaGetWebset, ExaListWebsets, ExaUpdateWebset};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};

#[tokio::test]
async fn gets_a_webset_with_its_parts_without_nulls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/my%2Fwebset"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(webset("idle", 7)))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaGetWebset, json!({"webset_id": "my/webset"}), &server).await;
    assert_eq!(
        pins(&out),
        [
            "webset_id",
            "status",
            "external_id",
            "searches",
            "enrichments",
            "monitors",
            "items",
            "metadata",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(out[0].1, "webset_01");
    assert_eq!(out[1].1, "idle");
    assert_eq!(out[2].1, "my-webset-123");
    let search = &out[3].1[0];
    assert_eq!(
        search["progress"],
        json!({"found": 7, "analyzed": 30, "completion": 40})
    );
    assert!(search.get("recall").is_none() && search.get("canceledAt").is_none());
    assert_eq!(out[4].1[0]["title"], "CEO");
    assert!(out[4].1[0].get("options").is_none());
    assert_eq!(out[5].1, json!([]));
    assert_eq!(out[6].1, json!(null));
    assert_eq!(out[7].1, json!({"team": "growth"}));
    assert_eq!(out[8].1, "2025-06-01T10:00:00+00:00");
    assert_eq!(out[9].1, "2025-06-01T10:05:00.250000+00:00");
}

#[tokio::test]
async fn lists_websets_with_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets"))
        .and(query_param("cursor", "c_1"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [webset("idle", 1), webset("running", 2)],
            "hasMore": true, "nextCursor": "c_2"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaListWebsets,
        json!({"cursor": "c_1", "limit": 2, "trigger": "go"}),
        &server,
    )
    .await;
    assert_eq!(pins(&out), ["websets", "has_more", "next_cursor"]);
    let websets = out[0].1.as_array().unwrap();
    assert_eq!(websets.len(), 2);
    // The SDK's dump: by alias, nulls left out at every depth.
    assert_eq!(websets[1]["status"], "running");
    assert_eq!(websets[1]["externalId"], "my-webset-123");
    assert!(
        websets[0]["searches"][0]["progress"]
            .get("timeLeft")
            .is_none()
    );
    assert_eq!(out[1].1, true);
    assert_eq!(out[2].1, "c_2");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets"))
        .and(query_param("limit", "25"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "hasMore": false, "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaListWebsets, json!({}), &server).await;
    assert_eq!(
        out,
        vec![
            ("websets".to_string(), json!([])),
            ("has_more".to_string(), json!(false)),
            ("next_cursor".to_string(), json!(null)),
        ]
    );
    assert_eq!(
        refused(ExaListWebsets, json!({"limit": 0}), &server).await,
        "limit must be 1 to 100, not 0"
    );
}

#[tokio::test]
async fn updates_the_metadata() {
    let server = MockServer::start().await;
    let mut updated = webset("idle", 7);
    updated["metadata"] = json!({"stage": "qualified"});
    Mock::given(method("POST"))
        .and(path("/websets/v0/websets/webset_01"))
        .and(body_json(json!({"metadata": {"stage": "qualified"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&updated))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaUpdateWebset,
        json!({"webset_id": "webset_01", "metadata": {"stage": "qualified"}}),
        &server,
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("webset_id".to_string(), json!("webset_01")),
            ("status".to_string(), json!("idle")),
            ("external_id".to_string(), json!("my-webset-123")),
            ("metadata".to_string(), json!({"stage": "qualified"})),
            (
                "updated_at".to_string(),
                json!("2025-06-01T10:05:00.250000+00:00")
            ),
        ]
    );

    // No metadata: an empty body, and a webset without metadata reads as `{}`.
    let server = MockServer::start().await;
    let mut bare = webset("idle", 7);
    bare["metadata"] = json!(null);
    bare["externalId"] = json!(null);
    Mock::given(method("POST"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&bare))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaUpdateWebset, json!({"webset_id": "webset_01"}), &server).await;
    assert_eq!(out[2].1, json!(null));
    assert_eq!(out[3].1, json!({}));
}

#[tokio::test]
async fn deletes_and_cancels_a_webset() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/websets/v0/websets/webset_01"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(webset("idle", 7)))
        .expect(1)
        .mount(&server)
        .await;
    answering(
        "POST",
        "/websets/v0/websets/webset_01/cancel",
        webset("paused", 7),
    )
    .expect(1)
    .mount(&server)
    .await;
    let out = run(ExaDeleteWebset, json!({"webset_id": "webset_01"}), &server).await;
    assert_eq!(
        out,
        vec![
            ("webset_id".to_string(), json!("webset_01")),
            ("external_id".to_string(), json!("my-webset-123")),
            ("status".to_string(), json!("idle")),
            ("success".to_string(), json!("true")),
        ]
    );
    let out = run(ExaCancelWebset, json!({"webset_id": "webset_01"}), &server).await;
    assert_eq!(
        out,
        vec![
            ("webset_id".to_string(), json!("webset_01")),
            ("status".to_string(), json!("paused")),
            ("external_id".to_string(), json!("my-webset-123")),
            ("success".to_string(), json!("true")),
        ]
    );
}

#[tokio::test]
async fn managing_blocks_answer_errors() {
    let body = json!({"statusCode": 400, "message": "Invalid API key"});
    answers_errors(|| ExaGetWebset, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaListWebsets, json!({}), &body).await;
    answers_errors(
        || ExaUpdateWebset,
        json!({"webset_id": "w", "metadata": {}}),
        &body,
    )
    .await;
    answers_errors(|| ExaDeleteWebset, json!({"webset_id": "w"}), &body).await;
    answers_errors(|| ExaCancelWebset, json!({"webset_id": "w"}), &body).await;
}
