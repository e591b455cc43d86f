//! E2B's HTTP API, as its SDK speaks it: create a sandbox (`POST /sandboxes`), run code in its
//! code interpreter (`POST https://49999-<id>.<domain>/execute`, answered with JSON lines), kill
//! it (`DELETE /sandboxes/<id>`). Setup commands (E2B's process RPC) are not spoken yet.

use std::time::Duration;

use agentry_core::BlockError;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The operator's E2B account. The binary puts one in `Resources` when `E2B_API_KEY` is set.
#[derive(Debug, Clone)]
pub struct E2b {
    pub api_key: String,
    /// `https://api.e2b.dev`, or a mock in tests.
    pub api_url: String,
    /// Sandboxes' domain when the API does not name one (`e2b.app`).
    pub domain: String,
    /// Where to reach every sandbox's code interpreter instead of `https://49999-<id>.<domain>`
    /// (tests).
    pub sandbox_url: Option<String>,
}

/// The template AutoGPT's blocks get when `template_id` is empty.
const DEFAULT_TEMPLATE: &str = "code-interpreter-v1";

impl E2b {
    /// From `E2B_API_KEY` (and `E2B_DOMAIN`), or `None` without a key.
    pub fn from_env() -> Option<E2b> {
        let api_key = std::env::var("E2B_API_KEY")
            .ok()
            .filter(|k| !k.is_empty())?;
        let domain = std::env::var("E2B_DOMAIN").unwrap_or_else(|_| "e2b.app".into());
        Some(E2b {
            api_key,
            api_url: format!("https://api.{domain}").replace("api.e2b.app", "api.e2b.dev"),
            domain,
            sandbox_url: None,
        })
    }
}

/// What one execution printed and produced.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Execution {
    pub results: Vec<Map<String, Value>>,
    pub stdout: String,
    pub stderr: String,
    pub error: Option<String>,
}

impl Execution {
    /// The main result's text, as the SDK's `execution.text`.
    pub fn text(&self) -> Option<String> {
        self.results
            .iter()
            .find(|r| r.get("is_main_result") == Some(&Value::Bool(true)))
            .and_then(|r| r.get("text"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

#[derive(Deserialize)]
struct Created {
    #[serde(rename = "sandboxID")]
    sandbox_id: String,
    #[serde(rename = "envdAccessToken", default)]
    access_token: Option<String>,
    #[serde(default)]
    domain: Option<String>,
}

fn system(what: &str, e: impl std::fmt::Display) -> BlockError {
    BlockError::System(format!("E2B {what}: {e}"))
}

async fn check(what: &str, response: reqwest::Response) -> Result<reqwest::Response, BlockError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let message = format!("E2B {what} failed ({status}): {body}");
    Err(if status.is_server_error() || status.as_u16() == 429 {
        BlockError::System(message)
    } else {
        BlockError::Input(message)
    })
}

impl E2b {
    fn client(&self, timeout: Duration) -> Result<reqwest::Client, BlockError> {
        reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| system("client", e))
    }

    /// Creates a sandbox, runs `code`, and kills the sandbox when `dispose` says so.
    pub async fn run(
        &self,
        code: &str,
        language: &str,
        template_id: &str,
        timeout_secs: u64,
        dispose: bool,
    ) -> Result<Execution, BlockError> {
        let client = self.client(Duration::from_secs(timeout_secs.max(1) + 30))?;
        let template = if template_id.is_empty() {
            DEFAULT_TEMPLATE
        } else {
            template_id
        };
        let response = client
            .post(format!("{}/sandboxes", self.api_url.trim_end_matches('/')))
            .header("X-API-KEY", &self.api_key)
            .json(&json!({"templateID": template, "timeout": timeout_secs}))
            .send()
            .await
            .map_err(|e| system("create", e))?;
        let created: Created = check("create", response)
            .await?
            .json()
            .await
            .map_err(|e| system("create", e))?;
        let result = self.execute(&client, &created, code, language).await;
        if dispose {
            // The sandbox times out on its own if this fails.
            let killed = client
                .delete(format!(
                    "{}/sandboxes/{}",
                    self.api_url.trim_end_matches('/'),
                    created.sandbox_id
                ))
                .header("X-API-KEY", &self.api_key)
                .send()
                .await;
            if let Err(e) = killed {
                tracing::warn!(sandbox = %created.sandbox_id, "E2B kill failed: {e}");
            }
        }
        result
    }

    async fn execute(
        &self,
        client: &reqwest::Client,
        sandbox: &Created,
        code: &str,
        language: &str,
    ) -> Result<Execution, BlockError> {
        let base = match &self.sandbox_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!(
                "https://49999-{}.{}",
                sandbox.sandbox_id,
                sandbox.domain.as_deref().unwrap_or(&self.domain)
            ),
        };
        let mut request = client.post(format!("{base}/execute")).json(
            &json!({"code": code, "language": language, "context_id": null, "env_vars": null}),
        );
        if let Some(token) = &sandbox.access_token {
            request = request.header("X-Access-Token", token);
        }
        let response = request.send().await.map_err(|e| system("execute", e))?;
        let body = check("execute", response)
            .await?
            .text()
            .await
            .map_err(|e| system("execute", e))?;
        Ok(parse_lines(&body))
    }
}

/// Folds the interpreter's JSON lines into one execution.
pub fn parse_lines(body: &str) -> Execution {
    let mut execution = Execution::default();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(Value::Object(mut event)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let kind = event.remove("type");
        let text = || {
            event
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        match kind.as_ref().and_then(Value::as_str) {
            Some("stdout") => execution.stdout.push_str(&text()),
            Some("stderr") => execution.stderr.push_str(&text()),
            Some("error") => {
                let field = |k: &str| event.get(k).and_then(Value::as_str).unwrap_or_default();
                execution.error = Some(format!("{}: {}", field("name"), field("value")));
            }
            Some("result") => {
                event.retain(|_, v| !v.is_null());
                execution.results.push(event);
            }
            _ => {}
        }
    }
    execution
}
