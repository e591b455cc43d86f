//! Credits over HTTP: off by default; on, a run at zero balance answers 402, admins grant
//! (never a negative or zero amount) and refund (once), runs spend, and credits bought through a
//! Checkout Session (a wiremock answering Stripe's shapes) arrive once with a correctly signed
//! webhook and never with a badly signed one.

use std::sync::Arc;

use agentry_engine::{Config, CreditPolicy};
use agentry_server::payments::{PaymentSettings, sign};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Auth, TestApp, agent, unlimited};

const WEBHOOK_SECRET: &str = "whsec_test_secret";

fn credits_on() -> Config {
    Config {
        credits: Some(Arc::new(CreditPolicy {
            default_block_cost: 1,
            ..CreditPolicy::default()
        })),
        ..Config::default()
    }
}

async fn app_with_payments(stripe: &MockServer) -> TestApp {
    let payments = PaymentSettings {
        api_base: stripe.uri(),
        secret_key: "sk_test_key".into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        success_url: "http://127.0.0.1/done".into(),
        cancel_url: "http://127.0.0.1/cancelled".into(),
        currency: "usd".into(),
    };
    TestApp::start_with_payments(
        credits_on(),
        false,
        None,
        unlimited(),
        Auth::Local,
        Some(payments),
    )
    .await
}

async fn balance(app: &TestApp) -> i64 {
    app.get("/api/credits").await.expect(200)["credits"]
        .as_i64()
        .unwrap()
}

async fn calculator(app: &TestApp) -> String {
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn credits_are_off_by_default() {
    let app = TestApp::start().await;
    assert_eq!(balance(&app).await, 0);
    let id = calculator(&app).await;
    app.start_run(&id, 1, json!({"Input": 1})).await;
    app.post_json(
        "/api/credits/admin/add_credits",
        &json!({"user_id": "u", "amount": 10, "comments": "x"}),
    )
    .await
    .expect_error(404, "credits_disabled");
    app.post_json("/api/credits", &json!({"credit_amount": 500}))
        .await
        .expect_error(404, "credits_disabled");
}

#[tokio::test]
async fn grants_runs_and_refunds_move_the_balance() {
    let app = TestApp::start_with_config(credits_on(), false).await;
    let me = agentry_store::DEFAULT_USER_ID;
    let id = calculator(&app).await;
    let refused = app
        .post_json(
            &format!("/api/graphs/{id}/execute/1"),
            &json!({"inputs": {"Input": 1}}),
        )
        .await
        .expect_error(402, "insufficient_credits");
    assert_eq!(refused["details"]["balance"], 0);
    for amount in [-5, 0, 10_000_001] {
        app.post_json(
            "/api/credits/admin/add_credits",
            &json!({"user_id": me, "amount": amount, "comments": "bad"}),
        )
        .await
        .expect_error(400, "invalid_credit_amount");
    }
    let grant =
        json!({"user_id": me, "amount": 30, "comments": "welcome", "transaction_key": "k1"});
    let granted = app
        .post_json("/api/credits/admin/add_credits", &grant)
        .await
        .expect(200);
    assert_eq!(granted["new_balance"], 30);
    // The same request again (a retry) grants nothing more.
    let again = app
        .post_json("/api/credits/admin/add_credits", &grant)
        .await
        .expect(200);
    assert_eq!(again["new_balance"], 30);

    let exec = app.start_run(&id, 1, json!({"Input": 1})).await;
    app.wait_for_status(&id, &exec, &["COMPLETED"]).await;
    let history = app.get("/api/credits/transactions").await.expect(200);
    let usage: Vec<&Value> = history["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["transaction_type"] == "USAGE")
        .collect();
    assert!(!usage.is_empty());
    assert!(usage.iter().all(|t| t["usage_execution_id"] == json!(exec)));
    let spent = usage.len() as i64;
    assert_eq!(balance(&app).await, 30 - spent);

    let key = usage[0]["transaction_key"].as_str().unwrap();
    let refund = json!({"user_id": me, "transaction_key": key, "comments": "sorry"});
    let refunded = app
        .post_json("/api/credits/admin/refund", &refund)
        .await
        .expect(200);
    assert_eq!(refunded["new_balance"], 30 - spent + 1);
    app.post_json("/api/credits/admin/refund", &refund)
        .await
        .expect_error(409, "already_refunded");
    app.post_json(
        "/api/credits/admin/refund",
        &json!({"user_id": me, "transaction_key": "k1", "comments": "x"}),
    )
    .await
    .expect_error(400, "invalid_credit_amount");
    app.post_json(
        "/api/credits/admin/refund",
        &json!({"user_id": me, "transaction_key": "nope", "comments": "x"}),
    )
    .await
    .expect_error(404, "not_found");
    // Pages: one row, then the rest.
    let page = app
        .get("/api/credits/transactions?transaction_count_limit=1")
        .await
        .expect(200);
    assert_eq!(page["transactions"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_i64().unwrap();
    let rest = app
        .get(&format!("/api/credits/transactions?cursor={cursor}"))
        .await
        .expect(200);
    assert_eq!(
        rest["transactions"].as_array().unwrap().len(),
        history["transactions"].as_array().unwrap().len(),
        "the refund added a row since `history`; the first page held one"
    );
}

#[tokio::test]
async fn bought_credits_arrive_once_with_a_signed_webhook() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", "Bearer sk_test_key"))
        .and(body_string_contains("mode=payment"))
        .and(body_string_contains(
            "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=500",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "cs_test_1", "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_1", "payment_status": "unpaid"
        })))
        .expect(1)
        .mount(&stripe)
        .await;
    let app = app_with_payments(&stripe).await;
    for amount in [0, -100] {
        app.post_json("/api/credits", &json!({"credit_amount": amount}))
            .await
            .expect_error(400, "invalid_credit_amount");
    }
    let checkout = app
        .post_json("/api/credits", &json!({"credit_amount": 500}))
        .await
        .expect(200);
    assert_eq!(
        checkout["checkout_url"],
        "https://checkout.stripe.com/c/pay/cs_test_1"
    );
    assert_eq!(balance(&app).await, 0, "nothing before the webhook");

    let event = json!({
        "id": "evt_1", "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "object": "checkout.session", "payment_status": "paid"}}
    })
    .to_string();
    let now = chrono::Utc::now().timestamp();
    let post = |signature: String| {
        let request = app
            .http()
            .post(app.url("/api/credits/stripe_webhook"))
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(event.clone());
        app.send(request)
    };
    post(sign("whsec_wrong", event.as_bytes(), now))
        .await
        .expect_error(401, "invalid_signature");
    post(sign(WEBHOOK_SECRET, event.as_bytes(), now - 3600))
        .await
        .expect_error(401, "invalid_signature");
    post(String::new())
        .await
        .expect_error(401, "invalid_signature");
    assert_eq!(balance(&app).await, 0);
    post(sign(WEBHOOK_SECRET, event.as_bytes(), now))
        .await
        .expect(200);
    // Stripe delivers at least once: the second delivery adds nothing.
    post(sign(WEBHOOK_SECRET, event.as_bytes(), now))
        .await
        .expect(200);
    assert_eq!(balance(&app).await, 500);
    let history = app.get("/api/credits/transactions").await.expect(200);
    assert_eq!(history["transactions"][0]["transaction_type"], "TOP_UP");
    assert_eq!(
        history["transactions"][0]["transaction_key"],
        "checkout:cs_test_1"
    );
}

#[tokio::test]
async fn a_refused_checkout_is_a_payment_error() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(402).set_body_json(json!({
            "error": {"type": "card_error", "message": "declined"}
        })))
        .mount(&stripe)
        .await;
    let app = app_with_payments(&stripe).await;
    let answer = app
        .post_json("/api/credits", &json!({"credit_amount": 500}))
        .await
        .expect_error(502, "payment_failed");
    assert!(!answer.to_string().contains("sk_test_key"));
}
