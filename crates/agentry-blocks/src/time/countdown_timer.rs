//! CountdownTimerBlock: waits for a duration, then yields a message, `repeat` times.

use std::time::Duration;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::format::IntOrText;

pub struct CountdownTimer;

fn default_message() -> Value {
    Value::from("timer finished")
}

fn default_repeat() -> i64 {
    1
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Message to output after the timer finishes
    #[serde(default = "default_message")]
    pub input_message: Value,
    /// Duration in seconds
    #[serde(default)]
    pub seconds: IntOrText,
    /// Duration in minutes
    #[serde(default)]
    pub minutes: IntOrText,
    /// Duration in hours
    #[serde(default)]
    pub hours: IntOrText,
    /// Duration in days
    #[serde(default)]
    pub days: IntOrText,
    /// Number of times to repeat the timer
    #[serde(default = "default_repeat")]
    pub repeat: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Message after the timer finishes
    OutputMessage(Value),
}

impl Input {
    /// The total wait in seconds; wide enough that no sum of `i64` parts overflows.
    fn total_seconds(&self) -> Result<i128, BlockError> {
        let mut total = 0i128;
        for (part, unit) in [
            (&self.seconds, 1),
            (&self.minutes, 60),
            (&self.hours, 3600),
            (&self.days, 86_400),
        ] {
            total += i128::from(part.to_int().map_err(BlockError::input)?) * unit;
        }
        Ok(total)
    }
}

impl Block for CountdownTimer {
    const META: BlockMeta = BlockMeta::standard(
        "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
        "CountdownTimerBlock",
        "This block triggers after a specified duration.",
        &[Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let total = input.total_seconds()?;
        let wait =
            (total > 0).then(|| Duration::from_secs(u64::try_from(total).unwrap_or(u64::MAX)));
        for _ in 0..input.repeat {
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
            cx.emit(Output::OutputMessage(input.input_message.clone()));
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
    async fn no_duration_yields_at_once() {
        let out = run_block(CountdownTimer, json!({})).await;
        assert_eq!(
            out,
            vec![("output_message".into(), json!("timer finished"))]
        );
        let out = run_block(
            CountdownTimer,
            json!({"input_message": {"a": 1}, "repeat": 3}),
        )
        .await;
        assert_eq!(out, vec![("output_message".into(), json!({"a": 1})); 3]);
        assert!(
            run_block(CountdownTimer, json!({"repeat": 0}))
                .await
                .is_empty()
        );
    }

    #[tokio::test]
    async fn waits_before_yielding() {
        let pending = tokio::time::timeout(
            Duration::from_millis(100),
            run_block(CountdownTimer, json!({"seconds": "1"})),
        )
        .await;
        assert!(
            pending.is_err(),
            "a one second timer must not finish in 100 ms"
        );
        let start = std::time::Instant::now();
        let out = run_block(
            CountdownTimer,
            json!({"input_message": "Custom message", "seconds": 1}),
        )
        .await;
        assert!(start.elapsed() >= Duration::from_secs(1));
        assert_eq!(
            out,
            vec![("output_message".into(), json!("Custom message"))]
        );
    }

    #[tokio::test]
    async fn unreadable_duration_is_an_error() {
        let out = run_block(CountdownTimer, json!({"minutes": "soon"})).await;
        assert_eq!(
            out,
            vec![(
                "error".into(),
                json!("invalid literal for int() with base 10: 'soon'")
            )]
        );
    }
}
