//! Time zones and formatting the time blocks share: AutoGPT's zone list, Python's `strftime`
//! and `isoformat`, and the `int | str` numbers the blocks accept.

use std::borrow::Cow;
use std::fmt::Write;

use agentry_core::BlockError;
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// AutoGPT's `TimezoneLiteral`: the zones a format may name.
pub const TIMEZONES: &[&str] = &[
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Caracas",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Atlantic/South_Georgia",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Paris",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Tehran",
    "Asia/Dubai",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Yangon",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Australia/Eucla",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Noumea",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
    "Etc/GMT-12",
    "Etc/GMT+12",
];

/// One of `TIMEZONES`; anything else is rejected when the input is read, as pydantic does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timezone(String);

impl Default for Timezone {
    fn default() -> Self {
        Timezone("UTC".into())
    }
}

impl TryFrom<String> for Timezone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if TIMEZONES.contains(&s.as_str()) {
            Ok(Timezone(s))
        } else {
            Err(format!("unsupported timezone '{s}'"))
        }
    }
}

impl From<Timezone> for String {
    fn from(tz: Timezone) -> String {
        tz.0
    }
}

impl JsonSchema for Timezone {
    fn schema_name() -> Cow<'static, str> {
        "TimezoneLiteral".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": TIMEZONES})
    }
}

/// The zone to format in: the user's profile zone when asked for and known, else the format's.
pub fn zone(
    timezone: &Timezone,
    use_user_timezone: bool,
    user: Option<&str>,
) -> Result<Tz, BlockError> {
    let name = match user {
        Some(user) if use_user_timezone && !user.is_empty() => user,
        _ => timezone.0.as_str(),
    };
    name.parse::<Tz>()
        .map_err(|_| BlockError::input(format!("No time zone found with key {name}")))
}

/// Python's `datetime.strftime`. Python's `%f` is microseconds where chrono's is nanoseconds.
pub fn strftime(dt: &DateTime<Tz>, format: &str) -> Result<String, BlockError> {
    let mut translated = String::with_capacity(format.len());
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        translated.push(c);
        if c == '%' {
            match chars.next() {
                Some('f') => translated.push_str("6f"),
                Some(next) => translated.push(next),
                None => {}
            }
        }
    }
    let mut out = String::new();
    write!(out, "{}", dt.format(&translated))
        .map_err(|_| BlockError::input(format!("Invalid strftime format: {format}")))?;
    Ok(out)
}

/// Python's `datetime.isoformat()`: seconds precision, or microseconds when asked for and
/// non-zero, then the UTC offset as `+HH:MM`.
pub fn isoformat(dt: &DateTime<Tz>, include_microseconds: bool) -> String {
    let fraction = if include_microseconds && dt.nanosecond() / 1000 != 0 {
        ".%6f"
    } else {
        ""
    };
    dt.format(&format!("%Y-%m-%dT%H:%M:%S{fraction}%:z"))
        .to_string()
}

/// The current time in a zone.
pub fn now_in(now: DateTime<Utc>, tz: Tz) -> DateTime<Tz> {
    now.with_timezone(&tz)
}

/// AutoGPT's `Union[int, str]` inputs, read later with Python's `int()`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IntOrText {
    Int(i64),
    Text(String),
}

impl Default for IntOrText {
    fn default() -> Self {
        IntOrText::Int(0)
    }
}

impl IntOrText {
    /// Python's `int(x)`; `Err` carries Python's `ValueError` text.
    pub fn to_int(&self) -> Result<i64, String> {
        match self {
            IntOrText::Int(n) => Ok(*n),
            IntOrText::Text(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("invalid literal for int() with base 10: '{s}'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> DateTime<Tz> {
        let utc = Utc.with_ymd_and_hms(2024, 3, 5, 14, 7, 9).unwrap();
        now_in(utc, Tz::UTC)
    }

    #[test]
    fn strftime_uses_python_microseconds() {
        let dt = sample() + chrono::Duration::microseconds(42);
        assert_eq!(
            strftime(&dt, "%H:%M:%S.%f %%f").unwrap(),
            "14:07:09.000042 %f"
        );
        assert!(strftime(&dt, "%Q").is_err());
    }

    #[test]
    fn isoformat_like_python() {
        assert_eq!(isoformat(&sample(), true), "2024-03-05T14:07:09+00:00");
        let dt = sample() + chrono::Duration::microseconds(5);
        assert_eq!(isoformat(&dt, true), "2024-03-05T14:07:09.000005+00:00");
        assert_eq!(isoformat(&dt, false), "2024-03-05T14:07:09+00:00");
    }

    #[test]
    fn every_listed_zone_is_known() {
        for name in TIMEZONES {
            assert!(name.parse::<Tz>().is_ok(), "{name}");
        }
    }
}
