//! AgentOutputBlock: records a graph output, optionally formatted with a Jinja template.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx, Datum, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::text::template;

pub struct AgentOutput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The value to be recorded as output.
    // Read as the JSON text it is: without a format it passes on as that text, never parsed
    // (a graph output may be megabytes, and a tree of it tens of times more).
    #[serde(default)]
    #[schemars(with = "Value")]
    pub value: Box<RawValue>,
    /// The name of the output.
    pub name: String,
    /// The title of the output.
    #[serde(default)]
    pub title: Option<String>,
    /// The description of the output.
    #[serde(default)]
    pub description: Option<String>,
    /// The format string to be used to format the recorded_value. Use Jinja2 syntax.
    #[serde(default)]
    pub format: String,
    /// Whether to escape special characters in the inserted values to be HTML-safe. Enable for HTML output, disable for plain text.
    #[serde(default)]
    pub escape_html: bool,
    /// Whether to treat the output as advanced.
    #[serde(default)]
    pub advanced: bool,
    /// Whether the output should be treated as a secret.
    #[serde(default)]
    pub secret: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The value recorded as output.
    Output(Value),
    /// The name of the value recorded as output.
    Name(Value),
}

impl Block for AgentOutput {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        block_type: BlockType::Output,
        static_output: true,
        ..BlockMeta::standard(
            "363ae599-353e-4804-937e-b2ee3cef3da4",
            "AgentOutputBlock",
            "A block that records and formats workflow results for display to users, with optional Jinja2 template formatting support.",
            &[Category::Output, Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.format.is_empty() {
            // Moved onto the pin as the text it came as: no tree of it is made.
            cx.emit_datum("output", Datum::from_text(input.value));
            cx.emit(Output::Name(Value::String(input.name)));
            return Ok(());
        }
        // As AutoGPT: the template sees the value under the output's name, a formatted output
        // yields no `name`, and a failed render is reported in the output itself, since output
        // blocks have no error pin.
        let value = serde_json::from_str(input.value.get())
            .map_err(|e| BlockError::input(format!("invalid value: {e}")))?;
        let mut values = Map::new();
        values.insert(input.name, value);
        let text = match template::render(&input.format, &values, input.escape_html) {
            Ok(text) => text,
            Err(e) => {
                let value = values.values().next().unwrap_or(&Value::Null);
                format!("Error: {e}, {}", template::python_str(value))
            }
        };
        cx.emit(Output::Output(Value::String(text)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let input =
            json!({"value": "Hello, World!", "name": "output_1", "format": "{{ output_1 }}!!"});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(out, vec![("output".into(), json!("Hello, World!!!"))]);
        let input = json!({"value": "42", "name": "output_2", "format": "{{ output_2 }}"});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(out, vec![("output".into(), json!("42"))]);
    }

    #[tokio::test]
    async fn without_format_yields_value_and_name() {
        let input = json!({"value": {"a": [1, 2]}, "name": "result"});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(
            out,
            vec![
                ("output".into(), json!({"a": [1, 2]})),
                ("name".into(), json!("result"))
            ]
        );
    }

    #[tokio::test]
    async fn formats_python_style_and_escapes_html() {
        let input =
            json!({"value": [true, null], "name": "v", "format": "<{{ v }}>", "escape_html": true});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(out, vec![("output".into(), json!("<[True, None]>"))]);
        let input = json!({"value": "<b>", "name": "v", "format": "{{ v }}", "escape_html": true});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(out, vec![("output".into(), json!("&lt;b&gt;"))]);
    }

    #[tokio::test]
    async fn render_failure_is_reported_in_the_output() {
        let input = json!({"value": false, "name": "v", "format": "{% if %}"});
        let out = run_block(AgentOutput, input).await;
        assert_eq!(out.len(), 1);
        let text = out[0].1.as_str().unwrap();
        assert!(
            text.starts_with("Error: ") && text.ends_with(", False"),
            "{text}"
        );
    }
}
