//! GoogleCalendarReadEventsBlock against a wiremock Calendar API (`events.list` shapes).

use agentry_core::testing::run_block_with;
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::testing::{error_of, meta, oauth2, recorder};

#[tokio::test]
async fn lists_events_in_the_window_and_formats_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calendar/v3/calendars/ada%40example.com/events"))
        .and(header("authorization", "Bearer cal-token"))
        .and(query_param("timeMin", "2026-12-01T09:00:00+00:00"))
        .and(query_param("timeMax", "2026-12-08T09:00:00+00:00"))
        .and(query_param("maxResults", "5"))
        .and(query_param("singleEvents", "true"))
        .and(query_param("orderBy", "startTime"))
        .and(query_param("showHiddenInvitations", "false"))
        .and(query_param("q", "sync"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "calendar#events",
            "items": [
                {
                    "id": "e1", "status": "confirmed", "summary": "Team sync",
                    "htmlLink": "https://www.google.com/calendar/event?eid=e1",
                    "location": "Room A",
                    "start": {"dateTime": "2026-12-02T10:00:00-05:00", "timeZone": "America/New_York"},
                    "end": {"dateTime": "2026-12-02T11:00:00-05:00"},
                    "organizer": {"email": "boss@example.com"},
                    "attendees": [{"email": "ada@example.com", "responseStatus": "accepted"},
                                  {"displayName": "No email"}],
                    "conferenceData": {"entryPoints": [
                        {"entryPointType": "phone", "uri": "tel:+1"},
                        {"entryPointType": "video", "uri": "https://meet.google.com/abc"}
                    ]},
                    "recurrence": ["RRULE:FREQ=WEEKLY"]
                },
                {"id": "e2", "start": {"date": "2026-12-05"}, "end": {"date": "2026-12-06"}}
            ],
            "nextPageToken": "page-2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleCalendarReadEvents,
        json!({"credentials": meta("google", "oauth2"), "calendar_id": "ada@example.com",
               "max_events": 5, "start_time": "2026-12-01T09:00:00Z", "time_range_days": 7,
               "search_term": "sync"}),
        recorder(&server, oauth2("google", "cal-token", &[])),
    )
    .await;
    let first = json!({
        "id": "e1", "title": "Team sync", "start_time": "2026-12-02 10:00",
        "end_time": "2026-12-02 11:00", "is_all_day": false, "location": "Room A",
        "description": null, "organizer": "boss@example.com", "attendees": ["ada@example.com"],
        "has_video_call": true, "video_link": "https://meet.google.com/abc",
        "calendar_link": "https://www.google.com/calendar/event?eid=e1", "is_recurring": true
    });
    let second = json!({
        "id": "e2", "title": "Untitled Event", "start_time": "2026-12-05",
        "end_time": "2026-12-06", "is_all_day": true, "location": null, "description": null,
        "organizer": null, "attendees": [], "has_video_call": false, "video_link": null,
        "calendar_link": "", "is_recurring": false
    });
    assert_eq!(
        out,
        vec![
            ("next_page_token".into(), json!("page-2")),
            ("event".into(), first.clone()),
            ("event".into(), second.clone()),
            ("events".into(), json!([first, second])),
        ]
    );
}

#[tokio::test]
async fn the_window_starts_now_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calendar/v3/calendars/primary/events"))
        .and(query_param("timeMin", "2026-12-02T08:30:00+00:00"))
        .and(query_param("timeMax", "2027-01-01T08:30:00+00:00"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    let mut rec = recorder(&server, oauth2("google", "ya29.test-token", &[]));
    rec.now = Some(Utc.with_ymd_and_hms(2026, 12, 2, 8, 30, 0).unwrap());
    let out = run_block_with(
        GoogleCalendarReadEvents,
        json!({"credentials": meta("google", "oauth2")}),
        rec,
    )
    .await;
    assert_eq!(out, vec![("events".into(), json!([]))]);
}

#[tokio::test]
async fn a_missing_calendar_is_the_providers_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleCalendarReadEvents,
        json!({"credentials": meta("google", "oauth2"), "calendar_id": "nope"}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "google rejected the request (404): Not Found"
    );
}

#[test]
fn times_print_as_python_isoformat() {
    let t = DateTime::parse_from_rfc3339("2026-12-01T09:00:00.250+02:00").unwrap();
    assert_eq!(isoformat(&t), "2026-12-01T09:00:00.250000+02:00");
    assert_eq!(
        isoformat(&parse_time("2026-12-01T09:00:00").unwrap()),
        "2026-12-01T09:00:00+00:00"
    );
}
