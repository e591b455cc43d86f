//! AutoGPT's `format_type` input of the current-time blocks: a `strftime` pattern or
//! ISO 8601, each in a chosen or the user's time zone. Each block supplies a `Style`: its
//! default pattern and how much of the ISO form it reports.

use std::fmt::Debug;

use agentry_core::{BlockError, Cx};
use chrono::DateTime;
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::format::{Timezone, now_in, strftime, zone};

/// What differs between the blocks' formats. The style's own fields are the ISO variant's
/// extra pins (e.g. `include_microseconds`); describe a style in plain comments, since its doc
/// comment would enter the schema.
pub trait Style: Debug + Clone + Default + Serialize + DeserializeOwned + JsonSchema {
    /// The `strftime` pattern the format defaults to.
    const PATTERN: &'static str;
    /// The ISO 8601 text the block reports for `dt`.
    fn iso(&self, dt: &DateTime<Tz>) -> String;
}

fn default_pattern<S: Style>() -> String {
    S::PATTERN.into()
}

/// AutoGPT's `Union[..StrftimeFormat, ..ISO8601Format]`, told apart by `discriminator`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "discriminator", bound = "S: Style")]
pub enum FormatType<S: Style> {
    #[serde(rename = "strftime")]
    Strftime {
        #[serde(default = "default_pattern::<S>")]
        format: String,
        #[serde(default)]
        timezone: Timezone,
        /// When true, overrides timezone with the user's profile timezone.
        #[serde(default)]
        use_user_timezone: bool,
    },
    #[serde(rename = "iso8601")]
    Iso8601 {
        #[serde(default)]
        timezone: Timezone,
        /// When true, overrides timezone with the user's profile timezone.
        #[serde(default)]
        use_user_timezone: bool,
        #[serde(flatten)]
        style: S,
    },
}

impl<S: Style> Default for FormatType<S> {
    fn default() -> Self {
        FormatType::Strftime {
            format: default_pattern::<S>(),
            timezone: Timezone::default(),
            use_user_timezone: false,
        }
    }
}

impl<S: Style> FormatType<S> {
    /// The run's current time in the zone this format names, or the user's when asked for
    /// and known.
    pub fn now_in_zone<O: Serialize>(&self, cx: &Cx<'_, O>) -> Result<DateTime<Tz>, BlockError> {
        let (timezone, use_user_timezone) = match self {
            FormatType::Strftime {
                timezone,
                use_user_timezone,
                ..
            }
            | FormatType::Iso8601 {
                timezone,
                use_user_timezone,
                ..
            } => (timezone, *use_user_timezone),
        };
        let user = cx.info().user_timezone.as_deref();
        Ok(now_in(cx.now(), zone(timezone, use_user_timezone, user)?))
    }

    /// The run's current time as this format asks.
    pub fn render_now<O: Serialize>(&self, cx: &Cx<'_, O>) -> Result<String, BlockError> {
        self.render(&self.now_in_zone(cx)?)
    }

    /// `dt` as this format asks.
    pub fn render(&self, dt: &DateTime<Tz>) -> Result<String, BlockError> {
        match self {
            FormatType::Strftime { format, .. } => strftime(dt, format),
            FormatType::Iso8601 { style, .. } => Ok(style.iso(dt)),
        }
    }
}
