//! The structured-answer loop every AutoGPT LLM block runs on (AutoGPT's
//! `AIStructuredResponseGeneratorBlock.run`): build the prompt, ask for a JSON answer with the
//! keys of `expected_format` inside a one-time `<json_output id="…">` tag (or as pure JSON),
//! and while the answer does not parse or misses keys, append it and the complaint to the
//! conversation and ask again, `retry` times in all. With no `expected_format` the first
//! answer is returned as `{"response": text}`.
//!
//! A provider error ends the loop at once: `LlmProviders` has already retried what a retry
//! can fix (AutoGPT's loop also spends its `retry` answers on such errors).

use std::collections::BTreeMap;

use agentry_core::{BlockError, Cx};
use serde::Serialize;
use serde_json::{Map, Value};

use super::call;
use super::provider::{ChatRequest, Message, ResponseFormat};

/// What to ask.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub model: String,
    /// The node's `credentials` input: the user's own key for the model's provider.
    pub credentials: Option<Value>,
    pub prompt: String,
    pub sys_prompt: String,
    /// Earlier messages, as the block received them.
    pub history: Vec<Value>,
    /// Expected keys and a description of each.
    pub expected_format: Map<String, Value>,
    pub list_result: bool,
    pub force_json_output: bool,
    /// Answers asked for in all (at least one).
    pub retry: i64,
    pub prompt_values: BTreeMap<String, String>,
    pub max_tokens: Option<u32>,
}

/// The validated answer and the messages of the last call.
#[derive(Debug, Clone)]
pub struct Answer {
    pub response: Value,
    pub prompt: Vec<Message>,
}

impl Answer {
    /// The plain-text answer of a call made without `expected_format`.
    pub fn text(&self) -> String {
        self.response["response"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// A tag id no user or model text will contain by chance.
pub fn tag_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_string()
}

/// Runs the loop with a fresh tag id.
pub async fn generate<O: Serialize>(cx: &mut Cx<'_, O>, ask: Ask) -> Result<Answer, BlockError> {
    generate_tagged(cx, ask, &tag_id()).await
}

/// Runs the loop with the given tag id.
pub async fn generate_tagged<O: Serialize>(
    cx: &mut Cx<'_, O>,
    mut ask: Ask,
    tag_id: &str,
) -> Result<Answer, BlockError> {
    let mut messages = Vec::new();
    for value in &ask.history {
        messages.extend(call::history_message(value)?);
    }
    if !ask.prompt_values.is_empty() {
        ask.prompt = call::fill(&ask.prompt, &ask.prompt_values)?;
        ask.sys_prompt = call::fill(&ask.sys_prompt, &ask.prompt_values)?;
    }
    if !ask.sys_prompt.is_empty() {
        messages.push(Message::system(&ask.sys_prompt));
    }
    let tag = format!("<json_output id=\"{tag_id}\">");
    let structured = !ask.expected_format.is_empty();
    let pure = ask.force_json_output;
    if structured {
        let instructions = format_instructions(&ask.expected_format, ask.list_result, pure, &tag);
        messages.push(Message::system(instructions));
    }
    if !ask.prompt.is_empty() {
        messages.push(Message::user(&ask.prompt));
    }
    if !messages.iter().any(|m| !m.content.trim().is_empty()) {
        return Err(BlockError::input(
            "Cannot call LLM with no messages and no prompt. Provide at least one message or a non-empty prompt.",
        ));
    }
    let response_format = if structured && pure {
        ResponseFormat::JsonObject
    } else {
        ResponseFormat::Text
    };
    let mut complaint = String::new();
    for attempt in 0..ask.retry.max(1) {
        if attempt > 0 {
            call::count_retry(cx, 1);
        }
        let request = ChatRequest {
            messages: messages.clone(),
            response_format: response_format.clone(),
            max_tokens: ask.max_tokens,
            ..ChatRequest::default()
        };
        let reply = call::chat(cx, &ask.model, ask.credentials.as_ref(), request).await?;
        let sent = messages.clone();
        let text = reply.text;
        if !structured {
            let mut response = Map::new();
            response.insert("response".into(), Value::String(text));
            return Ok(Answer {
                response: Value::Object(response),
                prompt: sent,
            });
        }
        let problem = match extract_json(&text, pure, &tag) {
            Err(parse_error) => feedback(&parse_error, false, ask.list_result, pure, &tag),
            Ok(parsed) => match check(parsed, &ask) {
                Ok(response) => {
                    return Ok(Answer {
                        response,
                        prompt: sent,
                    });
                }
                Err(Check::NoResults(msg)) => msg,
                Err(Check::Invalid(errors)) => feedback(&errors, true, ask.list_result, pure, &tag),
            },
        };
        messages.push(Message::assistant(text));
        messages.push(Message::user(&problem));
        complaint = problem;
    }
    Err(BlockError::Input(complaint))
}

enum Check {
    /// Pure-JSON list mode without a `results` array: the complaint as is.
    NoResults(String),
    /// Items that miss keys or are not objects: the errors, one a line.
    Invalid(String),
}

fn check(parsed: Value, ask: &Ask) -> Result<Value, Check> {
    let parsed = match parsed {
        Value::Object(mut map) if ask.list_result => match map.remove("results") {
            Some(list @ Value::Array(_)) => list,
            _ => {
                return Err(Check::NoResults(format!(
                    "Expected an array of objects in the 'results' key, but got: {}",
                    crate::text::template::python_str(&Value::Object(map))
                )));
            }
        },
        other => other,
    };
    let items: Vec<&Value> = match &parsed {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let errors: Vec<String> = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(map) => {
                let missing: Vec<&str> = ask
                    .expected_format
                    .keys()
                    .filter(|k| !map.contains_key(*k))
                    .map(String::as_str)
                    .collect();
                (!missing.is_empty()).then(|| format!("Missing keys: {missing:?}"))
            }
            other => Some(format!(
                "Expected a dictionary, but got {}",
                json_type(other)
            )),
        })
        .collect();
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(Check::Invalid(errors.join("\n")))
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The system message describing the answer's format.
pub fn format_instructions(
    expected: &Map<String, Value>,
    list_mode: bool,
    pure: bool,
    tag: &str,
) -> String {
    let mut format = serde_json::to_string_pretty(expected).unwrap_or_default();
    if list_mode {
        format = format!("[\n  {},\n  ...\n]", format.replace('\n', "\n  "));
        if pure {
            format = format!(
                "{{\n  \"reasoning\": \"... (optional)\",\n  \"results\": {}\n}}",
                format.replace('\n', "\n  ")
            );
        }
    }
    let outer = if list_mode && !pure {
        "array"
    } else {
        "object"
    };
    if !pure {
        format = format!("{tag}\n{format}\n</json_output>");
    }
    let mut text = format!(
        "Your response MUST include a valid JSON {outer} in exactly this format:\n{format}\n\n\
         If you cannot give a value for a key, give an empty string for it."
    );
    if !pure {
        text.push_str(&format!(
            "\n\nWrap your final JSON answer in {tag}...</json_output> tags, even if the user \
             asks for a different tag. Your response MUST contain exactly ONE \
             {tag}...</json_output> block, holding only the JSON {outer}; text outside the \
             block is allowed."
        ));
    }
    text
}

/// The user message asking for a better answer.
fn feedback(error: &str, was_parseable: bool, list_mode: bool, pure: bool, tag: &str) -> String {
    let outer = if list_mode && !pure {
        "array"
    } else {
        "object"
    };
    let complaint = if was_parseable {
        format!("Your previous response did not match the expected {outer} format.")
    } else {
        format!("Your previous response did not contain a parseable JSON {outer}.")
    };
    let ask = if pure {
        format!("Please provide a valid JSON {outer} that matches the expected format.")
    } else {
        format!(
            "Please provide a {tag}...</json_output> block containing a valid JSON {outer} that matches the expected format."
        )
    };
    format!("{complaint}\n\n{error}\n\n{ask}")
}

/// The JSON in an answer: the whole text (or its outermost braces) in pure mode, else the
/// contents of the tag.
pub fn extract_json(text: &str, pure: bool, tag: &str) -> Result<Value, String> {
    if pure {
        return serde_json::from_str(text).or_else(|first| {
            let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
                return Err(format!("JSON decode error: {first}"));
            };
            if start > end {
                return Err(format!("JSON decode error: {first}"));
            }
            serde_json::from_str(&text[start..=end])
                .map_err(|_| format!("JSON decode error: {first}"))
        });
    }
    let Some((_, after)) = text.split_once(tag) else {
        return Err(format!(
            "Response does not contain the expected {tag}...</json_output> block."
        ));
    };
    let inner = after
        .rsplit_once("</json_output>")
        .map_or(after, |(inner, _)| inner);
    serde_json::from_str(inner.trim()).map_err(|e| format!("JSON decode error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TAG: &str = "<json_output id=\"t1\">";

    #[test]
    fn extracts_tagged_and_pure_json() {
        let text = format!("thinking... {TAG}\n{{\"a\": 1}}\n</json_output> done");
        assert_eq!(extract_json(&text, false, TAG).unwrap(), json!({"a": 1}));
        assert!(
            extract_json("{\"a\": 1}", false, TAG)
                .unwrap_err()
                .contains("does not contain")
        );
        assert_eq!(
            extract_json("```json\n{\"a\": 2}\n```", true, TAG).unwrap(),
            json!({"a": 2})
        );
        assert!(
            extract_json("no json", true, TAG)
                .unwrap_err()
                .contains("JSON decode error")
        );
    }

    #[test]
    fn checks_keys_and_list_results() {
        let ask = Ask {
            expected_format: json!({"a": "x", "b": "y"}).as_object().unwrap().clone(),
            ..Ask::default()
        };
        assert!(check(json!({"a": 1, "b": 2}), &ask).is_ok());
        let Err(Check::Invalid(e)) = check(json!({"a": 1}), &ask) else {
            panic!()
        };
        assert_eq!(e, "Missing keys: [\"b\"]");
        let list = Ask {
            list_result: true,
            ..ask
        };
        assert_eq!(
            check(json!({"results": [{"a": 1, "b": 2}]}), &list).ok(),
            Some(json!([{"a": 1, "b": 2}]))
        );
        assert!(matches!(
            check(json!({"x": 1}), &list),
            Err(Check::NoResults(_))
        ));
        assert!(matches!(check(json!([1]), &list), Err(Check::Invalid(_))));
    }

    #[test]
    fn instructions_show_the_format_in_the_tag() {
        let expected = json!({"key1": "value1"}).as_object().unwrap().clone();
        let text = format_instructions(&expected, true, false, TAG);
        assert!(
            text.contains(&format!(
                "{TAG}\n[\n  {{\n    \"key1\": \"value1\"\n  }},\n  ...\n]\n</json_output>"
            )),
            "{text}"
        );
        assert!(text.contains("JSON array"));
        let pure = format_instructions(&expected, true, true, TAG);
        assert!(
            pure.contains("\"results\": [") && !pure.contains("json_output"),
            "{pure}"
        );
    }
}
