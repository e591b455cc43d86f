//! Hybrid store search through the HTTP API (SQLite, or PostgreSQL with `TEST_DATABASE_URL`),
//! against a wiremock OpenAI-compatible `/v1/embeddings`: listing versions are embedded at
//! approval, and a query's semantic match ranks first even where full text alone ranks another
//! listing first; a listing with no word of the query is found by meaning; an unrelated query
//! finds nothing; a failing provider falls back to full text.

use agentry_server::store_search::StoreEmbeddings;
use agentry_services::llm::providers::ProviderConfig;
use agentry_services::llm::{JsonStyle, LlmProviders};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use agentry_engine::Config;

use crate::support::{Caller, TestApp, agent, open_signup};

/// Answers an embeddings request whose body matches with `vector`.
async fn embeds<M: wiremock::Match + 'static>(server: &MockServer, matcher: M, vector: [f32; 4]) {
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(matcher)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "model": "text-embedding-3-small",
            "data": [{"object": "embedding", "index": 0, "embedding": vector}],
            "usage": {"prompt_tokens": 4, "total_tokens": 4}
        })))
        .mount(server)
        .await;
}

/// Publishes one listing of a fresh calculator graph; returns its listing version id.
async fn publish(admin: &Caller, creator: &Caller, image: &str, listing: Value) -> String {
    let calc = creator
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let mut body = json!({
        "agent_id": calc["id"], "agent_version": 1, "instructions": "",
        "agent_output_demo_url": "", "image_urls": [image], "changes_summary": "",
    });
    for (k, v) in listing.as_object().unwrap() {
        body[k] = v.clone();
    }
    let sub = creator
        .post_json("/api/store/submissions", &body)
        .await
        .expect(200);
    let id = sub["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string();
    admin.approve(&id).await;
    id
}

/// An OpenAI-compatible provider layer at the mock server.
fn providers_at(server: &MockServer) -> LlmProviders {
    LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(
                &format!("{}/v1", server.uri()),
                Some("sk-test"),
                JsonStyle::JsonSchema,
            ),
        )
        .build()
        .unwrap()
}

/// The first account (an admin), a creator "ada" with a profile, and an image of hers.
async fn admin_and_creator(app: &TestApp) -> (Caller, Caller, String) {
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let image = creator.become_creator("ada", "Ada").await;
    (admin, creator, image)
}

async fn slugs(caller: &Caller, query: &str) -> Vec<String> {
    let page = caller
        .get(&format!("/api/store/agents?search_query={query}"))
        .await
        .expect(200);
    page["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn hybrid_search_ranks_the_semantic_match_first() {
    let server = MockServer::start().await;
    // Listings by a word of their text; queries by their exact input.
    embeds(
        &server,
        body_string_contains("Arithmetic"),
        [1.0, 0.1, 0.0, 0.0],
    )
    .await;
    embeds(
        &server,
        body_string_contains("Trivia"),
        [0.0, 1.0, 0.0, 0.0],
    )
    .await;
    embeds(
        &server,
        body_string_contains("Calculator"),
        [0.9, 0.0, 0.3, 0.0],
    )
    .await;
    embeds(
        &server,
        body_partial_json(json!({"input": ["numbers"]})),
        [1.0, 0.0, 0.0, 0.0],
    )
    .await;
    embeds(
        &server,
        body_partial_json(json!({"input": ["weather"]})),
        [0.0, 0.0, 0.0, 1.0],
    )
    .await;
    let embeddings = StoreEmbeddings::new(providers_at(&server), "text-embedding-3-small");
    let app = TestApp::start_with_store_embeddings(open_signup(), embeddings).await;
    let (admin, creator, image) = admin_and_creator(&app).await;
    let user = app.sign_up("bob@example.com").await;
    let listing = |slug: &str, name: &str, sub: &str, description: &str| {
        json!({"slug": slug, "name": name, "sub_heading": sub, "description": description,
               "categories": ["math"]})
    };
    publish(
        &admin,
        &creator,
        &image,
        listing(
            "arithmetic",
            "Arithmetic Helper",
            "Sums",
            "Adds numbers together.",
        ),
    )
    .await;
    publish(
        &admin,
        &creator,
        &image,
        listing(
            "trivia",
            "Numbers Trivia",
            "numbers facts",
            "Fun trivia about numbers.",
        ),
    )
    .await;
    publish(
        &admin,
        &creator,
        &image,
        listing(
            "calculator",
            "Calculator",
            "Totals",
            "Totals a column of figures.",
        ),
    )
    .await;

    // Full text alone ranks the listing named for the word first, and misses the calculator.
    let store = app.engine.store();
    let full_text = store
        .search_listings_hybrid("numbers", None, 10)
        .await
        .unwrap();
    assert_eq!(full_text.len(), 2);
    let trivia = store
        .published_listing(creator.id(), "trivia")
        .await
        .unwrap();
    assert_eq!(full_text[0], trivia.listing.id);

    // Hybrid: the semantic match first, the calculator found by meaning.
    assert_eq!(
        slugs(&user, "numbers").await,
        ["arithmetic", "trivia", "calculator"]
    );
    // Nothing alike and no word in common: nothing.
    assert!(slugs(&user, "weather").await.is_empty());
    // The provider has no answer for this query: full text alone.
    assert_eq!(slugs(&user, "trivia").await, ["trivia"]);
}

#[tokio::test]
async fn versions_published_before_embeddings_are_embedded_by_the_backfill() {
    // Published on a server without embeddings configured.
    let app = TestApp::start_with_config_and_accounts(Config::default(), open_signup()).await;
    let (admin, creator, image) = admin_and_creator(&app).await;
    publish(
        &admin,
        &creator,
        &image,
        json!({"slug": "calculator", "name": "Calculator", "sub_heading": "Totals",
               "description": "Totals a column of figures.", "categories": ["math"]}),
    )
    .await;
    let store = app.engine.store();
    let model = "text-embedding-3-small";
    assert_eq!(
        store
            .versions_missing_embedding(model, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Embeddings configured, the provider not answering yet: nothing is kept, nothing fails.
    let server = MockServer::start().await;
    let embeddings = StoreEmbeddings::new(providers_at(&server), model);
    assert_eq!(embeddings.backfill(store).await, 0);
    assert_eq!(
        store
            .versions_missing_embedding(model, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Answering: the version is embedded once, and found by meaning.
    embeds(
        &server,
        body_string_contains("Calculator"),
        [0.9, 0.0, 0.3, 0.0],
    )
    .await;
    embeds(
        &server,
        body_partial_json(json!({"input": ["numbers"]})),
        [1.0, 0.0, 0.0, 0.0],
    )
    .await;
    assert_eq!(embeddings.backfill(store).await, 1);
    assert_eq!(embeddings.backfill(store).await, 0, "embedded once");
    assert!(
        store
            .versions_missing_embedding(model, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Another model has embedded nothing.
    assert_eq!(
        store
            .versions_missing_embedding("another-model", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let semantic = embeddings.query("numbers").await.unwrap();
    let calculator = store
        .published_listing(creator.id(), "calculator")
        .await
        .unwrap();
    assert!(
        store
            .search_listings_hybrid("numbers", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .search_listings_hybrid("numbers", Some(&semantic), 10)
            .await
            .unwrap(),
        [calculator.listing.id]
    );
}
