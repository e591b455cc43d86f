//! GetCurrentTimeBlock: the current time, by `strftime` or as an ISO 8601 time.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use chrono::DateTime;
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format::isoformat;
use super::format_type::{FormatType, Style};

pub struct GetCurrentTime;

// AutoGPT's `TimeStrftimeFormat` default and `TimeISO8601Format` pins.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct TimeStyle {
    #[serde(default)]
    include_microseconds: bool,
}

impl Style for TimeStyle {
    const PATTERN: &'static str = "%H:%M:%S";
    fn iso(&self, dt: &DateTime<Tz>) -> String {
        let full = isoformat(dt, self.include_microseconds);
        // AutoGPT keeps the part after the date, with its `T`.
        let time = full.split_once('T').map_or(full.as_str(), |(_, t)| t);
        format!("T{time}")
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Trigger any data to output the current time
    pub trigger: String,
    /// Format type for time output (strftime with custom format or ISO 8601)
    #[serde(default)]
    pub format_type: FormatType<TimeStyle>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Current time in the specified format (default: %H:%M:%S)
    Time(String),
}

impl Block for GetCurrentTime {
    const META: BlockMeta = BlockMeta::standard(
        "a892b8d9-3e4e-4e9c-9c1e-75f8efcf1bfa",
        "GetCurrentTimeBlock",
        "This block outputs the current time.",
        &[Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let text = input.format_type.render_now(cx)?;
        cx.emit(Output::Time(text));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::{Recorder, run_block_with};
    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    async fn at_fixed_time(input: Value, user_timezone: Option<&str>) -> Vec<(String, Value)> {
        let mut recorder = Recorder {
            now: Some(
                Utc.with_ymd_and_hms(2024, 3, 5, 14, 7, 9).unwrap()
                    + chrono::Duration::microseconds(123_456),
            ),
            ..Recorder::default()
        };
        recorder.info.user_timezone = user_timezone.map(str::to_string);
        run_block_with(GetCurrentTime, input, recorder).await
    }

    fn time(s: &str) -> Vec<(String, Value)> {
        vec![("time".into(), json!(s))]
    }

    #[tokio::test]
    async fn default_and_custom_strftime() {
        assert_eq!(
            at_fixed_time(json!({"trigger": "Hello"}), None).await,
            time("14:07:09")
        );
        let input = json!({"trigger": "Hello", "format_type": {"discriminator": "strftime", "format": "%H:%M"}});
        assert_eq!(at_fixed_time(input, None).await, time("14:07"));
    }

    #[tokio::test]
    async fn iso8601_time() {
        let input = json!({"trigger": "x", "format_type":
            {"discriminator": "iso8601", "timezone": "UTC", "include_microseconds": false}});
        assert_eq!(at_fixed_time(input, None).await, time("T14:07:09+00:00"));
        let input = json!({"trigger": "x", "format_type":
            {"discriminator": "iso8601", "timezone": "Asia/Kolkata", "include_microseconds": true}});
        assert_eq!(
            at_fixed_time(input, None).await,
            time("T19:37:09.123456+05:30")
        );
    }

    #[tokio::test]
    async fn user_timezone_only_when_asked_for() {
        let input = json!({"trigger": "x", "format_type":
            {"discriminator": "strftime", "format": "%H:%M %Z", "use_user_timezone": true}});
        assert_eq!(
            at_fixed_time(input.clone(), Some("America/New_York")).await,
            time("09:07 EST")
        );
        assert_eq!(at_fixed_time(input, None).await, time("14:07 UTC"));
        let input =
            json!({"trigger": "x", "format_type": {"discriminator": "strftime", "format": "%H"}});
        assert_eq!(
            at_fixed_time(input, Some("America/New_York")).await,
            time("14")
        );
    }

    #[tokio::test]
    async fn bad_inputs_are_errors() {
        let input = json!({"trigger": "x", "format_type": {"discriminator": "strftime", "timezone": "Mars/Base"}});
        assert_eq!(at_fixed_time(input, None).await[0].0, "error");
        assert_eq!(at_fixed_time(json!({}), None).await[0].0, "error");
    }
}
