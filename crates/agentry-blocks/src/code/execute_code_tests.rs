//! ExecuteCodeBlock: the local sandbox's outcome and E2B's answers become AutoGPT's pins.

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block, run_block_with};
use agentry_sandbox::CodeSandbox;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::ExecuteCode;
use crate::code::e2b::E2b;

/// A sandbox whose "runner" is a shell script answering as the real runner does.
fn scripted(dir: &tempfile::TempDir, stdout: &str, report: &str) -> CodeSandbox {
    let script = dir.path().join("runner.sh");
    let body = format!(
        "cat >/dev/null\nprintf '%s' '{stdout}'\nprintf '\\000AGENTRY-SANDBOX-REPORT\\000%s' '{report}'\n"
    );
    std::fs::write(&script, body).unwrap();
    let mut sandbox = CodeSandbox::new("/bin/sh", "/usr/bin/python3");
    sandbox.runner_args = vec![script.into()];
    sandbox
}

fn with(resources: Resources) -> Recorder {
    Recorder {
        resources,
        ..Recorder::default()
    }
}

#[tokio::test]
async fn without_any_sandbox_the_error_says_what_to_configure() {
    let out = run_block(ExecuteCode, json!({"code": "print(1)"})).await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, "error");
    assert!(out[0].1.as_str().unwrap().contains("E2B_API_KEY"));
}

#[tokio::test]
async fn a_local_run_yields_the_result_pins() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = scripted(&dir, "Hello World", r#"{"result":"3"}"#);
    let out = run_block_with(
        ExecuteCode,
        json!({"code": "print(1)", "language": "python"}),
        with(Resources::new().with(sandbox)),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("main_result".into(), json!({"text": "3"})),
            (
                "results".into(),
                json!([{"text": "3", "is_main_result": true}])
            ),
            ("response".into(), json!("3")),
            ("stdout_logs".into(), json!("Hello World")),
        ]
    );
}

#[tokio::test]
async fn a_local_exception_is_the_error_after_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = scripted(&dir, "partial", r#"{"error":"ValueError: boom"}"#);
    let out = run_block_with(
        ExecuteCode,
        json!({"code": "raise ValueError('boom')", "language": "js"}),
        with(Resources::new().with(sandbox)),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("stdout_logs".into(), json!("partial")),
            ("error".into(), json!("ValueError: boom")),
        ]
    );
}

#[tokio::test]
async fn languages_and_setup_commands_beyond_the_local_sandbox_need_e2b() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = scripted(&dir, "", "{}");
    for input in [
        json!({"code": "echo hi", "language": "bash"}),
        json!({"code": "1", "setup_commands": ["pip install x"]}),
    ] {
        let out = run_block_with(
            ExecuteCode,
            input,
            with(Resources::new().with(sandbox.clone())),
        )
        .await;
        assert_eq!(out.len(), 1);
        assert!(
            out[0].1.as_str().unwrap().contains("needs E2B")
                || out[0].1.as_str().unwrap().contains("need E2B")
        );
    }
}

async fn e2b_mock(execute_body: &str, kills: u64) -> (MockServer, E2b) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sandboxes"))
        .and(header("X-API-KEY", "e2b-key"))
        .and(body_partial_json(
            json!({"templateID": "code-interpreter-v1", "timeout": 300}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"sandboxID": "sbx1", "clientID": "c", "envdAccessToken": "tok"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/execute"))
        .and(header("X-Access-Token", "tok"))
        .and(body_partial_json(
            json!({"code": "print('Hello World')\n1+1", "language": "python"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(execute_body))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/sandboxes/sbx1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(kills)
        .mount(&server)
        .await;
    let e2b = E2b {
        api_key: "e2b-key".into(),
        api_url: server.uri(),
        domain: "e2b.app".into(),
        sandbox_url: Some(server.uri()),
    };
    (server, e2b)
}

#[tokio::test]
async fn e2b_runs_the_code_and_kills_the_sandbox() {
    let lines = [
        json!({"type": "stdout", "text": "Hello World\n", "timestamp": 1}),
        json!({"type": "result", "text": "2", "html": null, "is_main_result": true}),
        json!({"type": "number_of_executions", "execution_count": 1}),
        json!({"type": "end_of_execution"}),
    ];
    let body: Vec<String> = lines.iter().map(Value::to_string).collect();
    let (_server, e2b) = e2b_mock(&body.join("\n"), 1).await;
    let out = run_block_with(
        ExecuteCode,
        json!({"code": "print('Hello World')\n1+1"}),
        with(Resources::new().with(e2b)),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("main_result".into(), json!({"text": "2"})),
            (
                "results".into(),
                json!([{"text": "2", "is_main_result": true}])
            ),
            ("response".into(), json!("2")),
            ("stdout_logs".into(), json!("Hello World\n")),
        ]
    );
}

#[tokio::test]
async fn an_e2b_error_is_the_error_and_a_kept_sandbox_is_not_killed() {
    let body = json!({"type": "error", "name": "NameError", "value": "name 'x' is not defined",
                      "traceback": "..."})
    .to_string();
    let (_server, e2b) = e2b_mock(&body, 0).await;
    let out = run_block_with(
        ExecuteCode,
        json!({"code": "print('Hello World')\n1+1", "dispose_sandbox": false}),
        with(Resources::new().with(e2b)),
    )
    .await;
    assert_eq!(
        out,
        vec![("error".into(), json!("NameError: name 'x' is not defined"))]
    );
}
