//! GoogleMapsSearchBlock against a wiremock Places API (text search and details shapes).

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::testing::{api_key, error_of, meta, recorder};

fn details(id: &str, name: &str) -> serde_json::Value {
    json!({
        "html_attributions": [],
        "result": {
            "place_id": id, "name": name, "formatted_address": "1 Main St, Springfield",
            "formatted_phone_number": "(555) 010-0000", "rating": 4.5,
            "user_ratings_total": 120, "website": "https://example.com/"
        },
        "status": "OK"
    })
}

#[tokio::test]
async fn searches_follows_pages_and_reads_each_place() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/maps/api/place/textsearch/json"))
        .and(query_param("query", "dentists in Springfield"))
        .and(query_param("radius", "5000"))
        .and(query_param("key", "maps-key"))
        .and(query_param_is_missing("pagetoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "html_attributions": [],
            "results": [{"place_id": "p1", "name": "One"}],
            "next_page_token": "tok-2",
            "status": "OK"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/maps/api/place/textsearch/json"))
        .and(query_param("pagetoken", "tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [{"place_id": "p2"}, {"place_id": "p3"}], "status": "OK"
        })))
        .expect(1)
        .mount(&server)
        .await;
    for (id, name) in [("p1", "One"), ("p2", "Two")] {
        Mock::given(method("GET"))
            .and(path("/maps/api/place/details/json"))
            .and(query_param("placeid", id))
            .respond_with(ResponseTemplate::new(200).set_body_json(details(id, name)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let out = run_block_with(
        GoogleMapsSearch,
        json!({"credentials": meta("google_maps", "api_key"),
               "query": "dentists in Springfield", "max_results": 2}),
        recorder(&server, api_key("google_maps", "maps-key")),
    )
    .await;
    let names: Vec<_> = out
        .iter()
        .map(|(p, v)| (p.as_str(), v["name"].clone()))
        .collect();
    assert_eq!(names, [("place", json!("One")), ("place", json!("Two"))]);
    assert_eq!(
        out[0].1,
        json!({"name": "One", "address": "1 Main St, Springfield", "phone": "(555) 010-0000",
               "rating": 4.5, "reviews": 120, "website": "https://example.com/"})
    );
}

#[tokio::test]
async fn no_results_yield_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"results": [], "status": "ZERO_RESULTS"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleMapsSearch,
        json!({"credentials": meta("google_maps", "api_key"), "query": "nothing"}),
        recorder(&server, api_key("google_maps", "k")),
    )
    .await;
    assert!(out.is_empty(), "{out:?}");
}

#[tokio::test]
async fn a_denied_key_is_a_credentials_error_without_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error_message": "The provided API key is invalid.", "results": [],
            "status": "REQUEST_DENIED"
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleMapsSearch,
        json!({"credentials": meta("google_maps", "api_key"), "query": "x"}),
        recorder(&server, api_key("google_maps", "maps-secret")),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "google_maps refused the credentials (403): REQUEST_DENIED (The provided API key is invalid.)"
    );
}

#[tokio::test]
async fn over_query_limit_and_server_errors_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "OVER_QUERY_LIMIT"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("backend error"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [], "status": "OK"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleMapsSearch,
        json!({"credentials": meta("google_maps", "api_key"), "query": "x"}),
        recorder(&server, api_key("google_maps", "k")),
    )
    .await;
    assert!(out.is_empty(), "{out:?}");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429))
        .expect(3)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleMapsSearch,
        json!({"credentials": meta("google_maps", "api_key"), "query": "x"}),
        recorder(&server, api_key("google_maps", "k")),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "google_maps is rate limiting these requests; try again later"
    );
}
