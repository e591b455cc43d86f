//! ReadRSSFeedBlock against feeds served by wiremock on 127.0.0.1.

use agentry_core::testing::run_block_with;
use chrono::TimeZone;
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::web::send_web_request::tests::permissive;

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Example</title>
    <link>https://example.com/</link>
    <description>News</description>
    <item>
      <title>Example RSS Item</title>
      <link>https://example.com/article</link>
      <description>This is an example RSS item description.</description>
      <pubDate>Fri, 23 Jun 2023 12:30:00 GMT</pubDate>
      <author>John Doe</author>
      <category>Technology</category>
      <category>News</category>
    </item>
    <item>
      <title>Old news</title>
      <link>https://example.com/old</link>
      <description>Long ago.</description>
      <pubDate>Mon, 02 Jan 2023 08:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom example</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2023-06-23T12:00:00Z</updated>
  <entry>
    <title>Atom entry</title>
    <link href="https://example.org/atom-entry"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2023-06-23T10:00:00Z</updated>
    <summary>Short summary.</summary>
    <author><name>Jane Roe</name></author>
    <category term="Science"/>
  </entry>
</feed>"#;

async fn serve(body: &str, status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/feed"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("content-type", "application/xml")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    server
}

async fn read(server: &MockServer, time_period: i64) -> Vec<(String, Value)> {
    let mut recorder = permissive();
    recorder.now = Some(Utc.with_ymd_and_hms(2023, 6, 24, 0, 0, 0).unwrap());
    run_block_with(
        ReadRssFeed,
        json!({"rss_url": format!("{}/feed", server.uri()), "time_period": time_period,
            "polling_rate": 1, "run_continuously": false}),
        recorder,
    )
    .await
}

#[tokio::test]
async fn rss_items_of_the_period_as_autogpt_yields_them() {
    let server = serve(RSS, 200).await;
    let entry = json!({
        "title": "Example RSS Item",
        "link": "https://example.com/article",
        "description": "This is an example RSS item description.",
        "pub_date": "2023-06-23T12:30:00Z",
        "author": "John Doe",
        "categories": ["Technology", "News"],
    });
    // One day back from 2023-06-24 00:00 keeps only the June item.
    let out = read(&server, 1440).await;
    assert_eq!(
        out,
        vec![
            ("entry".into(), entry.clone()),
            ("entries".into(), json!([entry]))
        ]
    );
    let all = read(&server, 10_000_000).await;
    let titles: Vec<&str> = all
        .iter()
        .filter(|(pin, _)| pin == "entry")
        .map(|(_, v)| v["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Example RSS Item", "Old news"]);
}

#[tokio::test]
async fn atom_entries_use_summary_author_and_updated() {
    let server = serve(ATOM, 200).await;
    let out = read(&server, 1440).await;
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(
        out[0].1,
        json!({
            "title": "Atom entry",
            "link": "https://example.org/atom-entry",
            "description": "Short summary.",
            "pub_date": "2023-06-23T10:00:00Z",
            "author": "Jane Roe",
            "categories": ["Science"],
        })
    );
}

#[tokio::test]
async fn malformed_feeds_and_error_statuses_fail() {
    let server = serve("<rss><channel><item><title>cut off", 200).await;
    let out = read(&server, 1440).await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, "error");
    assert!(out[0].1.as_str().unwrap().contains("could not be parsed"));

    let server = serve("this is not a feed", 200).await;
    assert_eq!(read(&server, 1440).await[0].0, "error");

    let server = serve("gone", 404).await;
    let out = read(&server, 1440).await;
    assert_eq!(
        out,
        vec![("error".into(), json!("the feed answered HTTP 404"))]
    );
}

#[tokio::test]
async fn private_feed_urls_are_refused_without_a_permissive_client() {
    let server = serve(RSS, 200).await;
    let out = agentry_core::testing::run_block(
        ReadRssFeed,
        json!({"rss_url": format!("{}/feed", server.uri()), "polling_rate": 1,
            "run_continuously": false}),
    )
    .await;
    assert_eq!(out.len(), 1);
    assert!(
        out[0].1.as_str().unwrap().contains("URL refused"),
        "{out:?}"
    );
    let mut r = agentry_core::Registry::new();
    r.register(ReadRssFeed);
    let info = r.info("5ebe6768-8e5d-41e3-9134-1c7bd89a8d52").unwrap();
    assert_eq!(
        info.required_inputs().collect::<Vec<_>>(),
        ["rss_url", "polling_rate"]
    );
}
