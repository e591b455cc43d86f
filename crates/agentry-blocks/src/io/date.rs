//! AgentDateInputBlock: a date graph input (YYYY-MM-DD).

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentDateInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Date input (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(title = "Default Value", extend("format" = "date"))]
    pub value: Option<NaiveDate>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Date result.
    Result(NaiveDate),
}

impl Block for AgentDateInput {
    const META: BlockMeta = input_meta(
        "7e198b09-4994-47db-8b4d-952d98241817",
        "AgentDateInputBlock",
        "Block for date input.",
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if let Some(value) = input.value {
            cx.emit(Output::Result(value));
        }
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
        for (value, expected) in [
            (json!("2025-03-19"), json!("2025-03-19")),
            (json!("2023-12-31"), json!("2023-12-31")),
        ] {
            let out = run_block(AgentDateInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentDateInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
