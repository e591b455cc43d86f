//! SmartDecisionMaker's conversation: history entries in OpenAI's chat shape (what its
//! `conversations` pin carries and `conversation_history` takes back), tool answers, and the
//! checks a model's tool calls must pass before they are acted on.

use std::collections::BTreeSet;

use agentry_core::BlockError;
use agentry_core::tool_nodes::{ToolFunction, ToolRun};
use serde_json::{Map, Value, json};

use super::call;
use super::provider::{ChatResponse, Message, Role, Tool, ToolCall};

/// Marks the system and user messages SmartDecisionMaker adds, so they are added once.
pub const MAIN_OBJECTIVE_PREFIX: &str = "[Main Objective Prompt]: ";

/// A history entry as a provider message: role, text, and OpenAI `tool_calls` when present.
pub fn to_message(entry: &Value) -> Result<Option<Message>, BlockError> {
    let mut plain = entry.clone();
    // Anthropic-style content lists become their text parts.
    if let Some(items) = entry.get("content").and_then(Value::as_array) {
        let text: Vec<String> = items
            .iter()
            .map(
                |item| match item.get("text").or_else(|| item.get("content")) {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => item.to_string(),
                },
            )
            .collect();
        plain["content"] = Value::String(text.join("\n"));
    }
    let Some(mut message) = call::history_message(&plain)? else {
        return Ok(None);
    };
    for call in entry
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let function = call.get("function").unwrap_or(call);
        let arguments = match function.get("arguments") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "{}".to_string(),
        };
        message.tool_calls.push(ToolCall {
            id: text_of(call, "id"),
            name: text_of(function, "name"),
            arguments,
        });
    }
    Ok(Some(message))
}

fn text_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The model's answer as a history entry, in OpenAI's shape.
pub fn assistant_entry(reply: &ChatResponse) -> Value {
    super::provider::openai::message(&Message {
        tool_calls: reply.tool_calls.clone(),
        ..Message::assistant(reply.text.clone())
    })
}

/// The answer to tool call `call_id`: text as is, anything else as JSON.
pub fn tool_entry(call_id: &str, output: &Value) -> Value {
    let content = match output {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if call_id.starts_with("toolu_") {
        return json!({"role": "user", "type": "message", "content": [
            {"tool_use_id": call_id, "type": "tool_result", "content": content}
        ]});
    }
    json!({"role": "tool", "tool_call_id": call_id, "content": content})
}

/// What a tool node's execution tells the model: its outputs by pin, each a list of values.
pub fn tool_result_text(run: &ToolRun) -> Value {
    if run.outputs.is_empty() {
        return Value::String("Tool executed successfully".into());
    }
    let mut by_pin = Map::new();
    for (pin, value) in &run.outputs {
        if let Value::Array(list) = by_pin
            .entry(pin.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(value.clone());
        }
    }
    Value::String(Value::Object(by_pin).to_string())
}

/// The tools as the provider layer sends them.
pub fn provider_tools(functions: &[ToolFunction]) -> Vec<Tool> {
    functions
        .iter()
        .map(|f| Tool {
            name: f.name.clone(),
            description: f.description.clone(),
            parameters: f.parameters.clone(),
        })
        .collect()
}

/// A tool call matched to its function, with its parsed arguments.
pub struct Chosen<'a> {
    pub call: &'a ToolCall,
    pub function: &'a ToolFunction,
    pub arguments: Map<String, Value>,
}

/// Matches every tool call to a function and checks its arguments as AutoGPT does (valid JSON,
/// no unknown parameter, every required one present); the error lists every problem.
pub fn check_calls<'a>(
    calls: &'a [ToolCall],
    functions: &'a [ToolFunction],
) -> Result<Vec<Chosen<'a>>, String> {
    let mut problems = Vec::new();
    let mut chosen = Vec::new();
    for call in calls {
        let arguments = match serde_json::from_str::<Value>(if call.arguments.trim().is_empty() {
            "{}"
        } else {
            &call.arguments
        }) {
            Ok(Value::Object(map)) => map,
            Ok(other) => {
                problems.push(format!(
                    "Tool call '{}' has invalid JSON arguments: expected an object, got {other}",
                    call.name
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!(
                    "Tool call '{}' has invalid JSON arguments: {e}",
                    call.name
                ));
                continue;
            }
        };
        let function = match functions.iter().find(|f| f.name == call.name) {
            Some(f) => f,
            None if functions.len() == 1 => &functions[0],
            None => {
                problems.push(format!(
                    "Tool call for '{}' does not match any known tool definition.",
                    call.name
                ));
                continue;
            }
        };
        let params = &function.parameters;
        let expected: BTreeSet<&str> = params
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let required: BTreeSet<&str> = params
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let given: BTreeSet<&str> = arguments.keys().map(String::as_str).collect();
        let open = params.get("additionalProperties") != Some(&Value::Bool(false))
            && function.whole_arguments_pin.is_some();
        let unknown: Vec<&str> = if open {
            Vec::new()
        } else {
            given.difference(&expected).copied().collect()
        };
        let missing: Vec<&str> = required.difference(&given).copied().collect();
        if !unknown.is_empty() || !missing.is_empty() {
            let mut msg = format!("Tool call '{}' has parameter errors:", call.name);
            if !unknown.is_empty() {
                msg += &format!(" Unknown parameters: {unknown:?}.");
            }
            if !missing.is_empty() {
                msg += &format!(" Missing required parameters: {missing:?}.");
            }
            msg += &format!(" Expected parameters: {:?}.", Vec::from_iter(&expected));
            problems.push(msg);
            continue;
        }
        chosen.push(Chosen {
            call,
            function,
            arguments,
        });
    }
    if problems.is_empty() {
        Ok(chosen)
    } else {
        Err(problems.join("; "))
    }
}

/// The request's messages: the history entries, in order.
pub fn messages(prompt: &[Value]) -> Result<Vec<Message>, BlockError> {
    let mut out = Vec::with_capacity(prompt.len());
    for entry in prompt {
        if let Some(m) = to_message(entry)? {
            out.push(m);
        }
    }
    Ok(out)
}

/// True when `prompt` already holds a `role` message starting with the objective prefix.
pub fn has_objective(prompt: &[Value], role: Role) -> bool {
    let role = match role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    prompt.iter().any(|p| {
        p.get("role").and_then(Value::as_str) == Some(role)
            && p.get("content")
                .and_then(Value::as_str)
                .is_some_and(|c| c.starts_with(MAIN_OBJECTIVE_PREFIX))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(name: &str, required: &[&str]) -> ToolFunction {
        ToolFunction {
            node_id: format!("node-{name}"),
            name: name.into(),
            description: String::new(),
            parameters: json!({"type": "object", "additionalProperties": false,
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": required}),
            fields: vec![
                ("city".into(), "city".into()),
                ("days".into(), "days".into()),
            ],
            whole_arguments_pin: None,
        }
    }

    fn call(name: &str, args: &str) -> ToolCall {
        ToolCall {
            id: "call_1".into(),
            name: name.into(),
            arguments: args.into(),
        }
    }

    #[test]
    fn tool_calls_are_checked() {
        let fs = vec![function("weather", &["city"]), function("news", &[])];
        let ok = [call("weather", r#"{"city": "Oslo"}"#)];
        assert_eq!(check_calls(&ok, &fs).unwrap()[0].function.name, "weather");
        let missing = [call("weather", r#"{"days": 2}"#)];
        let e = check_calls(&missing, &fs).err().unwrap();
        assert!(e.contains("Missing required parameters: [\"city\"]"), "{e}");
        let unknown = [call("news", r#"{"town": "x"}"#)];
        assert!(
            check_calls(&unknown, &fs)
                .err()
                .unwrap()
                .contains("Unknown parameters")
        );
        let nameless = [call("nope", "{}")];
        assert!(
            check_calls(&nameless, &fs)
                .err()
                .unwrap()
                .contains("does not match")
        );
        let bad = [call("news", "{not json")];
        assert!(
            check_calls(&bad, &fs)
                .err()
                .unwrap()
                .contains("invalid JSON")
        );
        // With one tool, a misnamed call still goes to it, as in AutoGPT.
        let single = vec![function("weather", &[])];
        assert_eq!(check_calls(&nameless, &single).unwrap().len(), 1);
    }

    #[test]
    fn history_round_trips_tool_calls() {
        let reply = ChatResponse {
            tool_calls: vec![call("weather", r#"{"city":"Oslo"}"#)],
            ..ChatResponse::default()
        };
        let entry = assistant_entry(&reply);
        assert_eq!(entry["tool_calls"][0]["function"]["name"], "weather");
        let m = to_message(&entry).unwrap().unwrap();
        assert_eq!(m.tool_calls, reply.tool_calls);
        let answer = tool_entry("call_1", &json!({"t": 3}));
        let m = to_message(&answer).unwrap().unwrap();
        assert_eq!(m.role, Role::Tool);
        assert_eq!(m.tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(m.content, r#"{"t":3}"#);
        let anthropic = tool_entry("toolu_9", &json!("sunny"));
        assert_eq!(anthropic["content"][0]["tool_use_id"], "toolu_9");
    }
}
