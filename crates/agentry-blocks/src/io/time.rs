//! AgentTimeInputBlock: a time-of-day graph input (HH:MM:SS).

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use chrono::NaiveTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentTimeInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Time input (HH:MM:SS).
    #[serde(default)]
    #[schemars(title = "Default Value", extend("format" = "time"))]
    pub value: Option<NaiveTime>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Time result.
    Result(NaiveTime),
}

impl Block for AgentTimeInput {
    const META: BlockMeta = input_meta(
        "2a1c757e-86cf-4c7e-aacf-060dc382e434",
        "AgentTimeInputBlock",
        "Block for time input.",
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
            (json!("09:30:00"), json!("09:30:00")),
            (json!("23:59:59"), json!("23:59:59")),
            (json!("09:30"), json!("09:30:00")),
        ] {
            let out = run_block(AgentTimeInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentTimeInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
