//! The agents in `examples/` run with `agentry run` against a mock OpenAI-compatible server on
//! 127.0.0.1 that answers as a model behind a constraining server would: plain JSON fitting the
//! schema when the request carries a `json_schema` response format (the structured-output probe
//! included), in the `<json_output>` tag the block asked for when it asked in the prompt, in
//! plain text otherwise.

use std::path::PathBuf;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::{agentry_with_env, text};

fn example(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples")).join(file)
}

/// A scripted model: `fields` fill any JSON answer, `text` is the plain-text answer.
struct Model {
    fields: Value,
    text: &'static str,
}

impl Respond for Model {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let prompt: String = body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["content"].as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let tag = regex::Regex::new(r#"<json_output id="([0-9a-f]+)">"#).unwrap();
        let schema = &body["response_format"]["json_schema"]["schema"];
        let content = match tag.captures(&prompt) {
            _ if schema.is_object() => {
                let answer: serde_json::Map<String, Value> = schema["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(key, _)| {
                        let value = match key.as_str() {
                            "ok" => json!(true),
                            _ => self.fields.get(key).cloned().unwrap_or(json!("")),
                        };
                        (key.clone(), value)
                    })
                    .collect();
                Value::Object(answer).to_string()
            }
            Some(id) => format!(
                "<json_output id=\"{}\">{}</json_output>",
                &id[1], self.fields
            ),
            None => self.text.to_string(),
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-x",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70}
        }))
    }
}

async fn model_server(model: Model) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(model)
        .mount(&server)
        .await;
    server
}

/// Runs an example with `--json` in a fresh directory (with `config` as its agentry.toml) and
/// returns its graph outputs by name.
async fn run(server: &MockServer, file: &str, inputs: &[&str], config: &str) -> Value {
    let base = format!("{}/v1", server.uri());
    let file = example(file);
    let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
    let config = config.to_string();
    let out = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("agentry.toml"), config).unwrap();
        let mut args = vec!["run", file.to_str().unwrap(), "--json"];
        for input in &inputs {
            args.extend(["--input", input.as_str()]);
        }
        agentry_with_env(
            dir.path(),
            &args,
            &[
                ("OPENAI_BASE_URL", base.as_str()),
                ("OPENAI_API_KEY", "sk-test"),
            ],
        )
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let mut outputs = serde_json::Map::new();
    for line in text(&out.stdout).lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        if let Some(name) = line["output"].as_str() {
            outputs.insert(name.to_string(), line["value"].clone());
        }
    }
    Value::Object(outputs)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_contact_extractor_returns_structured_fields() {
    let server = model_server(Model {
        fields: json!({"name": "Ada Lovelace", "email": "ada@example.com", "company": "Analytical Engines"}),
        text: "unused",
    })
    .await;
    let outputs = run(
        &server,
        "contact-extractor.json",
        &["Text=Best, Ada Lovelace (ada@example.com), Analytical Engines Ltd"],
        "",
    )
    .await;
    assert_eq!(outputs["Name"], "Ada Lovelace");
    assert_eq!(outputs["Contact"]["email"], "ada@example.com");
    let requests = server.received_requests().await.unwrap();
    let bodies: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        bodies[0]["messages"],
        json!([{"role": "user", "content": "Say hello."}]),
        "the base URL's structured-output style is probed first"
    );
    let asked = &bodies[1];
    assert!(
        asked.to_string().contains("Analytical Engines Ltd"),
        "the text reached the model: {asked}"
    );
    assert_eq!(
        asked["response_format"]["type"], "json_schema",
        "the expected format went as a schema"
    );
    assert_eq!(bodies.len(), 2, "one answer, no retry");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_article_summarizer_summarizes_and_counts() {
    let server = model_server(Model {
        fields: json!({"summary": "- Engines compute.\n- Notes matter.", "final_summary": "- Engines compute.\n- Notes matter."}),
        text: "unused",
    })
    .await;
    let article = "Engines compute numbers. ".repeat(40);
    let outputs = run(
        &server,
        "article-summarizer.json",
        &[&format!("Article={article}")],
        "",
    )
    .await;
    assert_eq!(outputs["Summary"], "- Engines compute.\n- Notes matter.");
    assert_eq!(outputs["Words"], 120);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_web_page_digest_reads_a_page_and_digests_it() {
    let server = model_server(Model {
        fields: json!({}),
        text: "A page about lighthouses and their keepers.",
    })
    .await;
    Mock::given(method("GET"))
        .and(path("/lighthouses"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("Lighthouses guide ships; keepers tend them.")
                .insert_header("content-type", "text/plain"),
        )
        .mount(&server)
        .await;
    let page = format!("URL={}/lighthouses", server.uri());
    // The page is on loopback: the SSRF guard refuses it unless the operator allows it.
    let refused = run(&server, "web-page-digest.json", &[&page], "").await;
    assert!(
        refused["Problem"]
            .as_str()
            .unwrap_or_default()
            .contains("127.0.0.1")
            || refused["Problem"].to_string().contains("private"),
        "{refused}"
    );
    assert!(refused.get("Digest").is_none(), "{refused}");

    let outputs = run(
        &server,
        "web-page-digest.json",
        &[&page],
        "allow_private_networks = true\n",
    )
    .await;
    assert_eq!(
        outputs["Digest"],
        "A page about lighthouses and their keepers."
    );
    let requests = server.received_requests().await.unwrap();
    let asked = requests
        .iter()
        .rev()
        .find(|r| r.url.path() == "/v1/chat/completions")
        .unwrap();
    assert!(String::from_utf8_lossy(&asked.body).contains("keepers tend them"));
}
