//! The structured blocks against servers that constrain decoding to a JSON schema: the request
//! bodies in each style, plain-JSON answers giving the same outputs as the tag protocol, and
//! the fallback to the tag protocol when a server refuses the schema.

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_recorded};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::condition::AiCondition;
use super::list_generator::AiListGenerator;
use super::provider::openai::JsonStyle;
use super::structured_response::AiStructuredResponseGenerator;
use super::summarizer::AiTextSummarizer;
use super::testing::{Mock, Script, openai_reply};

const CONTACT: &str = "{\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"}";

fn contact_input() -> Value {
    json!({"prompt": "Best, Ada Lovelace (ada@example.com)", "model": "gpt-4o",
           "expected_format": {"name": "The full name", "email": "The email address"}})
}

fn contact_schema() -> Value {
    json!({"type": "object", "additionalProperties": false, "required": ["email", "name"],
           "properties": {"name": {}, "email": {}}})
}

#[tokio::test]
async fn openai_style_sends_a_json_schema_and_reads_plain_json() {
    let mock = Mock::start().await;
    mock.reply_with(Script::new(&[CONTACT])).await;
    let rec = run_recorded(
        AiStructuredResponseGenerator,
        contact_input(),
        mock.recorder_with(JsonStyle::JsonSchema),
    )
    .await;
    assert_eq!(
        rec.outputs[0],
        (
            "response".into(),
            json!({"name": "Ada Lovelace", "email": "ada@example.com"})
        )
    );
    let sent = &mock.bodies().await[0];
    let mut format = sent["response_format"].clone();
    sort_required(&mut format["json_schema"]["schema"]);
    assert_eq!(
        format,
        json!({"type": "json_schema", "json_schema": {"name": "response", "strict": false,
               "schema": contact_schema()}})
    );
    let instructions = sent["messages"][0]["content"].as_str().unwrap();
    assert!(
        instructions.contains("valid JSON object") && !instructions.contains("json_output"),
        "the pure-JSON instructions, no tag: {instructions}"
    );
    assert_eq!(rec.stats["llm_call_count"], 1);
    assert_eq!(rec.stats["llm_retry_count"], 0);
}

/// `required` lists keys in the map's order; sorted for comparison.
fn sort_required(schema: &mut Value) {
    if let Some(Value::Array(keys)) = schema.get_mut("required") {
        keys.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
}

#[tokio::test]
async fn llama_cpp_and_ollama_styles_put_the_schema_where_they_read_it() {
    for (style, check) in [
        (
            JsonStyle::JsonObjectWithSchema,
            (|b: &Value| {
                assert_eq!(b["response_format"]["type"], "json_object");
                assert_eq!(
                    b["response_format"]["schema"]["required"]
                        .as_array()
                        .unwrap()
                        .len(),
                    2
                );
                assert!(b.get("format").is_none());
            }) as fn(&Value),
        ),
        (JsonStyle::Ollama, |b: &Value| {
            assert!(b["format"]["properties"]["email"].is_object(), "{b}");
            assert_eq!(b["response_format"]["type"], "json_schema");
        }),
    ] {
        let mock = Mock::start().await;
        mock.reply_with(Script::new(&[CONTACT])).await;
        let rec = run_recorded(
            AiStructuredResponseGenerator,
            contact_input(),
            mock.recorder_with(style),
        )
        .await;
        assert_eq!(rec.outputs[0].1["email"], "ada@example.com", "{style:?}");
        check(&mock.bodies().await[0]);
    }
}

#[tokio::test]
async fn a_refused_schema_falls_back_to_the_tag_protocol() {
    let mock = Mock::start().await;
    let tagged = Script::new(&["{TAG}{\"name\": \"Ada\", \"email\": \"a@x\"}</json_output>"]);
    mock.reply_with(move |request: &Request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        if body.get("response_format").is_some() {
            ResponseTemplate::new(400).set_body_json(
                json!({"error": {"message": "response_format json_schema is not supported"}}),
            )
        } else {
            wiremock::Respond::respond(&tagged, request)
        }
    })
    .await;
    let providers = mock.providers_with(JsonStyle::JsonSchema);
    let recorder = || Recorder {
        resources: Resources::new().with(providers.clone()),
        ..Recorder::default()
    };
    let rec = run_recorded(AiStructuredResponseGenerator, contact_input(), recorder()).await;
    assert_eq!(rec.outputs[0].1, json!({"name": "Ada", "email": "a@x"}));
    let sent = mock.bodies().await;
    assert_eq!(sent.len(), 2);
    assert!(sent[1].get("response_format").is_none());
    assert!(
        sent[1]["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("<json_output id=")
    );
    // The same process does not try the schema again for that model.
    let rec = run_recorded(AiStructuredResponseGenerator, contact_input(), recorder()).await;
    assert_eq!(rec.outputs[0].0, "response");
    assert_eq!(mock.bodies().await.len(), 3);
}

#[tokio::test]
async fn list_mode_wraps_the_items_in_results() {
    let mock = Mock::start().await;
    mock.reply_with(Script::new(&[
        "{\"results\": [{\"a\": \"1\"}, {\"a\": \"2\"}]}",
    ]))
    .await;
    let rec = run_recorded(
        AiStructuredResponseGenerator,
        json!({"prompt": "p", "expected_format": {"a": "x"}, "list_result": true,
               "model": "gpt-4o"}),
        mock.recorder_with(JsonStyle::JsonSchema),
    )
    .await;
    assert_eq!(rec.outputs[0].1, json!([{"a": "1"}, {"a": "2"}]));
    let schema = &mock.bodies().await[0]["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["required"], json!(["results"]));
    assert_eq!(
        schema["properties"]["results"]["items"]["required"],
        json!(["a"])
    );
}

#[tokio::test]
async fn the_summarizer_and_list_generator_type_their_keys() {
    let mock = Mock::start().await;
    mock.reply_with(Script::new(&[
        "{\"summary\": \"short\"}",
        "{\"final_summary\": \"shorter\"}",
    ]))
    .await;
    let rec = run_recorded(
        AiTextSummarizer,
        json!({"text": "a text to summarize", "model": "gpt-4o"}),
        mock.recorder_with(JsonStyle::JsonSchema),
    )
    .await;
    assert_eq!(rec.outputs[0], ("summary".into(), json!("shorter")));
    let sent = mock.bodies().await;
    let summary = &sent[0]["response_format"]["json_schema"]["schema"]["properties"]["summary"];
    assert_eq!(summary["type"], "string");

    let mock = Mock::start().await;
    mock.reply_with(Script::new(&["{\"list\": [\"a\", \"b\"]}"]))
        .await;
    let rec = run_recorded(
        AiListGenerator,
        json!({"focus": "letters", "model": "gpt-4o"}),
        mock.recorder_with(JsonStyle::JsonObjectWithSchema),
    )
    .await;
    assert_eq!(rec.outputs[0], ("generated_list".into(), json!(["a", "b"])));
    let list = &mock.bodies().await[0]["response_format"]["schema"]["properties"]["list"];
    assert_eq!(list["type"], "array");
    assert_eq!(list["items"]["type"], "string");
}

#[tokio::test]
async fn the_condition_asks_for_a_boolean_result() {
    let mock = Mock::start().await;
    mock.reply_once(openai_reply("{\"result\": true}", 30, 5))
        .await;
    let rec = run_recorded(
        AiCondition,
        json!({"input_value": "ada@example.com", "condition": "is an email address",
               "yes_value": "yes!", "model": "gpt-4o"}),
        mock.recorder_with(JsonStyle::JsonSchema),
    )
    .await;
    assert_eq!(
        rec.outputs,
        vec![
            ("result".into(), json!(true)),
            ("yes_output".into(), json!("yes!"))
        ]
    );
    let sent = &mock.bodies().await[0];
    assert_eq!(
        sent["response_format"]["json_schema"]["schema"]["properties"]["result"],
        json!({"type": "boolean"})
    );
}
