//! AgentDropdownInputBlock: a text graph input chosen from a list.

use super::input::{input_meta, typed_input};

typed_input! {
    AgentDropdownInput: input_meta(
        "655d6fdf-a334-421c-b733-520549c07cd1",
        "AgentDropdownInputBlock",
        "Block for dropdown text selection.",
    ),
    /// Text selected from a dropdown.
    #[schemars(title = "Default Value")]
    value: Option<String>,
    /// Selected dropdown value.
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
            (json!("Option A"), json!("Option A")),
            (json!("Option C"), json!("Option C")),
        ] {
            let out = run_block(AgentDropdownInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentDropdownInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
