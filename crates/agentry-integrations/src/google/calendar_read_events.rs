//! GoogleCalendarReadEventsBlock: a calendar's events in a time window (Calendar API v3
//! `events.list`, single events ordered by start), in AutoGPT's `CalendarEvent` shape.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, Timelike};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{Client, meta_for, segment};

pub struct GoogleCalendarReadEvents;

fn default_calendar() -> String {
    "primary".into()
}
fn default_max_events() -> i64 {
    10
}
fn default_days() -> i64 {
    30
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/calendar.readonly"]
    ))]
    pub credentials: CredentialsMeta,
    /// Calendar ID (use 'primary' for your main calendar)
    #[serde(default = "default_calendar")]
    pub calendar_id: String,
    /// Maximum number of events to retrieve
    #[serde(default = "default_max_events")]
    pub max_events: i64,
    /// Retrieve events starting from this time (default: now)
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub start_time: Option<String>,
    /// Number of days to look ahead for events
    #[serde(default = "default_days")]
    pub time_range_days: i64,
    /// Optional search term to filter events by
    #[serde(default)]
    pub search_term: Option<String>,
    /// Page token from previous request to get the next batch of events. You can use this if
    /// you have lots of events you want to process in a loop
    #[serde(default)]
    pub page_token: Option<String>,
    /// Include events you've declined
    #[serde(default)]
    pub include_declined_events: bool,
}

/// AutoGPT's `CalendarEvent`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CalendarEvent {
    pub id: String,
    pub title: String,
    pub start_time: String,
    pub end_time: String,
    pub is_all_day: bool,
    pub location: Option<String>,
    pub description: Option<String>,
    pub organizer: Option<String>,
    pub attendees: Vec<String>,
    pub has_video_call: bool,
    pub video_link: Option<String>,
    pub calendar_link: String,
    pub is_recurring: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of calendar events in the requested time range
    Events(Vec<CalendarEvent>),
    /// One of the calendar events in the requested time range
    Event(Box<CalendarEvent>),
    /// Token for retrieving the next page of events if more exist
    NextPageToken(Option<String>),
}

/// A pydantic `datetime`: RFC 3339, or without an offset (read as UTC).
fn parse_time(text: &str) -> Result<DateTime<FixedOffset>, BlockError> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|n| n.and_utc().fixed_offset())
        })
        .map_err(|_| BlockError::Input(format!("start_time `{text}` is not a date and time")))
}

/// Python's `datetime.isoformat()`: microseconds only when there are some.
fn isoformat(t: &DateTime<FixedOffset>) -> String {
    if t.nanosecond() / 1000 == 0 {
        t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// AutoGPT's `_format_events` for one event.
pub fn format_event(event: &Value) -> Result<CalendarEvent, BlockError> {
    let is_all_day = event["start"].get("date").is_some();
    let (start_time, end_time) = if is_all_day {
        (
            text(&event["start"]["date"]).unwrap_or_default(),
            text(&event["end"]["date"]).unwrap_or_default(),
        )
    } else {
        let when = |v: &Value| -> Result<String, BlockError> {
            let raw = v["dateTime"].as_str().unwrap_or_default();
            let t = DateTime::parse_from_rfc3339(raw).map_err(|_| {
                BlockError::System(format!(
                    "Google Calendar sent a time that is not ISO: `{raw}`"
                ))
            })?;
            Ok(t.format("%Y-%m-%d %H:%M").to_string())
        };
        (when(&event["start"])?, when(&event["end"])?)
    };
    let attendees = event["attendees"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["email"].as_str().filter(|e| !e.is_empty()))
        .map(str::to_string)
        .collect();
    let mut video_link = None;
    if let Some(conference) = event.get("conferenceData").filter(|c| c.is_object()) {
        if let Some(url) = conference["conferenceUrl"]
            .as_str()
            .filter(|u| !u.is_empty())
        {
            video_link = Some(url.to_string());
        } else if let Some(entry) = conference["entryPoints"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["entryPointType"] == "video")
        {
            video_link = Some(text(&entry["uri"]).unwrap_or_default());
        }
    }
    Ok(CalendarEvent {
        id: text(&event["id"]).unwrap_or_default(),
        title: text(&event["summary"]).unwrap_or_else(|| "Untitled Event".into()),
        start_time,
        end_time,
        is_all_day,
        location: text(&event["location"]),
        description: text(&event["description"]),
        organizer: text(&event["organizer"]["email"]),
        attendees,
        has_video_call: video_link.is_some(),
        video_link,
        calendar_link: text(&event["htmlLink"]).unwrap_or_default(),
        is_recurring: event["recurrence"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
    })
}

impl Block for GoogleCalendarReadEvents {
    const META: BlockMeta = BlockMeta::standard(
        "80bc3ed1-e9a4-449e-8163-a8fc86f74f6a",
        "GoogleCalendarReadEventsBlock",
        "Retrieves upcoming events from a Google Calendar with filtering options",
        &[Category::Productivity, Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let start = match &input.start_time {
            Some(t) if !t.trim().is_empty() => parse_time(t)?,
            _ => cx.now().fixed_offset(),
        };
        let end = start + TimeDelta::days(input.time_range_days);
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let client = Client::new(cx, super::CALENDAR, &meta, credential)?;
        let mut query = vec![
            ("timeMin", isoformat(&start)),
            ("timeMax", isoformat(&end)),
            ("maxResults", input.max_events.to_string()),
            ("singleEvents", "true".into()),
            ("orderBy", "startTime".into()),
            ("showDeleted", "false".into()),
            (
                "showHiddenInvitations",
                input.include_declined_events.to_string(),
            ),
        ];
        if let Some(token) = input.page_token.filter(|t| !t.is_empty()) {
            query.push(("pageToken", token));
        }
        if let Some(term) = input.search_term.filter(|t| !t.is_empty()) {
            query.push(("q", term));
        }
        let path = format!(
            "/calendar/v3/calendars/{}/events",
            segment(&input.calendar_id)
        );
        let answer = client.get_json(cx, &path, &query).await?;
        let events = answer["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(format_event)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(token) = answer["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
            cx.emit(Output::NextPageToken(Some(token.to_string())));
        }
        for event in &events {
            cx.emit(Output::Event(Box::new(event.clone())));
        }
        cx.emit(Output::Events(events));
        Ok(())
    }
}

#[cfg(test)]
#[path = "calendar_read_events_tests.rs"]
mod tests;
