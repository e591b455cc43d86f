//! Reddit (AutoGPT's `reddit.py`) over Reddit's OAuth API (`https://oauth.reddit.com`):
//! provider `reddit`, type `oauth2` (the user's token, refreshed once after a 401), a
//! `User-Agent` on every request as Reddit requires. The reading blocks (posts, subreddits,
//! comments, users) read listings; the ones that post, edit, delete or message send
//! form-encoded `POST /api/...` requests with `api_type=json`, whose `json.errors` array is
//! read as the block's error.

pub mod comments;
pub mod inbox;
pub mod people;
pub mod posts;
pub mod search;
pub mod subreddit;
pub mod writing;

use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::api::{Client, Payload, Service, segment};

pub const PROVIDER: &str = "reddit";

pub const API: Service = Service::oauth2(PROVIDER, "reddit", "https://oauth.reddit.com");

/// Reddit refuses generic user agents; this one names the platform as AutoGPT's setting does.
const USER_AGENT: &str = "Agentry (AutoGPT-compatible agent platform)";

pub fn register(r: &mut Registry) {
    r.register(people::GetRedditComment);
    r.register(people::GetRedditUserInfo);
    r.register(posts::GetRedditPosts);
    r.register(posts::GetRedditPost);
    r.register(subreddit::GetSubredditInfo);
    r.register(subreddit::GetSubredditRules);
    r.register(subreddit::GetSubredditFlairs);
    r.register(writing::PostRedditComment);
    r.register(writing::CreateRedditPost);
    r.register(writing::EditRedditPost);
    r.register(writing::ReplyToRedditComment);
    r.register(writing::DeleteRedditPost);
    r.register(writing::DeleteRedditComment);
    r.register(search::GetUserPosts);
    r.register(search::RedditGetMyPosts);
    r.register(search::SearchReddit);
    r.register(comments::GetRedditPostComments);
    r.register(comments::GetRedditCommentReplies);
    r.register(inbox::SendRedditMessage);
    r.register(inbox::GetRedditInbox);
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

/// A form-encoded `POST` to one of Reddit's `/api/...` endpoints with `api_type=json`, the
/// answer's `json` object returned. Reddit answers a refused action with 200 and
/// `{"json": {"errors": [["CODE", "message", "field"], …]}}`: those become an input error
/// naming each code, message and field.
pub async fn post_form<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    path: &str,
    fields: &[(&str, String)],
) -> Result<Value, BlockError> {
    let mut form: Vec<(&str, String)> = vec![("api_type", "json".to_string())];
    form.extend(fields.iter().cloned());
    let answer = client
        .send_payload(cx, Method::POST, path, &[], Payload::Form(&form))
        .await?;
    let json = answer.get("json").cloned().unwrap_or(answer);
    api_errors(&json)?;
    Ok(json)
}

/// Reddit's `errors` array as one clear error, or nothing when it is empty or absent.
pub fn api_errors(json: &Value) -> Result<(), BlockError> {
    let errors: Vec<String> = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let part = |i: usize| e[i].as_str().unwrap_or_default();
            let (code, message, field) = (part(0), part(1), part(2));
            match field.is_empty() {
                true => format!("{code}: {message}"),
                false => format!("{code}: {message} (field '{field}')"),
            }
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(BlockError::Input(format!(
        "Reddit refused the request: {}",
        errors.join("; ")
    )))
}

/// The first thing of a `json.data.things` answer (the comment `/api/comment` made, the text
/// `/api/editusertext` changed).
pub fn first_thing(json: &Value, what: &str) -> Result<Value, BlockError> {
    json["data"]["things"][0]["data"]
        .as_object()
        .map(|o| Value::Object(o.clone()))
        .ok_or_else(|| {
            BlockError::System(format!(
                "reddit answered something unexpected: no {what} in the answer"
            ))
        })
}

/// A Reddit author field: the name, or `[deleted]` when the account is gone.
pub fn author(v: &Value) -> String {
    v["author"]
        .as_str()
        .filter(|a| !a.is_empty())
        .unwrap_or("[deleted]")
        .to_string()
}

/// `https://reddit.com{permalink}`, as AutoGPT builds post URLs.
pub fn post_url(permalink: &str) -> String {
    format!("https://reddit.com{permalink}")
}

/// Up to `limit` things of the listing at `path` (100 a page, following `after`, as PRAW's
/// listing generators do).
pub async fn listing<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    path: &str,
    query: &[(&str, String)],
    limit: i64,
) -> Result<Vec<Value>, BlockError> {
    let mut found: Vec<Value> = Vec::new();
    let mut after: Option<String> = None;
    while (found.len() as i64) < limit {
        let want = (limit - found.len() as i64).min(100);
        let mut q: Vec<(&str, String)> = query.to_vec();
        q.extend([("limit", want.to_string()), ("raw_json", "1".to_string())]);
        if let Some(after) = &after {
            q.push(("after", after.clone()));
        }
        let page = client.get_json(cx, path, &q).await?;
        let things = children(&page);
        let got = things.len();
        found.extend(things.into_iter().take(want as usize));
        after = page["data"]["after"].as_str().map(str::to_string);
        if got == 0 || after.is_none() {
            break;
        }
    }
    Ok(found)
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
mod test_support;

#[cfg(test)]
#[path = "reddit_tests.rs"]
mod tests;
