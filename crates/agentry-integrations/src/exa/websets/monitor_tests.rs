//! The monitor blocks against a wiremock Exa answering the Websets API's monitor shapes
//! (`/websets/v0/monitors`).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::monitor::{ExaCreateMonitor, ExaGetMonitor, ExaUpdateMonitor};
use super::monitor_list::{ExaDeleteMonitor, ExaListMonitors};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};

fn monitor() -> Value {
    json!({"id": "mon_1", "object": "monitor", "status": "enabled", "websetId": "ws_1",
        "cadence": {"cron": "0 9 * * 1", "timezone": "Etc/UTC"},
        "behavior": {"type": "search", "config": {"query": "AI startups", "count": 10,
            "behavior": "append", "criteria": null, "entity": {"type": "company"}}},
        "lastRun": {"id": "mrun_1", "status": "completed", "failedReason": null,
            "completedAt": "2025-06-02T09:01:00Z"},
        "nextRunAt": "2025-06-09T09:00:00Z", "metadata": {"team": "growth"},
        "createdAt": "2025-06-01T10:00:00.250Z", "updatedAt": "2025-06-02T09:01:00Z"})
}

#[tokio::test]
async fn creates_a_search_monitor_with_autogpts_payload() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/monitors"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"websetId": "ws_1",
            "cadence": {"cron": "0 9 * * 1", "timezone": "Etc/UTC"},
            "behavior": {"type": "search", "config": {"query": "AI startups", "count": 10,
                "behavior": "append", "criteria": [{"description": "Raised a seed round"}],
                "entity": {"type": "company"}}},
            "metadata": {"team": "growth"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(monitor()))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateMonitor,
        json!({"webset_id": "ws_1", "cron_expression": "0 9 * * 1",
            "search_query": "AI startups", "search_criteria": ["Raised a seed round"],
            "entity_type": "company", "metadata": {"team": "growth"}}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "monitor_id",
            "webset_id",
            "status",
            "behavior_type",
            "next_run_at",
            "cron_expression",
            "timezone",
            "created_at"
        ]
    );
    assert_eq!(out[0].1, "mon_1");
    assert_eq!(out[3].1, "search");
    // Timestamps as the SDK's datetime.isoformat() writes them.
    assert_eq!(out[4].1, "2025-06-09T09:00:00+00:00");
    assert_eq!(out[7].1, "2025-06-01T10:00:00.250000+00:00");
}

#[tokio::test]
async fn creates_a_refresh_monitor_and_refuses_bad_input_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/monitors"))
        .and(body_json(json!({"websetId": "ws_1",
            "cadence": {"cron": "0 0 * * *", "timezone": "America/New_York"},
            "behavior": {"type": "refresh", "config": {"content": false, "enrichments": true}}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "mon_2",
            "status": "enabled", "websetId": "ws_1", "behavior": {"type": "refresh"},
            "cadence": {"cron": "0 0 * * *"}, "nextRunAt": null, "createdAt": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateMonitor,
        json!({"webset_id": "ws_1", "cron_expression": "0 0 * * *",
            "timezone": "America/New_York", "behavior_type": "refresh",
            "refresh_content": false}),
        &server,
    )
    .await;
    assert_eq!(out[3].1, "refresh");
    assert_eq!(out[4].1, "");
    assert_eq!(out[6].1, "Etc/UTC");
    for (bad, message) in [
        (
            json!({"webset_id": "ws_1", "cron_expression": "0 9 * *", "search_query": "q"}),
            "cron_expression must have 5 fields, not 4 ('0 9 * *')",
        ),
        (
            json!({"webset_id": "ws_1", "cron_expression": "0 9 * * 1"}),
            "search_query is required for search behavior",
        ),
        (
            json!({"webset_id": "ws_1", "cron_expression": "0 9 * * 1", "search_query": "q",
                "search_count": 0}),
            "search_count must be between 1 and 100, not 0",
        ),
    ] {
        assert_eq!(refused(ExaCreateMonitor, bad, &server).await, message);
    }
}

#[tokio::test]
async fn gets_updates_and_deletes_a_monitor() {
    let server = MockServer::start().await;
    answering("GET", "/websets/v0/monitors/mon%201", monitor())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/websets/v0/monitors/mon_1"))
        .and(body_json(
            json!({"status": "paused", "cadence": {"timezone": "Europe/Paris"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(monitor()))
        .expect(1)
        .mount(&server)
        .await;
    answering("DELETE", "/websets/v0/monitors/mon_1", monitor())
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaGetMonitor, json!({"monitor_id": "mon 1"}), &server).await;
    assert_eq!(
        pins(&out),
        [
            "monitor_id",
            "webset_id",
            "status",
            "behavior_type",
            "behavior_config",
            "cron_expression",
            "timezone",
            "next_run_at",
            "last_run",
            "created_at",
            "updated_at",
            "metadata"
        ]
    );
    // Nulls are dropped, as the SDK's exclude_none dump.
    assert_eq!(
        out[4].1,
        json!({"query": "AI startups", "count": 10, "behavior": "append",
            "entity": {"type": "company"}})
    );
    assert_eq!(
        out[8].1,
        json!({"id": "mrun_1", "status": "completed", "completedAt": "2025-06-02T09:01:00Z"})
    );
    assert_eq!(out[11].1, json!({"team": "growth"}));

    let out = run(
        ExaUpdateMonitor,
        json!({"monitor_id": "mon_1", "status": "paused", "timezone": "Europe/Paris"}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "monitor_id",
            "status",
            "next_run_at",
            "updated_at",
            "success"
        ]
    );
    assert_eq!(out[4].1, "true");
    assert_eq!(
        refused(
            ExaUpdateMonitor,
            json!({"monitor_id": "mon_1", "cron_expression": "every day"}),
            &server
        )
        .await,
        "cron_expression must have 5 fields, not 2 ('every day')"
    );

    let out = run(ExaDeleteMonitor, json!({"monitor_id": "mon_1"}), &server).await;
    assert_eq!(
        out,
        vec![
            ("monitor_id".to_string(), json!("mon_1")),
            ("success".to_string(), json!("true"))
        ]
    );
}

#[tokio::test]
async fn lists_monitors_of_a_webset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/monitors"))
        .and(query_param("limit", "2"))
        .and(query_param("websetId", "ws_1"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [monitor()], "hasMore": true, "nextCursor": "c_2"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaListMonitors,
        json!({"webset_id": "ws_1", "limit": 2}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        ["monitors", "monitor", "has_more", "next_cursor"]
    );
    let mut keys: Vec<&String> = out[1].1.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "behavior_config",
            "behavior_type",
            "created_at",
            "cron_expression",
            "id",
            "last_run",
            "metadata",
            "next_run_at",
            "status",
            "timezone",
            "updated_at",
            "webset_id"
        ]
    );
    assert_eq!(out[2].1, true);
    assert_eq!(out[3].1, "c_2");
    assert_eq!(
        refused(ExaListMonitors, json!({"limit": 101}), &server).await,
        "limit must be between 1 and 100, not 101"
    );
}

#[tokio::test]
async fn monitor_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(
        || ExaCreateMonitor,
        json!({"webset_id": "w", "cron_expression": "0 9 * * 1", "search_query": "q"}),
        &body,
    )
    .await;
    answers_errors(|| ExaGetMonitor, json!({"monitor_id": "m"}), &body).await;
    answers_errors(
        || ExaUpdateMonitor,
        json!({"monitor_id": "m", "status": "enabled"}),
        &body,
    )
    .await;
    answers_errors(|| ExaDeleteMonitor, json!({"monitor_id": "m"}), &body).await;
    answers_errors(|| ExaListMonitors, json!({}), &body).await;
}
