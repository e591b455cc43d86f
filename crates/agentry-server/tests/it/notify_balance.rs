//! Balance notifications with credits on, in the app and by email to the local SMTP sink: a
//! run that spends the balance to zero tells the user they are out of credits; one that takes
//! it under the low-balance threshold tells them it runs low.

use std::sync::Arc;
use std::time::Duration;

use agentry_engine::{Config, CreditPolicy};
use agentry_server::notifications::{Mailer, NotificationSettings, SmtpSecurity, SmtpSettings};
use serde_json::{Value, json};

use crate::smtp_sink::Sink;
use crate::support::{Auth, TestApp, agent};

async fn app(sink: &Sink, low_balance_threshold: i64) -> TestApp {
    let config = Config {
        credits: Some(Arc::new(CreditPolicy {
            default_block_cost: 1,
            low_balance_threshold,
            ..CreditPolicy::default()
        })),
        ..Config::default()
    };
    let mailer = Mailer::new(&SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "Agentry <noreply@agentry.test>".into(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    let settings = NotificationSettings {
        poll: Duration::from_secs(3600),
        ..NotificationSettings::default()
    };
    TestApp::start_with_notifications(config, true, Auth::Local, settings, Some(mailer)).await
}

/// Grants `amount`, runs the calculator once to its end, and returns the balance after.
async fn grant_and_run(app: &TestApp, amount: i64) -> i64 {
    app.post_json(
        "/api/credits/admin/add_credits",
        &json!({"user_id": agentry_store::DEFAULT_USER_ID, "amount": amount, "comments": "start"}),
    )
    .await
    .expect(200);
    let saved = app
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let id = saved["id"].as_str().unwrap();
    let exec = app.start_run(id, 1, json!({"Input": 1})).await;
    app.wait_for_status(id, &exec, &["COMPLETED", "FAILED", "TERMINATED"])
        .await;
    app.get("/api/credits").await.expect(200)["credits"]
        .as_i64()
        .unwrap()
}

/// Polls (bounded) until a notification of `kind` is listed.
async fn notified(app: &TestApp, kind: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..400 {
        last = app.get("/api/notifications").await.expect(200);
        if let Some(n) = last["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == kind)
        {
            return n.clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no {kind} notification: {last}");
}

/// Waits (bounded) for an email whose DATA contains `subject`; returns its DATA.
async fn emailed(sink: &Sink, subject: &str) -> String {
    for _ in 0..400 {
        if let Some(mail) = sink
            .received()
            .await
            .into_iter()
            .map(|m| m.data.replace("=\n", ""))
            .find(|d| d.contains(subject))
        {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no email with {subject}");
}

#[tokio::test]
async fn a_run_that_spends_the_balance_to_zero_tells_the_user_in_the_app_and_by_email() {
    let sink = Sink::start(0).await;
    let app = app(&sink, 100).await;
    // One credit: the first node that costs one spends it all.
    assert_eq!(grant_and_run(&app, 1).await, 0);
    let zero = notified(&app, "ZERO_BALANCE").await;
    assert_eq!(zero["title"], "You are out of credits");
    assert_eq!(zero["data"]["balance"], 0);
    let mail = emailed(&sink, "Subject: You are out of credits").await;
    assert!(
        mail.contains("Your balance is 0 credits: your agents cannot run until you top up."),
        "{mail}"
    );
    assert!(sink.received().await[0].rcpt[0].contains("<local@agentry.local>"));
    // Out of credits, not low: the low-balance notice is not sent as well.
    let list = app.get("/api/notifications").await.expect(200);
    assert!(!list.to_string().contains("LOW_BALANCE"), "{list}");
}

#[tokio::test]
async fn a_run_that_takes_the_balance_under_the_threshold_tells_the_user_by_email() {
    let sink = Sink::start(0).await;
    let app = app(&sink, 100).await;
    let left = grant_and_run(&app, 50).await;
    assert!(left > 0 && left < 50, "{left}");
    let low = notified(&app, "LOW_BALANCE").await;
    assert_eq!(low["data"]["balance"], left);
    let mail = emailed(&sink, "Subject: Your credits are running low").await;
    assert!(
        mail.contains(&format!("Your balance is {left} credits, under 100.")),
        "{mail}"
    );
}
