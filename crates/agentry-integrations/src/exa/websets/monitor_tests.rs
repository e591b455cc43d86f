//! The monitor blocks against a wiremock Exa answering the Websets API's monitor shapes
//! (`/websets/v0/monitors`).

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::monitor::{ExaCreateMonitor, ExaGetMonitor, ExaUpdateMonitor};
use super::monitor_list::{ExaDeleteMonitor, ExaListMonitors};
use crate::error_answers::assert_error_answers;
use crate::exa::websets::test_support::{KEY, input, pins, rec};
use crate::testing::{api_key, error_of};

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
    let out = run_block_with(
        ExaCreateMonitor,
        input(json!({"webset_id": "ws_1", "cron_expression": "0 9 * * 1",
            "search_query": "AI startups", "search_criteria": ["Raised a seed round"],
            "entity_type": "company", "metadata": {"team": "growth"}})),
        rec(&server),
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
    let out = run_block_with(
        ExaCreateMonitor,
        input(json!({"webset_id": "ws_1", "cron_expression": "0 0 * * *",
            "timezone": "America/New_York", "behavior_type": "refresh",
            "refresh_content": false})),
        rec(&server),
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
        let out = run_block_with(ExaCreateMonitor, input(bad), rec(&server)).await;
        assert_eq!(error_of(&out), message);
    }
}

#[tokio::test]
async fn gets_updates_and_deletes_a_monitor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/monitors/mon%201"))
        .respond_with(ResponseTemplate::new(200).set_body_json(monitor()))
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
    Mock::given(method("DELETE"))
        .and(path("/websets/v0/monitors/mon_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(monitor()))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaGetMonitor,
        input(json!({"monitor_id": "mon 1"})),
        rec(&server),
    )
    .await;
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

    let out = run_block_with(
        ExaUpdateMonitor,
        input(json!({"monitor_id": "mon_1", "status": "paused", "timezone": "Europe/Paris"})),
        rec(&server),
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
    let out = run_block_with(
        ExaUpdateMonitor,
        input(json!({"monitor_id": "mon_1", "cron_expression": "every day"})),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "cron_expression must have 5 fields, not 2 ('every day')"
    );

    let out = run_block_with(
        ExaDeleteMonitor,
        input(json!({"monitor_id": "mon_1"})),
        rec(&server),
    )
    .await;
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
    let out = run_block_with(
        ExaListMonitors,
        input(json!({"webset_id": "ws_1", "limit": 2})),
        rec(&server),
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
    let out = run_block_with(ExaListMonitors, input(json!({"limit": 101})), rec(&server)).await;
    assert_eq!(error_of(&out), "limit must be between 1 and 100, not 101");
}

#[tokio::test]
async fn monitor_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    let key = || api_key("exa", KEY);
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                input($input),
                key(),
                "exa",
                body.clone(),
                "Invalid API key",
            )
            .await
        };
    }
    check!(
        ExaCreateMonitor,
        json!({"webset_id": "w", "cron_expression": "0 9 * * 1", "search_query": "q"})
    );
    check!(ExaGetMonitor, json!({"monitor_id": "m"}));
    check!(
        ExaUpdateMonitor,
        json!({"monitor_id": "m", "status": "enabled"})
    );
    check!(ExaDeleteMonitor, json!({"monitor_id": "m"}));
    check!(ExaListMonitors, json!({}));
}
