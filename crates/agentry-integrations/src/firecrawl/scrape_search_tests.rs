//! FirecrawlScrapeBlock and FirecrawlSearchBlock against a wiremock Firecrawl v2 API.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::scrape::FirecrawlScrape;
use super::search::FirecrawlSearch;
use crate::testing::{api_key, error_of, meta, recorder};

#[tokio::test]
async fn scrapes_a_page_in_each_format() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/scrape"))
        .and(header("authorization", "Bearer fc-key"))
        .and(body_json(
            json!({"url": "https://example.com", "onlyMainContent": true,
            "formats": ["markdown", "links", {"type": "screenshot", "fullPage": true}],
            "maxAge": 3600000, "waitFor": 200}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"success": true, "data": {
            "markdown": "# Example", "links": ["https://example.com/a"],
            "screenshot": "https://cdn.firecrawl.dev/s.png",
            "metadata": {"title": "Example", "statusCode": 200}}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        FirecrawlScrape,
        json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com",
               "formats": ["markdown", "links", "screenshot@fullPage"]}),
        recorder(&server, api_key("firecrawl", "fc-key")),
    )
    .await;
    assert_eq!(out[0].0, "data");
    assert_eq!(out[0].1["metadata"]["statusCode"], 200);
    assert_eq!(
        out[1..],
        [
            ("markdown".into(), json!("# Example")),
            ("links".into(), json!(["https://example.com/a"])),
            (
                "screenshot_full_page".into(),
                json!("https://cdn.firecrawl.dev/s.png")
            ),
        ]
    );
}

#[tokio::test]
async fn searches_and_yields_each_site() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/search"))
        .and(body_json(json!({"query": "rust", "limit": 2,
            "scrapeOptions": {"maxAge": 3600000, "waitFor": 200}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"success": true, "data": {
            "web": [{"url": "https://rust-lang.org", "title": "Rust", "description": "A language"},
                    {"url": "https://doc.rust-lang.org", "title": "Docs", "description": "Docs"}]},
            "creditsUsed": 2})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        FirecrawlSearch,
        json!({"credentials": meta("firecrawl", "api_key"), "query": "rust", "limit": 2}),
        recorder(&server, api_key("firecrawl", "fc-key")),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["data", "site", "site"]);
    assert_eq!(out[2].1["title"], "Docs");
}

#[tokio::test]
async fn refused_keys_and_outages_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/scrape"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"success": false, "error": "Unauthorized: Invalid token"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/search"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_json(json!({"success": false, "error": "Bad gateway"})),
        )
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("firecrawl", "fc-key"));
    let out = run_block_with(
        FirecrawlScrape,
        json!({"credentials": meta("firecrawl", "api_key"), "url": "https://x.io"}),
        rec(),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "firecrawl refused the credentials (401): Unauthorized: Invalid token"
    );
    let out = run_block_with(
        FirecrawlSearch,
        json!({"credentials": meta("firecrawl", "api_key"), "query": "q"}),
        rec(),
    )
    .await;
    assert_eq!(error_of(&out), "firecrawl failed (502): Bad gateway");
}
