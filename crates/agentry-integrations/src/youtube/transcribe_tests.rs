//! TranscribeYoutubeVideoBlock against a wiremock YouTube: the watch page, the InnerTube player
//! answer and the timed-text XML, as youtube-transcript-api reads them.

use agentry_core::SecretString;
use agentry_core::credentials::{Credential, CredentialSecret};
use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::testing::{CRED_ID, error_of, meta, recorder};

fn webshare() -> Credential {
    Credential {
        id: CRED_ID.into(),
        provider: "webshare_proxy".into(),
        title: None,
        secret: CredentialSecret::UserPassword {
            username: "proxy-user".into(),
            password: SecretString::new("proxy-pass"),
        },
    }
}

fn input(url: &str) -> serde_json::Value {
    json!({"youtube_url": url, "credentials": meta("webshare_proxy", "user_password")})
}

#[test]
fn video_ids_come_from_every_url_form() {
    for url in [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/v/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    ] {
        assert_eq!(video_id(url).unwrap(), "dQw4w9WgXcQ", "{url}");
    }
    assert!(video_id("https://vimeo.com/1").is_err());
}

#[test]
fn transcript_lines_are_unescaped_and_untagged() {
    let xml = r#"<?xml version="1.0" encoding="utf-8" ?><transcript>
<text start="0.5" dur="1.2">Never gonna give you up</text>
<text start="2" dur="1">it&amp;#39;s <b>bold</b> &amp;amp; true</text>
<text start="3" dur="1"/>
</transcript>"#;
    assert_eq!(
        transcript_text(xml),
        "Never gonna give you up\nit's bold & true"
    );
}

async fn youtube(server: &MockServer, tracks: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path("/watch"))
        .and(query_param("v", "dQw4w9WgXcQ"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"<html><script>ytcfg.set({"INNERTUBE_API_KEY": "AIzaKey_1","X":1});</script></html>"#,
        ))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/youtubei/v1/player"))
        .and(query_param("key", "AIzaKey_1"))
        .and(body_partial_json(json!({
            "context": {"client": {"clientName": "ANDROID", "clientVersion": "20.10.38"}},
            "videoId": "dQw4w9WgXcQ"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "playabilityStatus": {"status": "OK"},
            "captions": {"playerCaptionsTracklistRenderer": {"captionTracks": tracks}}
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn english_captions_become_the_transcript() {
    let server = MockServer::start().await;
    let base = server.uri();
    youtube(
        &server,
        json!([
            {"baseUrl": format!("{base}/api/timedtext?v=dQw4w9WgXcQ&lang=de&fmt=srv3"),
             "name": {"runs": [{"text": "German"}]}, "languageCode": "de"},
            {"baseUrl": "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&lang=en&fmt=srv3",
             "name": {"runs": [{"text": "English"}]}, "languageCode": "en", "kind": "asr"}
        ]),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/timedtext"))
        .and(query_param("lang", "en"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"<transcript><text start="0" dur="1">Never gonna give you up</text><text start="1" dur="1">Never gonna let you down</text></transcript>"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        TranscribeYoutubeVideo,
        input("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        recorder(&server, webshare()),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("video_id".into(), json!("dQw4w9WgXcQ")),
            (
                "transcript".into(),
                json!("Never gonna give you up\nNever gonna let you down")
            ),
        ]
    );
    // The proxy login goes nowhere.
    for request in server.received_requests().await.unwrap() {
        assert!(!format!("{request:?}").contains("proxy-pass"));
    }
}

#[tokio::test]
async fn without_captions_the_error_says_so() {
    let server = MockServer::start().await;
    youtube(&server, json!([])).await;
    let out = run_block_with(
        TranscribeYoutubeVideo,
        input("https://youtu.be/dQw4w9WgXcQ"),
        recorder(&server, webshare()),
    )
    .await;
    assert_eq!(out[0], ("video_id".into(), json!("dQw4w9WgXcQ")));
    assert!(error_of(&out).contains("Subtitles are disabled"), "{out:?}");
}

#[tokio::test]
async fn blocked_and_failing_answers_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(3)
        .mount(&server)
        .await;
    let out = run_block_with(
        TranscribeYoutubeVideo,
        input("https://youtu.be/dQw4w9WgXcQ"),
        recorder(&server, webshare()),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "webshare_proxy is rate limiting these requests; try again later"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let out = run_block_with(
        TranscribeYoutubeVideo,
        input("https://youtu.be/dQw4w9WgXcQ"),
        recorder(&server, webshare()),
    )
    .await;
    assert!(
        error_of(&out).starts_with("webshare_proxy failed (502)"),
        "{out:?}"
    );
}
