//! AgentLongTextInputBlock: a multi-line text graph input.

use super::input::{input_meta, typed_input};

typed_input! {
    AgentLongTextInput: input_meta(
        "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba",
        "AgentLongTextInputBlock",
        "Block for long text input (multi-line).",
    ),
    /// Long text input (potentially multi-line).
    #[schemars(title = "Default Value", extend("format" = "long-text"))]
    value: Option<String>,
    /// Long text result.
    result: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        for (value, expected) in [
            (
                json!("Lorem ipsum dolor sit amet..."),
                json!("Lorem ipsum dolor sit amet..."),
            ),
            (json!("two\nlines"), json!("two\nlines")),
        ] {
            let out = run_block(AgentLongTextInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentLongTextInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
