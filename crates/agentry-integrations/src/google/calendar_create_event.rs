//! GoogleCalendarCreateEventBlock: a new event (Calendar API v3 `events.insert`) with guests,
//! reminders, an optional Meet link and a simple recurrence.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, Timelike};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::segment;
use crate::google::sheets::google_client;

pub struct GoogleCalendarCreateEvent;

/// AutoGPT's `ExactTiming | DurationTiming`, told apart by `discriminator`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "discriminator", rename_all = "snake_case")]
pub enum Timing {
    ExactTiming {
        start_datetime: String,
        end_datetime: String,
    },
    DurationTiming {
        start_datetime: String,
        duration_minutes: i64,
    },
}

/// AutoGPT's `OneTimeEvent | RecurringEvent`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "discriminator", rename_all = "snake_case")]
pub enum Recurrence {
    OneTime,
    Recurring { frequency: Frequency, count: i64 },
}

/// AutoGPT's `RecurrenceFrequency`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

fn one_time() -> Recurrence {
    Recurrence::OneTime
}
fn primary() -> String {
    "primary".into()
}
fn yes() -> bool {
    true
}
fn ten_minutes() -> Vec<i64> {
    vec![10]
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/calendar"]
    ))]
    pub credentials: CredentialsMeta,
    /// Title of the event
    pub event_title: String,
    /// Location of the event
    #[serde(default)]
    pub location: Option<String>,
    /// Description of the event
    #[serde(default)]
    pub description: Option<String>,
    /// Specify when the event starts and ends (default: the next full hour, for 60 minutes)
    #[serde(default)]
    pub timing: Option<Timing>,
    /// Calendar ID (use 'primary' for your main calendar)
    #[serde(default = "primary")]
    pub calendar_id: String,
    /// Email addresses of guests to invite
    #[serde(default)]
    pub guest_emails: Vec<String>,
    /// Send email notifications to guests
    #[serde(default = "yes")]
    pub send_notifications: bool,
    /// Include a Google Meet video conference link
    #[serde(default)]
    pub add_google_meet: bool,
    /// Whether the event repeats
    #[serde(default = "one_time")]
    pub recurrence: Recurrence,
    /// When to send reminders before the event
    #[serde(default = "ten_minutes")]
    #[schemars(extend("items" = {"type": "integer", "enum": [10, 30, 60, 1440]}))]
    pub reminder_minutes: Vec<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// ID of the created event
    EventId(String),
    /// Link to view the event in Google Calendar
    EventLink(String),
}

/// A date-time as pydantic reads it: with an offset, or naive.
#[derive(Clone, Copy)]
enum When {
    Aware(DateTime<FixedOffset>),
    Naive(NaiveDateTime),
}

impl When {
    fn parse(text: &str) -> Result<When, BlockError> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(When::Aware(t));
        }
        [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S%.f",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(When::Naive)
        .ok_or_else(|| BlockError::Input(format!("invalid datetime: {text:?}")))
    }

    fn plus_minutes(self, minutes: i64) -> When {
        let d = TimeDelta::minutes(minutes);
        match self {
            When::Aware(t) => When::Aware(t + d),
            When::Naive(t) => When::Naive(t + d),
        }
    }

    /// Python's `datetime.isoformat()`.
    fn isoformat(self) -> String {
        let fraction = |nanos: u32| {
            if nanos / 1000 == 0 {
                String::new()
            } else {
                format!(".{:06}", nanos / 1000)
            }
        };
        match self {
            When::Aware(t) => format!(
                "{}{}{}",
                t.format("%Y-%m-%dT%H:%M:%S"),
                fraction(t.nanosecond()),
                t.format("%:z")
            ),
            When::Naive(t) => {
                format!(
                    "{}{}",
                    t.format("%Y-%m-%dT%H:%M:%S"),
                    fraction(t.nanosecond())
                )
            }
        }
    }
}

impl Block for GoogleCalendarCreateEvent {
    const META: BlockMeta = BlockMeta::standard(
        "ed2ec950-fbff-4204-94c0-023fb1d625e0",
        "GoogleCalendarCreateEventBlock",
        "This block creates a new event in Google Calendar with customizable parameters.",
        &[Category::Productivity],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let (start, end) = match &input.timing {
            Some(Timing::ExactTiming {
                start_datetime,
                end_datetime,
            }) => (When::parse(start_datetime)?, When::parse(end_datetime)?),
            Some(Timing::DurationTiming {
                start_datetime,
                duration_minutes,
            }) => {
                let start = When::parse(start_datetime)?;
                (start, start.plus_minutes(*duration_minutes))
            }
            None => {
                // AutoGPT's default: the next full hour, for an hour.
                let now = cx.now().naive_utc();
                let hour = now.with_minute(0).and_then(|t| t.with_second(0));
                let hour = hour.and_then(|t| t.with_nanosecond(0)).unwrap_or(now);
                let start = When::Naive(hour + TimeDelta::hours(1));
                (start, start.plus_minutes(60))
            }
        };
        if let Some(bad) = input
            .reminder_minutes
            .iter()
            .find(|m| ![10, 30, 60, 1440].contains(*m))
        {
            return Err(BlockError::Input(format!(
                "{bad} is not a valid ReminderPreset"
            )));
        }
        let mut event = json!({
            "summary": input.event_title,
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": end.isoformat()},
        });
        if let Some(location) = input.location.filter(|l| !l.is_empty()) {
            event["location"] = json!(location);
        }
        if let Some(description) = input.description.filter(|d| !d.is_empty()) {
            event["description"] = json!(description);
        }
        if !input.guest_emails.is_empty() {
            let guests: Vec<_> = input
                .guest_emails
                .iter()
                .map(|e| json!({"email": e}))
                .collect();
            event["attendees"] = json!(guests);
        }
        if !input.reminder_minutes.is_empty() {
            let overrides: Vec<_> = input
                .reminder_minutes
                .iter()
                .map(|m| json!({"method": "popup", "minutes": m}))
                .collect();
            event["reminders"] = json!({"useDefault": false, "overrides": overrides});
        }
        if input.add_google_meet {
            event["conferenceData"] = json!({"createRequest": {
                "requestId": format!("meet-{}", uuid::Uuid::new_v4()),
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }});
        }
        if let Recurrence::Recurring { frequency, count } = input.recurrence {
            let frequency = serde_json::to_value(frequency).unwrap_or_default();
            let frequency = frequency.as_str().unwrap_or_default();
            event["recurrence"] = json!([format!("RRULE:FREQ={frequency};COUNT={count}")]);
        }
        let client = google_client(cx, super::CALENDAR, &input.credentials).await?;
        let path = format!(
            "/calendar/v3/calendars/{}/events?sendNotifications={}&conferenceDataVersion={}",
            segment(&input.calendar_id),
            input.send_notifications,
            u8::from(input.add_google_meet)
        );
        let made = client.send_json(cx, Method::POST, &path, &event).await?;
        cx.emit(Output::EventId(
            made["id"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(Output::EventLink(
            made["htmlLink"].as_str().unwrap_or_default().into(),
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{error_of, meta, oauth2, recorder};
    use agentry_core::testing::run_block_with;
    use wiremock::matchers::{body_json, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn creates_a_recurring_event_with_guests_and_reminders() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/calendar/v3/calendars/team%40example.com/events"))
            .and(query_param("sendNotifications", "false"))
            .and(query_param("conferenceDataVersion", "0"))
            .and(body_json(json!({
                "summary": "Standup",
                "start": {"dateTime": "2026-12-04T09:00:00+01:00"},
                "end": {"dateTime": "2026-12-04T09:15:00+01:00"},
                "location": "Room 1",
                "attendees": [{"email": "bo@example.com"}],
                "reminders": {"useDefault": false, "overrides": [{"method": "popup", "minutes": 30}]},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"]
            })))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "kind": "calendar#event", "id": "ev1", "status": "confirmed",
                "htmlLink": "https://www.google.com/calendar/event?eid=ZXYx"})))
            .mount(&server)
            .await;
        let out = run_block_with(
            GoogleCalendarCreateEvent,
            json!({"credentials": meta("google", "oauth2"), "event_title": "Standup",
                   "location": "Room 1", "calendar_id": "team@example.com",
                   "timing": {"discriminator": "duration_timing",
                              "start_datetime": "2026-12-04T09:00:00+01:00", "duration_minutes": 15},
                   "guest_emails": ["bo@example.com"], "send_notifications": false,
                   "recurrence": {"discriminator": "recurring", "frequency": "WEEKLY", "count": 4},
                   "reminder_minutes": [30]}),
            recorder(&server, oauth2("google", "ya29.cal", &[])),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("event_id".into(), json!("ev1")),
                (
                    "event_link".into(),
                    json!("https://www.google.com/calendar/event?eid=ZXYx")
                ),
            ]
        );
    }

    #[tokio::test]
    async fn a_read_only_token_is_refused() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
                "code": 403, "message": "Insufficient Permission"}})))
            .mount(&server)
            .await;
        let out = run_block_with(
            GoogleCalendarCreateEvent,
            json!({"credentials": meta("google", "oauth2"), "event_title": "x",
                   "timing": {"discriminator": "exact_timing", "start_datetime": "2026-12-04T09:00:00",
                              "end_datetime": "2026-12-04T10:00:00"}}),
            recorder(&server, oauth2("google", "ya29.cal", &[])),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "google refused the credentials (403): Insufficient Permission"
        );
    }
}
