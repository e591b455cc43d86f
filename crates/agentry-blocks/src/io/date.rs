//! AgentDateInputBlock: a date graph input (YYYY-MM-DD).

use chrono::NaiveDate;

use super::input::{input_meta, typed_input};

typed_input! {
    AgentDateInput: input_meta(
        "7e198b09-4994-47db-8b4d-952d98241817",
        "AgentDateInputBlock",
        "Block for date input.",
    ),
    /// Date input (YYYY-MM-DD).
    #[schemars(title = "Default Value", extend("format" = "date"))]
    value: Option<NaiveDate>,
    /// Date result.
    result: NaiveDate,
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
