//! Reddit (AutoGPT's `reddit.py`) over Reddit's OAuth API (`https://oauth.reddit.com`):
//! provider `reddit`, type `oauth2` (the user's token, refreshed once after a 401), a
//! `User-Agent` on every request as Reddit requires. The reading blocks (posts, subreddits,
//! comments, users) are here; the ones
//! that post, edit or delete (form-encoded `POST /api/...`) are not yet.

pub mod people;
pub mod posts;
pub mod subreddit;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use serde::Serialize;
use serde_json::Value;

use crate::api::{AuthStyle, Client, Service, segment};

pub const PROVIDER: &str = "reddit";

pub const API: Service = Service {
    provider: PROVIDER,
    key: "reddit",
    default_base: "https://oauth.reddit.com",
    kinds: &[CredentialKind::Oauth2],
    auth: AuthStyle::Bearer,
};

/// Reddit refuses generic user agents; this one names the platform as AutoGPT's setting does.
const USER_AGENT: &str = "Agentry (AutoGPT-compatible agent platform)";

pub fn register(r: &mut Registry) {
    r.register(people::GetRedditComment);
    r.register(people::GetRedditUserInfo);
    r.register(posts::GetRedditPosts);
    r.register(posts::GetRedditPost);
    r.register(subreddit::GetSubredditInfo);
    r.register(subreddit::GetSubredditRules);
}

/// The Reddit client for the user's credential.
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    Ok(crate::api::connect(cx, API, credentials)
        .await?
        .with_header("user-agent", USER_AGENT))
}

/// AutoGPT's `strip_reddit_prefix`: `t3_abc` → `abc`.
pub fn strip_prefix(id: &str) -> &str {
    let b = id.as_bytes();
    if b.len() > 3 && b[0] == b't' && b[1].is_ascii_digit() && b[2] == b'_' {
        &id[3..]
    } else {
        id
    }
}

/// A string field of a Reddit thing, empty when absent.
pub fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// `/r/{name}{rest}` with the name as one path segment.
pub fn subreddit_path(name: &str, rest: &str) -> String {
    format!("/r/{}{rest}", segment(name))
}

/// The `data` of each child of a listing (`{"kind": "Listing", "data": {"children": …}}`).
pub fn children(listing: &Value) -> Vec<Value> {
    listing["data"]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["data"].clone())
        .collect()
}

#[cfg(test)]
#[path = "reddit_tests.rs"]
mod tests;
