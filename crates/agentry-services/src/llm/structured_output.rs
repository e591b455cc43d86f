//! Constrained structured output: how an OpenAI-compatible server is asked to make its answer
//! fit a JSON schema (`JsonStyle`), and the probe that finds the style of a server the operator
//! did not describe.
//!
//! Servers differ: OpenAI (and vLLM, llama.cpp's own server, Ollama since 0.5) take
//! `response_format: {"type":"json_schema","json_schema":{…}}`; llama-cpp-python rejects that
//! and takes `{"type":"json_object","schema":{…}}`; Ollama's native field is `format: <schema>`.
//! A server that constrains decoding makes even a 135M model answer valid JSON, which the tag
//! protocol of the blocks (`<json_output>`) cannot. A provider whose style is `Detect` is
//! probed once, on the first structured call, and the answer is kept for the process: the probe
//! asks a question whose honest answer is not JSON ("Say hello.") with a schema attached, and
//! a style counts only when the answer parses and fits the schema, so a server that accepts the
//! field but ignores it is not mistaken for one that constrains.

use agentry_core::SecretString;
use serde_json::{Value, json};

use super::openai::OpenAiCompatible;
use super::{CallError, ChatRequest, LlmProvider, Message, ResponseFormat};

/// How a JSON-schema response format is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JsonStyle {
    /// `{"type":"json_schema","json_schema":{"name","schema","strict":false}}` (OpenAI, OpenRouter,
    /// vLLM, llama.cpp's server).
    #[default]
    JsonSchema,
    /// `{"type":"json_object","schema":{…}}` (llama-cpp-python).
    JsonObjectWithSchema,
    /// Ollama: its native `format: <schema>`, with the `json_schema` response format its `/v1`
    /// endpoint reads beside it.
    Ollama,
    /// `{"type":"json_object"}`: valid JSON, the keys left to the prompt (Groq, older servers).
    JsonObject,
    /// No response format at all: the schema is only in the prompt (the tag protocol).
    Prompt,
    /// Not known yet: probed once, on the first structured call.
    Detect,
}

impl JsonStyle {
    /// Whether the server enforces the schema, so that blocks may ask for plain JSON.
    pub fn constrains(self) -> bool {
        matches!(
            self,
            JsonStyle::JsonSchema | JsonStyle::JsonObjectWithSchema | JsonStyle::Ollama
        )
    }

    /// The operator's name for a style (configuration): `json_schema`, `llama_cpp`, `ollama`,
    /// `json_object`, `prompt` or `detect`.
    pub fn parse(name: &str) -> Result<Self, String> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "json_schema" => JsonStyle::JsonSchema,
            "llama_cpp" | "json_object_schema" => JsonStyle::JsonObjectWithSchema,
            "ollama" => JsonStyle::Ollama,
            "json_object" => JsonStyle::JsonObject,
            "prompt" | "tags" | "none" => JsonStyle::Prompt,
            "detect" | "auto" => JsonStyle::Detect,
            other => {
                return Err(format!(
                    "unknown structured-output style {other:?}; expected json_schema, llama_cpp, \
                     ollama, json_object, prompt or detect"
                ));
            }
        })
    }

    /// The `response_format` (and extra top-level fields) for a schema, in this style.
    pub(crate) fn apply(self, body: &mut Value, name: &str, schema: &Value) {
        let json_schema = || {
            json!({"type": "json_schema", "json_schema": {
                "name": name, "schema": schema, "strict": false,
            }})
        };
        match self {
            JsonStyle::JsonSchema => body["response_format"] = json_schema(),
            JsonStyle::JsonObjectWithSchema => {
                body["response_format"] = json!({"type": "json_object", "schema": schema});
            }
            JsonStyle::Ollama => {
                body["format"] = schema.clone();
                body["response_format"] = json_schema();
            }
            JsonStyle::JsonObject => body["response_format"] = json!({"type": "json_object"}),
            JsonStyle::Prompt | JsonStyle::Detect => {}
        }
    }
}

/// The styles a probe tries, most standard first.
const PROBED: [JsonStyle; 3] = [
    JsonStyle::JsonSchema,
    JsonStyle::JsonObjectWithSchema,
    JsonStyle::Ollama,
];

/// Enough for `{"ok": true}` with the whitespace a grammar allows.
const PROBE_TOKENS: u32 = 32;

fn probe_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": false,
    })
}

/// Whether a probe's answer is the JSON the schema asked for.
fn fits(text: &str) -> bool {
    serde_json::from_str::<Value>(text.trim())
        .ok()
        .and_then(|v| v.get("ok").map(Value::is_boolean))
        .unwrap_or(false)
}

/// Finds the style `adapter`'s server enforces for `model`: the first of `PROBED` whose answer
/// fits, else `Prompt`. A failure a retry could fix (5xx, timeout, refused connection) moves on
/// to the next style too (llama-cpp-python answers an unknown response format with a 500), but
/// when no style fits after one, it is returned so that the caller does not keep a guess.
pub(crate) async fn probe(
    adapter: &OpenAiCompatible,
    model: &str,
    api_key: Option<&SecretString>,
) -> Result<JsonStyle, CallError> {
    let request = ChatRequest {
        api_key: api_key.cloned(),
        model: model.to_string(),
        messages: vec![Message::user("Say hello.")],
        response_format: ResponseFormat::JsonSchema {
            name: "probe".into(),
            schema: probe_schema(),
        },
        max_tokens: Some(PROBE_TOKENS),
        ..ChatRequest::default()
    };
    let mut transient = None;
    for style in PROBED {
        let candidate = OpenAiCompatible {
            json_style: style,
            ..adapter.clone()
        };
        match candidate.chat(&request).await {
            Ok(reply) if fits(&reply.text) => return Ok(style),
            // A refused key says nothing about the server's styles: not kept.
            Err(
                refused @ CallError::Client {
                    status: 401 | 403, ..
                },
            ) => return Err(refused),
            Ok(_) | Err(CallError::Client { .. } | CallError::Malformed(_)) => {}
            Err(CallError::Connect(e)) => return Err(CallError::Connect(e)),
            Err(other) => transient = Some(other),
        }
    }
    match transient {
        Some(error) => Err(error),
        None => Ok(JsonStyle::Prompt),
    }
}

/// A JSON schema for an object with `keys`, each constrained by `typed` when it names the key
/// (and then described by its text), else any JSON value (`{}`): llama-cpp-python cannot
/// convert a property schema that has a description but no type, and falls back to accepting
/// any JSON at all, keys included. The descriptions are in the prompt anyway. Every key
/// required, no others.
pub fn object_schema(
    keys: &serde_json::Map<String, Value>,
    typed: &serde_json::Map<String, Value>,
) -> Value {
    let properties: serde_json::Map<String, Value> = keys
        .iter()
        .map(|(key, description)| {
            let property = match typed.get(key) {
                Some(Value::Object(schema)) => {
                    let mut property = schema.clone();
                    if let Some(text) = description.as_str() {
                        property.insert("description".into(), json!(text));
                    }
                    property
                }
                _ => serde_json::Map::new(),
            };
            (key.clone(), Value::Object(property))
        })
        .collect();
    let required: Vec<&String> = keys.keys().collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

#[cfg(test)]
#[path = "structured_output_tests.rs"]
mod wire_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_parse_and_say_whether_they_constrain() {
        assert_eq!(
            JsonStyle::parse("llama_cpp"),
            Ok(JsonStyle::JsonObjectWithSchema)
        );
        assert_eq!(JsonStyle::parse(" Ollama "), Ok(JsonStyle::Ollama));
        assert!(JsonStyle::parse("xml").unwrap_err().contains("json_schema"));
        assert!(JsonStyle::JsonSchema.constrains());
        assert!(!JsonStyle::JsonObject.constrains());
        assert!(!JsonStyle::Detect.constrains());
    }

    #[test]
    fn probe_answers_must_fit() {
        assert!(fits("{\"ok\": true}"));
        assert!(fits(" {\n  \"ok\": false\n}\n"));
        assert!(!fits("Hello! How can I help?"));
        assert!(!fits("{\"ok\": \"yes\"}"));
    }

    #[test]
    fn object_schemas_describe_and_type_keys() {
        let keys = json!({"name": "Full name", "tags": "A list"});
        let typed = json!({"tags": {"type": "array", "items": {"type": "string"}}});
        let schema = object_schema(keys.as_object().unwrap(), typed.as_object().unwrap());
        assert_eq!(
            schema,
            json!({"type": "object", "additionalProperties": false, "required": ["name", "tags"],
                   "properties": {"name": {},
                                  "tags": {"type": "array", "items": {"type": "string"},
                                           "description": "A list"}}})
        );
    }
}
