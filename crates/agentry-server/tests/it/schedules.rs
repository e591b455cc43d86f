//! Schedules over HTTP: create, list per graph and in all, delete; bad cron patterns and time
//! zones are 400 with a message that says why.

use serde_json::json;

use crate::support::{TestApp, agent};

async fn calculator(app: &TestApp) -> String {
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn schedules_crud() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    let path = format!("/api/graphs/{id}/schedules");
    let created = app
        .post_json(
            &path,
            &json!({"name": "morning", "cron": "0 9 * * 1-5", "inputs": {"Input": 8},
                    "timezone": "Europe/Paris"}),
        )
        .await
        .expect(200);
    assert_eq!(created["name"], json!("morning"));
    assert_eq!(created["cron"], json!("0 9 * * 1-5"));
    assert_eq!(created["timezone"], json!("Europe/Paris"));
    assert_eq!(created["graph_id"], json!(id));
    assert_eq!(created["graph_version"], json!(1));
    assert_eq!(created["input_data"], json!({"Input": 8}));
    let next = created["next_run_time"].as_str().expect("a next run time");
    assert!(chrono::DateTime::parse_from_rfc3339(next).is_ok(), "{next}");
    let schedule_id = created["id"].as_str().unwrap().to_string();

    let utc = app
        .post_json(
            &path,
            &json!({"name": "often", "cron": "*/5 * * * *", "inputs": {"Input": 1}}),
        )
        .await
        .expect(200);
    assert_eq!(utc["timezone"], json!("UTC"), "UTC is the default zone");

    let listed = app.get(&path).await.expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let all = app.get("/api/schedules").await.expect(200);
    assert_eq!(all.as_array().unwrap().len(), 2);

    let gone = app
        .delete(&format!("/api/schedules/{schedule_id}"))
        .await
        .expect(200);
    assert_eq!(gone, json!({"id": schedule_id}));
    app.delete(&format!("/api/schedules/{schedule_id}"))
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        app.get(&path).await.expect(200).as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn bad_schedules_are_refused() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    let path = format!("/api/graphs/{id}/schedules");
    let e = app
        .post_json(
            &path,
            &json!({"name": "x", "cron": "every day", "inputs": {"Input": 1}}),
        )
        .await
        .expect_error(400, "invalid_schedule");
    assert!(e["message"].as_str().unwrap().contains("cron"), "{e}");
    let e = app
        .post_json(
            &path,
            &json!({"name": "x", "cron": "99 * * * *", "inputs": {"Input": 1}}),
        )
        .await
        .expect_error(400, "invalid_schedule");
    assert!(e["message"].as_str().unwrap().contains("99 * * * *"), "{e}");
    let e = app
        .post_json(
            &path,
            &json!({"name": "x", "cron": "0 9 * * *", "inputs": {"Input": 1}, "timezone": "Mars/Base"}),
        )
        .await
        .expect_error(400, "invalid_schedule");
    assert!(e["message"].as_str().unwrap().contains("Mars/Base"), "{e}");
    app.post_json(
        &path,
        &json!({"name": "x", "cron": "0 9 * * *", "inputs": {}}),
    )
    .await
    .expect_error(400, "missing_inputs");
    app.post_json(
        "/api/graphs/nope/schedules",
        &json!({"name": "x", "cron": "0 9 * * *", "inputs": {}}),
    )
    .await
    .expect_error(404, "not_found");
    assert!(
        app.get("/api/schedules")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_schedules_spending_cap_is_set_read_and_removed() {
    use std::sync::Arc;
    let config = agentry_engine::Config {
        credits: Some(Arc::new(agentry_engine::CreditPolicy::default())),
        ..agentry_engine::Config::default()
    };
    let app = TestApp::start_with_config(config, false).await;
    let id = calculator(&app).await;
    let created = app
        .post_json(
            &format!("/api/graphs/{id}/schedules"),
            &json!({"name": "nightly", "cron": "0 3 * * *", "inputs": {"Input": 1}}),
        )
        .await
        .expect(200);
    let cap_path = format!(
        "/api/schedules/{}/spending-cap",
        created["id"].as_str().unwrap()
    );
    let cap = app.get(&cap_path).await.expect(200);
    assert_eq!(
        (cap["max_credits"].clone(), cap["spent"].clone()),
        (json!(null), json!(0))
    );
    let cap = app
        .put_json(&cap_path, &json!({"max_credits": 250}))
        .await
        .expect(200);
    assert_eq!(cap["max_credits"], 250);
    assert_eq!(app.get(&cap_path).await.expect(200)["max_credits"], 250);
    app.put_json(&cap_path, &json!({"max_credits": -1}))
        .await
        .expect_error(400, "invalid_credit_amount");
    let cap = app
        .put_json(&cap_path, &json!({"max_credits": null}))
        .await
        .expect(200);
    assert_eq!(cap["max_credits"], json!(null));
    app.get("/api/schedules/nope/spending-cap")
        .await
        .expect_error(404, "not_found");

    // Credits off: the cap would do nothing, so it cannot be set.
    let off = TestApp::start().await;
    let id = calculator(&off).await;
    let created = off
        .post_json(
            &format!("/api/graphs/{id}/schedules"),
            &json!({"name": "n", "cron": "0 3 * * *", "inputs": {"Input": 1}}),
        )
        .await
        .expect(200);
    off.put_json(
        &format!(
            "/api/schedules/{}/spending-cap",
            created["id"].as_str().unwrap()
        ),
        &json!({"max_credits": 5}),
    )
    .await
    .expect_error(404, "credits_disabled");
}
