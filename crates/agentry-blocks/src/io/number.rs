//! AgentNumberInputBlock: a whole-number graph input.

use super::input::{input_meta, typed_input};

typed_input! {
    AgentNumberInput: input_meta(
        "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98",
        "AgentNumberInputBlock",
        "Block for number input.",
    ),
    /// Number input.
    #[schemars(title = "Default Value")]
    value: Option<i64>,
    /// Number result.
    result: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        for (value, expected) in [(json!(42), json!(42)), (json!("314"), json!(314))] {
            let out = run_block(AgentNumberInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentNumberInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
