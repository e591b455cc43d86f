//! OIDC sign-in end to end against a mock issuer on 127.0.0.1: its discovery document and JWKS,
//! and a token endpoint that checks the PKCE verifier against the challenge the server sent and
//! signs a real RS256 ID token. The server's redirect, callback, account creation and linking,
//! and every refusal (replayed state, wrong nonce, foreign key, unverified email) over HTTP.

use std::sync::{Arc, Mutex};

use agentry_server::oidc::OidcSettings;
use agentry_server::perimeter::{Perimeter, PerimeterSettings};
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, JsonWebKeyId, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{TestApp, open_signup};

/// Test-only RSA keys (PKCS#1), made for these tests and used nowhere else.
const KEY_PEM: &str = include_str!("fixtures/oidc-issuer-test-key.pem");
const FOREIGN_KEY_PEM: &str = include_str!("fixtures/oidc-foreign-test-key.pem");
const CLIENT_ID: &str = "agentry-test";
const CLIENT_SECRET: &str = "0idc-client-s3cret";

fn signing_key() -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(KEY_PEM, Some(JsonWebKeyId::new("k1".into()))).unwrap()
}

/// What the next token request must carry and what its ID token says.
#[derive(Clone)]
struct Expected {
    challenge: String,
    nonce: String,
    subject: String,
    email: String,
    verified: bool,
    /// Sign with a key the JWKS does not hold.
    foreign_key: bool,
}

/// The token endpoint: checks the grant, the client and the PKCE verifier, then signs.
struct TokenEndpoint {
    issuer: String,
    expected: Arc<Mutex<Option<Expected>>>,
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let refuse = |why: &str| {
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant", "error_description": why}))
        };
        let Some(expected) = self.expected.lock().unwrap().clone() else {
            return refuse("no sign-in expected");
        };
        let form: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return refuse("grant_type");
        }
        // openidconnect authenticates with HTTP Basic by default.
        let basic = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if !basic.starts_with("Basic ") {
            return refuse("client authentication");
        }
        let Some(verifier) = form.get("code_verifier") else {
            return refuse("no code_verifier");
        };
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.clone()));
        if challenge.as_str() != expected.challenge {
            return refuse("PKCE verifier does not match the challenge");
        }
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(self.issuer.clone()).unwrap(),
            vec![Audience::new(CLIENT_ID.into())],
            Utc::now() + Duration::minutes(5),
            Utc::now(),
            StandardClaims::new(SubjectIdentifier::new(expected.subject.clone()))
                .set_email(Some(EndUserEmail::new(expected.email.clone())))
                .set_email_verified(Some(expected.verified)),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new(expected.nonce.clone())));
        let key = if expected.foreign_key {
            // Another key under the same id: the signature cannot verify.
            CoreRsaPrivateSigningKey::from_pem(
                FOREIGN_KEY_PEM,
                Some(JsonWebKeyId::new("k1".into())),
            )
            .unwrap()
        } else {
            signing_key()
        };
        let id_token = CoreIdToken::new(
            claims,
            &key,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .unwrap();
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "issuer-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token.to_string(),
        }))
    }
}

struct Issuer {
    server: MockServer,
    expected: Arc<Mutex<Option<Expected>>>,
}

async fn start_issuer() -> Issuer {
    let server = MockServer::start().await;
    let issuer = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        })))
        .mount(&server)
        .await;
    let jwk = serde_json::to_value(signing_key().as_verification_key()).unwrap();
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [jwk] })))
        .mount(&server)
        .await;
    let expected = Arc::new(Mutex::new(None));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(TokenEndpoint {
            issuer: issuer.clone(),
            expected: expected.clone(),
        })
        .mount(&server)
        .await;
    Issuer { server, expected }
}

async fn app_with(issuer: &Issuer, create_accounts: bool) -> TestApp {
    let mut settings = PerimeterSettings::default();
    settings.rate_limits.enabled = false;
    let oidc = OidcSettings {
        issuer: issuer.server.uri(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_url: "http://127.0.0.1/api/auth/oidc/callback".into(),
        scopes: vec!["email".into(), "profile".into()],
        create_accounts,
    };
    let perimeter = Perimeter::new(settings, Some(oidc), None, "test").unwrap();
    TestApp::start_with_accounts_and(false, open_signup(), perimeter).await
}

/// A client that, like a test of the protocol, looks at each redirect instead of following it.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Follows the server's redirect to the issuer; returns the query of the issuer's URL.
async fn begin(app: &TestApp, issuer: &Issuer) -> std::collections::HashMap<String, String> {
    let answer = browser()
        .get(app.url("/api/auth/oidc/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303, "{:?}", answer.text().await);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let url = url::Url::parse(&location).unwrap();
    assert!(
        location.starts_with(&format!("{}/authorize?", issuer.server.uri())),
        "{location}"
    );
    url.query_pairs().into_owned().collect()
}

/// Makes the issuer expect the sign-in `query` started, with these claims.
fn expect(issuer: &Issuer, query: &std::collections::HashMap<String, String>, e: Expected) {
    *issuer.expected.lock().unwrap() = Some(Expected {
        challenge: query["code_challenge"].clone(),
        nonce: query["nonce"].clone(),
        ..e
    });
}

fn claims(subject: &str, email: &str) -> Expected {
    Expected {
        challenge: String::new(),
        nonce: String::new(),
        subject: subject.into(),
        email: email.into(),
        verified: true,
        foreign_key: false,
    }
}

async fn callback(app: &TestApp, state: &str) -> crate::support::Reply {
    app.get(&format!(
        "/api/auth/oidc/callback?code=the-code&state={state}"
    ))
    .await
}

#[tokio::test]
async fn a_verified_email_signs_in_and_gets_an_account_once() {
    let issuer = start_issuer().await;
    let app = app_with(&issuer, true).await;
    let query = begin(&app, &issuer).await;
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["code_challenge_method"], "S256");
    let scopes: Vec<&str> = query["scope"].split(' ').collect();
    assert!(
        scopes.contains(&"openid") && scopes.contains(&"email"),
        "{scopes:?}"
    );

    expect(&issuer, &query, claims("sub-ada", "Ada@Example.com"));
    let session = callback(&app, &query["state"]).await.expect(200);
    assert_eq!(session["user"]["email"], "ada@example.com");
    let user_id = session["user"]["id"].as_str().unwrap().to_string();
    let token = session["access_token"].as_str().unwrap();
    let me: Value = app
        .http()
        .get(app.url("/api/auth/user"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], json!(user_id));

    // The same callback again: its state was used up.
    callback(&app, &query["state"])
        .await
        .expect_error(400, "oidc_state_unknown");

    // A second sign-in finds the same account through the link, whatever the email now says.
    let query = begin(&app, &issuer).await;
    expect(
        &issuer,
        &query,
        claims("sub-ada", "ada.lovelace@example.com"),
    );
    let again = callback(&app, &query["state"]).await.expect(200);
    assert_eq!(again["user"]["id"], json!(user_id));

    // The client secret was sent to the token endpoint only, never shown.
    assert!(!session.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn an_existing_account_with_the_email_is_linked() {
    let issuer = start_issuer().await;
    let app = app_with(&issuer, false).await;
    let signup = app
        .post_json(
            "/api/auth/signup",
            &json!({"email": "grace@example.com", "password": "a long enough passphrase 1"}),
        )
        .await
        .expect(200);
    let query = begin(&app, &issuer).await;
    expect(&issuer, &query, claims("sub-grace", "grace@example.com"));
    let session = callback(&app, &query["state"]).await.expect(200);
    assert_eq!(session["user"]["id"], signup["user"]["id"]);

    // Account creation is off: an unknown email is refused.
    let query = begin(&app, &issuer).await;
    expect(&issuer, &query, claims("sub-new", "new@example.com"));
    callback(&app, &query["state"])
        .await
        .expect_error(403, "oidc_no_account");
}

#[tokio::test]
async fn bad_id_tokens_and_unverified_emails_are_refused() {
    let issuer = start_issuer().await;
    let app = app_with(&issuer, true).await;

    let query = begin(&app, &issuer).await;
    let mut unverified = claims("sub-1", "eve@example.com");
    unverified.verified = false;
    expect(&issuer, &query, unverified);
    callback(&app, &query["state"])
        .await
        .expect_error(400, "oidc_no_verified_email");

    let query = begin(&app, &issuer).await;
    let mut forged = claims("sub-2", "mallory@example.com");
    forged.foreign_key = true;
    expect(&issuer, &query, forged);
    callback(&app, &query["state"])
        .await
        .expect_error(400, "oidc_invalid_id_token");

    // The ID token carries the nonce of another sign-in.
    let first = begin(&app, &issuer).await;
    let second = begin(&app, &issuer).await;
    *issuer.expected.lock().unwrap() = Some(Expected {
        challenge: second["code_challenge"].clone(),
        nonce: first["nonce"].clone(),
        ..claims("sub-3", "trent@example.com")
    });
    callback(&app, &second["state"])
        .await
        .expect_error(400, "oidc_invalid_id_token");

    // The issuer refuses the code (here: the PKCE verifier of another sign-in).
    let first = begin(&app, &issuer).await;
    let second = begin(&app, &issuer).await;
    expect(&issuer, &first, claims("sub-4", "x@example.com"));
    callback(&app, &second["state"])
        .await
        .expect_error(400, "oidc_refused");

    // An unknown state never reaches the issuer.
    callback(&app, "made-up")
        .await
        .expect_error(400, "oidc_state_unknown");

    // None of these made an account.
    // (`a_verified_email_signs_in_and_gets_an_account_once` shows what one looks like.)
}

#[tokio::test]
async fn without_oidc_settings_the_routes_say_so() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    app.get("/api/auth/oidc/login")
        .await
        .expect_error(404, "oidc_not_configured");
}

#[tokio::test]
async fn the_web_app_gets_a_cookie_session_and_goes_back_to_the_app() {
    let issuer = start_issuer().await;
    let app = app_with(&issuer, true).await;
    let client = browser();
    let started = client
        .get(app.url("/api/auth/oidc/login?session=cookie"))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status().as_u16(), 303);
    let mode = started.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(mode.starts_with("agentry_oidc_session=cookie;"), "{mode}");
    assert!(
        mode.contains("HttpOnly") && mode.contains("SameSite=Lax"),
        "{mode}"
    );
    let location = started.headers()["location"].to_str().unwrap().to_string();
    let query: std::collections::HashMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    expect(&issuer, &query, claims("sub-cy", "cy@example.com"));

    // The browser comes back from the issuer carrying the mode cookie.
    let back = client
        .get(app.url(&format!(
            "/api/auth/oidc/callback?code=the-code&state={}",
            query["state"]
        )))
        .header("cookie", "agentry_oidc_session=cookie")
        .send()
        .await
        .unwrap();
    assert_eq!(back.status().as_u16(), 303);
    assert_eq!(back.headers()["location"], "/");
    let cookies: Vec<String> = back
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("agentry_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    assert!(
        cookies.iter().any(|c| c.starts_with("agentry_csrf=")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("agentry_oidc_session=;") && c.contains("Max-Age=0")),
        "the mode cookie is spent: {cookies:?}"
    );
    // No token in the body or the location: the cookies carry the session.
    let body = back.text().await.unwrap();
    assert!(!body.contains("access_token"), "{body}");
    let pair = session.split(';').next().unwrap();
    let me: Value = client
        .get(app.url("/api/auth/user"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "cy@example.com");
}
