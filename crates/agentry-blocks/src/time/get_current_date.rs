//! GetCurrentDateBlock: today's date, shifted back by a number of days.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format::IntOrText;
use super::format_type::{FormatType, Style};

pub struct GetCurrentDate;

// AutoGPT's `DateStrftimeFormat` default; `DateISO8601Format` has no pins of its own.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct DateStyle {}

impl Style for DateStyle {
    const PATTERN: &'static str = "%Y-%m-%d";
    fn iso(&self, dt: &DateTime<Tz>) -> String {
        dt.format("%Y-%m-%d").to_string()
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Trigger any data to output the current date
    pub trigger: String,
    /// Offset in days from the current date
    #[serde(default)]
    #[schemars(title = "Days Offset")]
    pub offset: IntOrText,
    /// Format type for date output (strftime with custom format or ISO 8601)
    #[serde(default)]
    pub format_type: FormatType<DateStyle>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Current date in the specified format (default: YYYY-MM-DD)
    Date(String),
}

impl Block for GetCurrentDate {
    const META: BlockMeta = BlockMeta::standard(
        "b29c1b50-5d0e-4d9f-8f9d-1b0e6fcbf0b1",
        "GetCurrentDateBlock",
        "This block outputs the current date with an optional offset.",
        &[Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // AutoGPT treats an unreadable offset as no offset.
        let offset = input.offset.to_int().unwrap_or(0);
        let now = input.format_type.now_in_zone(cx)?;
        // A positive offset goes back in time, as in AutoGPT.
        let date = TimeDelta::try_days(offset)
            .and_then(|delta| now.checked_sub_signed(delta))
            .ok_or_else(|| BlockError::input(format!("Offset out of range: {offset} days")))?;
        cx.emit(Output::Date(input.format_type.render(&date)?));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::{Recorder, run_block_with};
    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    async fn at_fixed_time(input: Value) -> Vec<(String, Value)> {
        let recorder = Recorder {
            now: Some(Utc.with_ymd_and_hms(2024, 3, 5, 14, 7, 9).unwrap()),
            ..Recorder::default()
        };
        run_block_with(GetCurrentDate, input, recorder).await
    }

    fn date(s: &str) -> Vec<(String, Value)> {
        vec![("date".into(), json!(s))]
    }

    #[tokio::test]
    async fn today_and_offsets() {
        assert_eq!(
            at_fixed_time(json!({"trigger": "Hello"})).await,
            date("2024-03-05")
        );
        let input = json!({"trigger": "Hello", "offset": "7",
            "format_type": {"discriminator": "strftime", "format": "%m/%d/%Y"}});
        assert_eq!(at_fixed_time(input).await, date("02/27/2024"));
        assert_eq!(
            at_fixed_time(json!({"trigger": "x", "offset": -1})).await,
            date("2024-03-06")
        );
        assert_eq!(
            at_fixed_time(json!({"trigger": "x", "offset": "soon"})).await,
            date("2024-03-05")
        );
    }

    #[tokio::test]
    async fn iso8601_date_in_a_zone() {
        let input = json!({"trigger": "x", "offset": "0",
            "format_type": {"discriminator": "iso8601", "timezone": "Pacific/Kiritimati"}});
        assert_eq!(at_fixed_time(input).await, date("2024-03-06"));
    }

    #[tokio::test]
    async fn huge_offset_is_an_error() {
        let out = at_fixed_time(json!({"trigger": "x", "offset": i64::MAX})).await;
        assert_eq!(out[0].0, "error");
    }
}
