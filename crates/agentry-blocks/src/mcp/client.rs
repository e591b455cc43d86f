//! A Model Context Protocol client over streamable HTTP: JSON-RPC 2.0 requests POSTed to one
//! endpoint through the SSRF-guarded `OutboundHttp`, answered as `application/json` or as a
//! `text/event-stream` carrying the response; the `Mcp-Session-Id` the server gives on
//! `initialize` goes with every later request.

use agentry_core::BlockError;
use reqwest::Method;
use serde_json::{Value, json};

use crate::http::OutboundHttp;

/// The protocol revision we speak (streamable HTTP).
pub const PROTOCOL_VERSION: &str = "2025-03-26";
const SESSION_HEADER: &str = "Mcp-Session-Id";
/// `tools/list` pages followed at most.
const MAX_PAGES: usize = 20;

/// One MCP session with a server.
pub struct McpSession {
    http: OutboundHttp,
    url: String,
    session: Option<String>,
    next_id: u64,
}

impl McpSession {
    /// Opens a session: `initialize`, then the `notifications/initialized` notification.
    pub async fn open(http: OutboundHttp, url: &str) -> Result<Self, BlockError> {
        let mut session = McpSession {
            http,
            url: url.trim().to_string(),
            session: None,
            next_id: 1,
        };
        session
            .request(
                "initialize",
                json!({
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "agentry", "version": env!("CARGO_PKG_VERSION")},
                }),
            )
            .await?;
        session
            .post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await?;
        Ok(session)
    }

    /// Every tool the server offers (`tools/list`, following `nextCursor`).
    pub async fn list_tools(&mut self) -> Result<Vec<Value>, BlockError> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let page = self.request("tools/list", params).await?;
            tools.extend(page["tools"].as_array().cloned().unwrap_or_default());
            cursor = page["nextCursor"].as_str().map(str::to_string);
            if cursor.is_none() {
                break;
            }
        }
        Ok(tools)
    }

    /// Calls tool `name` (`tools/call`); the result as the server sent it.
    pub async fn call_tool(&mut self, name: &str, arguments: Value) -> Result<Value, BlockError> {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// One JSON-RPC request; its `result`, or its `error` as an input error.
    async fn request(&mut self, method: &str, params: Value) -> Result<Value, BlockError> {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let fetched = self.post(body).await?;
        let messages = if fetched.content_type().starts_with("text/event-stream") {
            sse_messages(&fetched.text())
        } else {
            match serde_json::from_slice::<Value>(&fetched.body) {
                Ok(Value::Array(batch)) => batch,
                Ok(one) => vec![one],
                Err(e) => {
                    return Err(BlockError::System(format!(
                        "MCP server answered {method} with malformed JSON: {e}"
                    )));
                }
            }
        };
        let reply = messages
            .into_iter()
            .find(|m| m.get("id").and_then(Value::as_u64) == Some(id))
            .ok_or_else(|| {
                BlockError::System(format!("MCP server sent no response to {method}"))
            })?;
        if let Some(error) = reply.get("error") {
            return Err(BlockError::Input(format!(
                "MCP server refused {method}: {} (code {})",
                error["message"].as_str().unwrap_or("unknown error"),
                error["code"]
            )));
        }
        Ok(reply.get("result").cloned().unwrap_or(Value::Null))
    }

    async fn post(&mut self, body: Value) -> Result<crate::http::Fetched, BlockError> {
        let mut request = self
            .http
            .request(Method::POST, &self.url)?
            .header("Accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(session) = &self.session {
            request = request.header(SESSION_HEADER, session);
        }
        let fetched = self.http.send(request).await?;
        if let Some(session) = fetched
            .headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            self.session = Some(session.to_string());
        }
        match fetched.status {
            200..=299 => Ok(fetched),
            status @ 500..=599 => Err(BlockError::System(format!(
                "MCP server error (HTTP {status}): {}",
                fetched.text()
            ))),
            status => Err(BlockError::Input(format!(
                "MCP server rejected the request (HTTP {status}): {}",
                fetched.text()
            ))),
        }
    }
}

/// The JSON messages of a server-sent-event stream (each event's `data:` lines joined).
fn sse_messages(text: &str) -> Vec<Value> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            (!data.is_empty())
                .then(|| serde_json::from_str(&data.join("\n")).ok())
                .flatten()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_streams_are_read() {
        let text = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\r\ndata: \"result\":{}}\r\n\r\n: ping\n\ndata: not json\n\n";
        assert_eq!(
            sse_messages(text),
            vec![json!({"jsonrpc": "2.0", "id": 1, "result": {}})]
        );
    }
}
