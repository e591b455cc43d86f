//! YouTube (AutoGPT's `youtube.py`): video transcripts, fetched as the youtube-transcript-api
//! library AutoGPT uses fetches them — the watch page for the InnerTube key, the InnerTube
//! player API for the caption tracks, then the chosen track's timed-text XML.
//!
//! Credentials: provider `webshare_proxy`, type `user_password`, required as AutoGPT requires
//! them. AutoGPT sends its requests through that Webshare proxy; the guarded HTTP client here
//! has no proxy, so the requests go straight to the configured base URL (`youtube`) and the
//! login is not sent anywhere.

pub mod transcribe;

use agentry_core::Registry;
use agentry_core::credentials::CredentialKind;

use crate::api::{AuthStyle, Service};

pub const PROVIDER: &str = "webshare_proxy";

/// `https://www.youtube.com`: watch pages, `/youtubei/v1/player` and `/api/timedtext`.
pub const YOUTUBE: Service = Service {
    provider: PROVIDER,
    key: "youtube",
    default_base: "https://www.youtube.com",
    kinds: &[CredentialKind::UserPassword],
    auth: AuthStyle::Nothing,
};

pub fn register(r: &mut Registry) {
    r.register(transcribe::TranscribeYoutubeVideo);
}
