//! `/api/blocks`: the block catalogue and running one block directly.

use serde_json::json;

use crate::support::{CALCULATOR, COUNTDOWN, TestApp, properties};

#[tokio::test]
async fn the_catalogue_lists_blocks_with_their_schemas() {
    let app = TestApp::start().await;
    let blocks = app.get("/api/blocks").await.expect(200);
    let blocks = blocks.as_array().expect("a list of blocks");
    assert!(blocks.len() > 1);
    for block in blocks {
        assert!(block["id"].is_string(), "{block}");
        assert!(block["name"].is_string(), "{block}");
        assert!(block["inputSchema"].is_object(), "{block}");
        assert!(block["outputSchema"].is_object(), "{block}");
    }
    let calculator = blocks
        .iter()
        .find(|b| b["id"] == json!(CALCULATOR))
        .expect("the calculator is listed");
    assert_eq!(calculator["name"], json!("CalculatorBlock"));
    let inputs = properties(&calculator["inputSchema"]);
    for pin in ["operation", "a", "b", "round_result"] {
        assert!(
            inputs.iter().any(|p| p == pin),
            "input pin {pin} in {inputs:?}"
        );
    }
    let outputs = properties(&calculator["outputSchema"]);
    for pin in ["result", "error"] {
        assert!(
            outputs.iter().any(|p| p == pin),
            "output pin {pin} in {outputs:?}"
        );
    }
    assert!(blocks.iter().any(|b| b["id"] == json!(COUNTDOWN)));
}

#[tokio::test]
async fn a_block_runs_directly() {
    let app = TestApp::start().await;
    let out = app
        .post_json(
            &format!("/api/blocks/{CALCULATOR}/execute"),
            &json!({"operation": "Add", "a": 1, "b": 2}),
        )
        .await
        .expect(200);
    assert_eq!(out, json!({"result": [3.0]}));
}

#[tokio::test]
async fn a_failing_block_answers_block_failed() {
    let app = TestApp::start().await;
    let error = app
        .post_json(
            &format!("/api/blocks/{CALCULATOR}/execute"),
            &json!({"operation": "Divide", "a": 1, "b": 0}),
        )
        .await
        .expect_error(400, "block_failed");
    assert!(
        error["message"].as_str().unwrap().contains("zero"),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_block_is_not_found() {
    let app = TestApp::start().await;
    app.post_json(
        "/api/blocks/00000000-0000-0000-0000-000000000000/execute",
        &json!({}),
    )
    .await
    .expect_error(404, "not_found");
}
