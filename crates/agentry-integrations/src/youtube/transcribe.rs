//! TranscribeYoutubeVideoBlock: a video's id, then its transcript as text (English first, else
//! the first manual, else the first generated track), one caption line per line.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use regex::Regex;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::LazyLock;
use url::Url;

use crate::api::{Client, meta_for};
use crate::error::IntegrationError;

pub struct TranscribeYoutubeVideo;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The URL of the YouTube video to transcribe
    #[schemars(title = "YouTube URL")]
    pub youtube_url: String,
    /// Webshare proxy credentials for fetching YouTube transcripts
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["webshare_proxy"],
        "credentials_types" = ["user_password"]
    ))]
    pub credentials: CredentialsMeta,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The extracted YouTube video ID
    VideoId(String),
    /// The transcribed text of the video
    Transcript(String),
}

/// AutoGPT's `extract_video_id`.
pub fn video_id(url: &str) -> Result<String, BlockError> {
    let invalid = || BlockError::Input(format!("Invalid YouTube URL: {url}"));
    let parsed = Url::parse(url).map_err(|_| invalid())?;
    let host = parsed.host_str().unwrap_or_default();
    let path = parsed.path();
    let second = || {
        path.split('/')
            .nth(2)
            .map(str::to_string)
            .ok_or_else(invalid)
    };
    if host == "youtu.be" {
        return Ok(path.trim_start_matches('/').to_string());
    }
    if host == "www.youtube.com" || host == "youtube.com" {
        if path == "/watch" {
            return parsed
                .query_pairs()
                .find(|(k, _)| k == "v")
                .map(|(_, v)| v.into_owned())
                .ok_or_else(invalid);
        }
        if path.starts_with("/embed/") || path.starts_with("/v/") || path.starts_with("/shorts/") {
            return second();
        }
    }
    Err(invalid())
}

static API_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""INNERTUBE_API_KEY":\s*"([a-zA-Z0-9_-]+)""#).expect("valid"));
static LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<text\b[^>]*>(.*?)</text>").expect("valid"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid"));

fn failed(video: &str, why: &str) -> BlockError {
    BlockError::Input(format!(
        "Could not retrieve a transcript for the video {video}: {why}"
    ))
}

/// The caption track youtube-transcript-api's `fetch` picks: English, manual tracks before
/// generated ones; AutoGPT then falls back to the first manual, else the first generated.
fn pick_track(tracks: &[Value]) -> Option<&Value> {
    let generated = |t: &&Value| t["kind"] == "asr";
    let manual = tracks.iter().filter(|t| !generated(t));
    let auto = tracks.iter().filter(generated);
    manual
        .clone()
        .find(|t| t["languageCode"] == "en")
        .or_else(|| auto.clone().find(|t| t["languageCode"] == "en"))
        .or_else(|| manual.clone().next())
        .or_else(|| auto.clone().next())
}

/// The timed-text XML as youtube-transcript-api's `TextFormatter` writes it: each line's text,
/// entities decoded (YouTube escapes twice) and tags removed, joined by newlines.
pub fn transcript_text(xml: &str) -> String {
    let unescape = |s: &str| {
        quick_xml::escape::unescape(s)
            .map(|c| c.into_owned())
            .unwrap_or_else(|_| s.to_string())
    };
    LINE.captures_iter(xml)
        .map(|c| {
            TAG.replace_all(&unescape(&unescape(&c[1])), "")
                .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Block for TranscribeYoutubeVideo {
    const META: BlockMeta = BlockMeta::standard(
        "f3a8f7e1-4b1d-4e5f-9f2a-7c3d5a2e6b4c",
        "TranscribeYoutubeVideoBlock",
        "Transcribes a YouTube video using a proxy.",
        &[Category::Social],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // Credentials first: AutoGPT resolves them before the block runs.
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let client = Client::new(cx, super::YOUTUBE, &meta, credential)?;
        let id = video_id(&input.youtube_url)?;
        cx.emit(Output::VideoId(id.clone()));
        let page = client
            .send(cx, Method::GET, "/watch", &[("v", id.clone())], None)
            .await?
            .text();
        let Some(key) = API_KEY.captures(&page).map(|c| c[1].to_string()) else {
            if page.contains("class=\"g-recaptcha\"") {
                return Err(IntegrationError::RateLimited {
                    provider: "youtube",
                }
                .into());
            }
            return Err(failed(&id, "Could not extract InnerTube API key"));
        };
        let body = json!({
            "context": {"client": {"clientName": "ANDROID", "clientVersion": "20.10.38"}},
            "videoId": id,
        });
        let player = client
            .send(
                cx,
                Method::POST,
                "/youtubei/v1/player",
                &[("key", key)],
                Some(&body),
            )
            .await?;
        let player: Value = serde_json::from_slice(&player.body).map_err(|e| {
            BlockError::System(format!("YouTube's player answer is not JSON ({e})"))
        })?;
        let status = player
            .pointer("/playabilityStatus/status")
            .and_then(Value::as_str)
            .unwrap_or("OK");
        if status != "OK" {
            let reason = player
                .pointer("/playabilityStatus/reason")
                .and_then(Value::as_str)
                .unwrap_or(status);
            return Err(failed(&id, &format!("The video is unplayable ({reason})")));
        }
        let tracks = player
            .pointer("/captions/playerCaptionsTracklistRenderer/captionTracks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let track = pick_track(&tracks)
            .ok_or_else(|| failed(&id, "Subtitles are disabled for this video"))?;
        let url = track["baseUrl"]
            .as_str()
            .unwrap_or_default()
            .replace("&fmt=srv3", "");
        if url.contains("&exp=xpe") {
            return Err(failed(&id, "YouTube requires a PO token for this video"));
        }
        // The track URL is on YouTube; it is asked of the configured base like every call.
        let parsed = Url::parse(&url)
            .or_else(|_| Url::parse(&client.url("")).and_then(|b| b.join(&url)))
            .map_err(|_| failed(&id, "the caption track has no URL"))?;
        let path = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_string(),
        };
        let xml = client.get_text(cx, &path).await?;
        cx.emit(Output::Transcript(transcript_text(&xml)));
        Ok(())
    }
}

#[cfg(test)]
#[path = "transcribe_tests.rs"]
mod tests;
