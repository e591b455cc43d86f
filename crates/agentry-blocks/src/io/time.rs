//! AgentTimeInputBlock: a time-of-day graph input (HH:MM:SS).

use chrono::NaiveTime;

use super::input::{input_meta, typed_input};

typed_input! {
    AgentTimeInput: input_meta(
        "2a1c757e-86cf-4c7e-aacf-060dc382e434",
        "AgentTimeInputBlock",
        "Block for time input.",
    ),
    /// Time input (HH:MM:SS).
    #[schemars(title = "Default Value", extend("format" = "time"))]
    value: Option<NaiveTime>,
    /// Time result.
    result: NaiveTime,
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
