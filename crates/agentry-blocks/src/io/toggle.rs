//! AgentToggleInputBlock: a boolean graph input, false unless set.

use super::input::{input_meta, typed_input};

typed_input! {
    AgentToggleInput: input_meta(
        "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e",
        "AgentToggleInputBlock",
        "Block for boolean toggle input.",
    ),
    /// Boolean toggle input.
    #[schemars(title = "Default Value")]
    value: bool,
    /// Boolean toggle result.
    result: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        for (value, expected) in [
            (json!(true), true),
            (json!(false), false),
            // Text converts as AutoGPT's type.py does: only "true" and "1" are true.
            (json!("True"), true),
            (json!("1"), true),
            (json!("yes"), false),
        ] {
            let out = run_block(AgentToggleInput, json!({"value": value, "name": "t"})).await;
            assert_eq!(out, vec![("result".into(), json!(expected))]);
        }
        let out = run_block(AgentToggleInput, json!({"name": "t"})).await;
        assert_eq!(out, vec![("result".into(), json!(false))]);
    }
}
