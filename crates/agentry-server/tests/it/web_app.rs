//! The web app at `/`: files as they are, hashed assets cached for good, page paths answered
//! with `index.html`, and the API's paths untouched.

use std::borrow::Cow;
use std::collections::HashMap;

use agentry_server::web_app::{AppFile, AppFiles, WebApp};

use crate::support::TestApp;

struct Files(HashMap<&'static str, (&'static str, &'static str)>);

impl AppFiles for Files {
    fn get(&self, path: &str) -> Option<AppFile> {
        self.0.get(path).map(|(mime, body)| AppFile {
            bytes: Cow::Borrowed(body.as_bytes()),
            mime: Cow::Borrowed(mime),
        })
    }
}

fn app() -> WebApp {
    WebApp::new(Files(HashMap::from([
        (
            "index.html",
            ("text/html", "<!doctype html><title>Agentry</title>"),
        ),
        (
            "assets/index-abc123.js",
            ("text/javascript", "console.log(1)"),
        ),
        ("favicon.svg", ("image/svg+xml", "<svg/>")),
    ])))
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(app.url(path))
        .send()
        .await
        .unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_get_the_app_and_assets_are_cached_for_good() {
    let server = TestApp::start_with_web_app(app()).await;

    let root = get(&server, "/").await;
    assert_eq!(root.status(), 200);
    assert_eq!(header(&root, "content-type"), "text/html");
    assert_eq!(header(&root, "cache-control"), "no-cache");
    assert!(
        root.text()
            .await
            .unwrap()
            .contains("<title>Agentry</title>")
    );

    // A client-side route reloads into the app.
    let route = get(&server, "/build/some-graph?version=2").await;
    assert_eq!(route.status(), 200);
    assert!(
        route
            .text()
            .await
            .unwrap()
            .contains("<title>Agentry</title>")
    );

    let asset = get(&server, "/assets/index-abc123.js").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(header(&asset, "content-type"), "text/javascript");
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.text().await.unwrap(), "console.log(1)");

    let icon = get(&server, "/favicon.svg").await;
    assert_eq!(header(&icon, "cache-control"), "no-cache");

    // A missing hashed asset is a 404, never the page.
    let stale = get(&server, "/assets/index-gone.js").await;
    assert_eq!(stale.status(), 404);
}

#[tokio::test]
async fn the_api_keeps_its_own_answers() {
    let server = TestApp::start_with_web_app(app()).await;
    server
        .get("/api/no-such-route")
        .await
        .expect_error(404, "route_not_found");
    server
        .get("/api")
        .await
        .expect_error(404, "route_not_found");
    server.get("/health").await.expect(200);
    server.get("/api/blocks").await.expect(200);
    server
        .post_json("/some/page", &serde_json::json!({}))
        .await
        .expect_error(404, "route_not_found");
}

#[tokio::test]
async fn without_an_app_every_unknown_path_is_the_json_404() {
    let server = TestApp::start().await;
    server.get("/").await.expect_error(404, "route_not_found");
    server
        .get("/build/x")
        .await
        .expect_error(404, "route_not_found");
}
