//! MCPToolBlock against a small MCP server on 127.0.0.1 (wiremock answering JSON-RPC over
//! streamable HTTP: JSON for `initialize` and `tools/list`, an event stream for `tools/call`).

use std::sync::{Arc, Mutex};

use agentry_core::testing::{run_block, run_block_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::*;
use crate::mcp::client::McpSession;
use crate::web::send_web_request::tests::permissive;

const SESSION: &str = "session-42";

/// Implements `initialize`, `notifications/initialized`, `tools/list` and `tools/call` (tools
/// `add` and `fail`), refusing any request after `initialize` without the session header.
#[derive(Default, Clone)]
struct McpServer {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Respond for McpServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let rpc = body["method"].as_str().unwrap_or_default().to_string();
        self.seen.lock().unwrap().push(rpc.clone());
        let accept = request
            .headers
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(accept.contains("text/event-stream"), "{accept}");
        let session = request
            .headers
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok());
        if rpc != "initialize" && session != Some(SESSION) {
            return ResponseTemplate::new(400).set_body_string("missing session");
        }
        let id = body["id"].clone();
        let reply = |result: Value| json!({"jsonrpc": "2.0", "id": id, "result": result});
        match rpc.as_str() {
            "initialize" => ResponseTemplate::new(200)
                .insert_header("Mcp-Session-Id", SESSION)
                .set_body_json(reply(json!({"protocolVersion": "2025-03-26",
                    "capabilities": {"tools": {}}, "serverInfo": {"name": "t", "version": "1"}}))),
            "notifications/initialized" => ResponseTemplate::new(202),
            "tools/list" => ResponseTemplate::new(200).set_body_json(reply(json!({"tools": [
                {"name": "add", "inputSchema": {"type": "object",
                    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                    "required": ["a", "b"]}}]}))),
            "tools/call" => {
                let args = &body["params"]["arguments"];
                let result = match body["params"]["name"].as_str() {
                    Some("add") => json!({"content": [{"type": "text",
                        "text": json!({"sum": args["a"].as_f64().unwrap() + args["b"].as_f64().unwrap()}).to_string()}]}),
                    _ => json!({"isError": true, "content": [{"type": "text", "text": "no such tool"}]}),
                };
                let event = format!("event: message\ndata: {}\n\n", reply(result));
                ResponseTemplate::new(200)
                    .set_body_raw(format!(": keep-alive\n\n{event}"), "text/event-stream")
            }
            _ => ResponseTemplate::new(200).set_body_json(
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "Method not found"}}),
            ),
        }
    }
}

async fn server() -> (MockServer, McpServer) {
    let server = MockServer::start().await;
    let mcp = McpServer::default();
    Mock::given(method("POST"))
        .and(path("/mcp"))
        .respond_with(mcp.clone())
        .mount(&server)
        .await;
    (server, mcp)
}

#[tokio::test]
async fn calls_a_tool_over_streamable_http() {
    let (server, mcp) = server().await;
    let out = run_block_with(
        McpTool,
        json!({"server_url": format!("{}/mcp", server.uri()), "selected_tool": "add",
               "tool_input_schema": {"required": ["a", "b"]},
               "tool_arguments": {"a": 2, "b": 3}}),
        permissive(),
    )
    .await;
    assert_eq!(out, vec![("result".to_string(), json!({"sum": 5.0}))]);
    assert_eq!(
        *mcp.seen.lock().unwrap(),
        vec!["initialize", "notifications/initialized", "tools/call"]
    );
}

#[tokio::test]
async fn lists_tools_with_the_session() {
    let (server, _) = server().await;
    let http = crate::http::OutboundHttp::new(crate::http::HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap();
    let mut session = McpSession::open(http, &format!("{}/mcp", server.uri()))
        .await
        .unwrap();
    let tools = session.list_tools().await.unwrap();
    assert_eq!(tools[0]["name"], "add");
}

#[tokio::test]
async fn tool_errors_and_missing_arguments_are_input_errors() {
    let (server, mcp) = server().await;
    let url = format!("{}/mcp", server.uri());
    let out = run_block_with(
        McpTool,
        json!({"server_url": url, "selected_tool": "nope"}),
        permissive(),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "error".to_string(),
            json!("MCP tool 'nope' returned an error: no such tool")
        )]
    );
    let out = run_block_with(
        McpTool,
        json!({"server_url": url, "selected_tool": "add",
               "tool_input_schema": {"required": ["b", "a"]}, "tool_arguments": {}}),
        permissive(),
    )
    .await;
    assert!(
        out[0]
            .1
            .as_str()
            .unwrap()
            .starts_with("Missing required argument(s): a, b.")
    );
    assert_eq!(
        mcp.seen.lock().unwrap().len(),
        3,
        "no call without the arguments"
    );
}

#[tokio::test]
async fn the_ssrf_guard_applies() {
    let (server, mcp) = server().await;
    let out = run_block(
        McpTool,
        json!({"server_url": format!("{}/mcp", server.uri()), "selected_tool": "add"}),
    )
    .await;
    assert_eq!(out[0].0, "error");
    assert!(
        out[0].1.as_str().unwrap().contains("URL refused"),
        "{out:?}"
    );
    assert!(mcp.seen.lock().unwrap().is_empty());
}
