//! Google (`google/` and `google_maps.py` in AutoGPT): Gmail (API v1), Calendar (API v3),
//! Sheets (v4), Docs (v1), Drive files (v3) and Maps (Places text search and details).
//!
//! Gmail and Calendar take provider `google`, type `oauth2` (a bearer access token, refreshed
//! once after a 401), with the scopes each block declares; Maps takes provider `google_maps`,
//! type `api_key`, sent as the `key` query parameter as the googlemaps client does.

pub mod calendar_create_event;
pub mod calendar_read_events;
pub mod docs;
pub mod drive;
pub mod gmail;
pub mod maps_search;
pub mod sheets;

use agentry_core::Registry;
use agentry_core::credentials::CredentialKind;

use crate::api::{AuthStyle, Service};

pub const PROVIDER: &str = "google";
pub const MAPS_PROVIDER: &str = "google_maps";

/// `https://gmail.googleapis.com/gmail/v1/users/me/…`
pub const GMAIL: Service = Service::oauth2(PROVIDER, "gmail", "https://gmail.googleapis.com");

/// `https://www.googleapis.com/calendar/v3/…`
pub const CALENDAR: Service =
    Service::oauth2(PROVIDER, "google_calendar", "https://www.googleapis.com");

/// `https://www.googleapis.com/drive/v3/…` (creating and sharing files).
pub const DRIVE: Service = Service::oauth2(PROVIDER, "google_drive", "https://www.googleapis.com");

/// `https://maps.googleapis.com/maps/api/place/…`
pub const MAPS: Service = Service {
    provider: MAPS_PROVIDER,
    key: "google_maps",
    default_base: "https://maps.googleapis.com",
    kinds: &[CredentialKind::ApiKey],
    auth: AuthStyle::Query("key"),
};

pub fn register(r: &mut Registry) {
    gmail::register(r);
    sheets::register(r);
    docs::register(r);
    drive::register(r);
    r.register(calendar_create_event::GoogleCalendarCreateEvent);
    r.register(calendar_read_events::GoogleCalendarReadEvents);
    r.register(maps_search::GoogleMapsSearch);
}
