//! FillTextTemplateBlock: renders a Jinja template with a dictionary of values.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::template;

pub struct FillTextTemplate;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Values (dict) to be used in format. These values can be used by putting them in double curly braces in the format template. e.g. {{value_name}}.
    pub values: Map<String, Value>,
    /// Template to format the text using `values`. Use Jinja2 syntax.
    pub format: String,
    /// Whether to escape special characters in the inserted values to be HTML-safe. Enable for HTML output, disable for plain text.
    #[serde(default)]
    pub escape_html: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Formatted text
    Output(String),
}

impl Block for FillTextTemplate {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "db7d8f02-2f44-4c55-ab7a-eae0941f0c30",
            "FillTextTemplateBlock",
            "This block formats the given texts using the format template.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let text = template::render(&input.format, &input.values, input.escape_html)
            .map_err(BlockError::input)?;
        cx.emit(Output::Output(text));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn run(input: Value) -> Vec<(String, Value)> {
        run_block(FillTextTemplate, input).await
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let cases = [
            (
                json!({"values": {"name": "Alice", "hello": "Hello", "world": "World!"},
                       "format": "{{hello}}, {{ world }} {{name}}"}),
                "Hello, World! Alice",
            ),
            (
                json!({"values": {"list": ["Hello", " World!"]},
                       "format": "{% for item in list %}{{ item }}{% endfor %}"}),
                "Hello World!",
            ),
            (
                json!({"values": {}, "format": "{% set name = 'Alice' %}Hello, World! {{ name }}"}),
                "Hello, World! Alice",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(run(input).await, vec![("output".into(), json!(expected))]);
        }
    }

    #[tokio::test]
    async fn escape_html_and_errors() {
        let out =
            run(json!({"values": {"x": "<i>"}, "format": "{{x}}", "escape_html": true})).await;
        assert_eq!(out, vec![("output".into(), json!("&lt;i&gt;"))]);
        let out = run(json!({"values": {}, "format": "{% if %}"})).await;
        assert_eq!(out[0].0, "error");
    }

    #[tokio::test]
    async fn values_may_arrive_as_a_json_string() {
        let out = run(json!({"values": "{\"n\": 2}", "format": "n={{ n }}"})).await;
        assert_eq!(out, vec![("output".into(), json!("n=2"))]);
    }
}
