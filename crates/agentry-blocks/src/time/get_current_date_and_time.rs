//! GetCurrentDateAndTimeBlock: the current date and time, by `strftime` or as ISO 8601.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use chrono::DateTime;
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format::isoformat;
use super::format_type::{FormatType, Style};

pub struct GetCurrentDateAndTime;

// AutoGPT's `StrftimeFormat` default and `ISO8601Format` pins.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct DateTimeStyle {
    #[serde(default)]
    include_microseconds: bool,
}

impl Style for DateTimeStyle {
    const PATTERN: &'static str = "%Y-%m-%d %H:%M:%S";
    fn iso(&self, dt: &DateTime<Tz>) -> String {
        isoformat(dt, self.include_microseconds)
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Trigger any data to output the current date and time
    pub trigger: String,
    /// Format type for date and time output (strftime with custom format or ISO 8601/RFC 3339)
    #[serde(default)]
    pub format_type: FormatType<DateTimeStyle>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Current date and time in the specified format (default: YYYY-MM-DD HH:MM:SS)
    DateTime(String),
}

impl Block for GetCurrentDateAndTime {
    const META: BlockMeta = BlockMeta::standard(
        "716a67b3-6760-42e7-86dc-18645c6e00fc",
        "GetCurrentDateAndTimeBlock",
        "This block outputs the current date and time.",
        &[Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let text = input.format_type.render_now(cx)?;
        cx.emit(Output::DateTime(text));
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
                    + chrono::Duration::microseconds(500),
            ),
            ..Recorder::default()
        };
        recorder.info.user_timezone = user_timezone.map(str::to_string);
        run_block_with(GetCurrentDateAndTime, input, recorder).await
    }

    fn date_time(s: &str) -> Vec<(String, Value)> {
        vec![("date_time".into(), json!(s))]
    }

    #[tokio::test]
    async fn strftime_formats() {
        assert_eq!(
            at_fixed_time(json!({"trigger": "Hello"}), None).await,
            date_time("2024-03-05 14:07:09")
        );
        let input = json!({"trigger": "Hello", "format_type": {"discriminator": "strftime", "format": "%Y/%m/%d"}});
        assert_eq!(at_fixed_time(input, None).await, date_time("2024/03/05"));
    }

    #[tokio::test]
    async fn iso8601_formats() {
        let input = json!({"trigger": "x", "format_type":
            {"discriminator": "iso8601", "timezone": "UTC", "include_microseconds": false}});
        assert_eq!(
            at_fixed_time(input, None).await,
            date_time("2024-03-05T14:07:09+00:00")
        );
        let input = json!({"trigger": "x", "format_type":
            {"discriminator": "iso8601", "use_user_timezone": true, "include_microseconds": true}});
        assert_eq!(
            at_fixed_time(input, Some("Europe/Paris")).await,
            date_time("2024-03-05T15:07:09.000500+01:00")
        );
    }

    #[tokio::test]
    async fn unknown_discriminator_is_an_error() {
        let input = json!({"trigger": "x", "format_type": {"discriminator": "unix"}});
        assert_eq!(at_fixed_time(input, None).await[0].0, "error");
    }
}
