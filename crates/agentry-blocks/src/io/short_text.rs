//! AgentShortTextInputBlock: a single-line text graph input.

use super::input::{input_meta, typed_input};

typed_input! {
    AgentShortTextInput: input_meta(
        "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158",
        "AgentShortTextInputBlock",
        "Block for short text input (single-line).",
    ),
    /// Short text input.
    #[schemars(title = "Default Value", extend("format" = "short-text"))]
    value: Option<String>,
    /// Short text result.
    result: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        for text in ["Hello", "Quick test"] {
            let out = run_block(AgentShortTextInput, json!({"value": text, "name": "s"})).await;
            assert_eq!(out, vec![("result".into(), json!(text))]);
        }
        assert!(
            run_block(AgentShortTextInput, json!({"name": "s"}))
                .await
                .is_empty()
        );
    }
}
