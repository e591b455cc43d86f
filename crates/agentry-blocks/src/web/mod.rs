//! Web blocks: HTTP requests and feeds, all through the guarded client in `crate::http`.

use agentry_core::Registry;

pub mod host_credentials;
pub mod read_rss_feed;
pub mod send_authenticated_web_request;
pub mod send_web_request;

pub use host_credentials::{HostCredential, HostCredentials};

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(read_rss_feed::ReadRssFeed);
    r.register(send_web_request::SendWebRequest);
    r.register(send_authenticated_web_request::SendAuthenticatedWebRequest);
}
