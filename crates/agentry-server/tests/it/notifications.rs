//! Notifications over HTTP, the WebSocket and SMTP: a finished and a failed run are listed,
//! pushed and marked read; preferences turn a kind off or to email; emails reach a local SMTP
//! sink with the right subject and body and no secret; the daily cap sends the rest in a
//! digest; a refused email is retried with backoff, kept as failed after its last attempt, and
//! retried by a restarted process; store decisions, new versions, balances and failing
//! schedules notify the right users.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::SecretString;
use agentry_engine::{Config, CreditPolicy};
use agentry_server::notifications::{
    Mailer, NotificationSettings, Notifier, SmtpSecurity, SmtpSettings,
};
use chrono::Utc;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::smtp_sink::Sink;
use crate::support::{Auth, Caller, TestApp, agent, graph, open_signup};

const SEND_WEB_REQUEST: &str = "6595ae1f-b924-42cb-9a41-551a0611c4b4";
const SMTP_PASSWORD: &str = "smtp-relay-password-do-not-leak";

fn smtp(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: Some("relay".into()),
        password: Some(SecretString::new(SMTP_PASSWORD)),
        from: "Agentry <noreply@agentry.test>".into(),
        timeout: Duration::from_secs(10),
    }
}

fn settings() -> NotificationSettings {
    NotificationSettings {
        schedule_failure_threshold: 2,
        app_url: Some("http://127.0.0.1:3000".into()),
        // The tests drive retries themselves, with times of their choosing.
        retry_base: Duration::from_secs(60),
        max_attempts: 3,
        poll: Duration::from_secs(3600),
        ..NotificationSettings::default()
    }
}

async fn app_with_mail(sink: &Sink, config: Config) -> TestApp {
    let mailer = Mailer::new(&smtp(sink.port)).unwrap();
    TestApp::start_with_notifications(config, true, Auth::Local, settings(), Some(mailer)).await
}

async fn calculator(caller: &Caller) -> String {
    let saved = caller
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

/// A graph whose one node fails: the SSRF guard refuses a loopback URL.
async fn failing(caller: &Caller) -> String {
    let saved = caller
        .create_graph(&json!({"graph": graph(
            "Doomed",
            &[("web", SEND_WEB_REQUEST, json!({"url": "http://127.0.0.1:9/x", "method": "GET"}))],
            &[],
        )}))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

/// Polls the caller's notifications until there are `n` (bounded).
async fn notifications(caller: &Caller, n: usize) -> Vec<Value> {
    let mut last = Value::Null;
    for _ in 0..400 {
        last = caller.get("/api/notifications").await.expect(200);
        let list = last["notifications"].as_array().unwrap().clone();
        if list.len() >= n {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} notifications: {last}");
}

async fn run_to_end(caller: &Caller, graph_id: &str, inputs: Value) -> String {
    let exec = caller.start_run(graph_id, 1, inputs).await;
    caller
        .wait_for_status(graph_id, &exec, &["COMPLETED", "FAILED"])
        .await;
    exec
}

/// Waits (bounded) until the local user has `n` emails in the outbox; newest first.
async fn queued(
    store: &agentry_store::Store,
    n: usize,
) -> Vec<agentry_store::notifications::email::Model> {
    for _ in 0..400 {
        let emails = store
            .emails(agentry_store::DEFAULT_USER_ID, 10)
            .await
            .unwrap();
        if emails.len() >= n {
            return emails;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} emails were queued");
}

#[tokio::test]
async fn runs_are_listed_pushed_over_the_websocket_and_marked_read() {
    let app = TestApp::start_with_worker().await;
    let url = format!("ws://{}/ws", app.addr());
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();

    let ok = calculator(&app).await;
    let ok_run = run_to_end(&app, &ok, json!({"Input": 1})).await;
    let bad = failing(&app).await;
    let bad_run = run_to_end(&app, &bad, json!({})).await;

    let list = notifications(&app, 2).await;
    let failed = &list[0];
    assert_eq!(failed["kind"], "RUN_FAILED", "{list:?}");
    assert_eq!(failed["title"], "Your agent Doomed failed");
    assert_eq!(failed["data"]["graph_exec_id"], json!(bad_run));
    assert_eq!(failed["read"], false);
    assert_eq!(list[1]["kind"], "RUN_FINISHED");
    assert_eq!(list[1]["data"]["graph_exec_id"], json!(ok_run));

    // Both were pushed to the open socket as `notification` messages.
    let mut pushed = Vec::new();
    while pushed.len() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            let message: Value = serde_json::from_str(text.as_str()).unwrap();
            if message["method"] == "notification" {
                pushed.push(message["data"]["id"].clone());
            }
        }
    }
    assert!(pushed.contains(&failed["id"]) && pushed.contains(&list[1]["id"]));

    let page = app
        .get("/api/notifications?unread_only=true")
        .await
        .expect(200);
    assert_eq!(page["unread_count"], 2);
    let marked = app
        .post_json("/api/notifications/read", &json!({"ids": [failed["id"]]}))
        .await
        .expect(200);
    assert_eq!(marked["updated"], 1);
    assert_eq!(marked["unread_count"], 1);
    let unread = app
        .get("/api/notifications?unread_only=true")
        .await
        .expect(200);
    assert_eq!(unread["notifications"].as_array().unwrap().len(), 1);
    app.post_json("/api/notifications/read-all", &json!({}))
        .await
        .expect(200);
    assert_eq!(
        app.get("/api/notifications").await.expect(200)["unread_count"],
        0
    );
    app.get("/api/notifications?limit=0")
        .await
        .expect_error(400, "invalid_query");

    // Turned off, a kind is not told at all.
    let prefs = app
        .put_json(
            "/api/notifications/preferences",
            &json!({"channels": {"RUN_FINISHED": "off"}}),
        )
        .await
        .expect(200);
    assert_eq!(prefs["channels"]["RUN_FINISHED"], "off");
    assert_eq!(prefs["channels"]["RUN_FAILED"], "email");
    assert_eq!(prefs["email_enabled"], false);
    run_to_end(&app, &ok, json!({"Input": 2})).await;
    run_to_end(&app, &bad, json!({})).await;
    let list = notifications(&app, 3).await;
    assert_eq!(list[0]["kind"], "RUN_FAILED");
    assert_eq!(list.len(), 3, "the finished run was not told: {list:?}");
    app.put_json(
        "/api/notifications/preferences",
        &json!({"channels": {"RUN_FINISHED": "loud"}}),
    )
    .await
    .expect_error(422, "invalid_body");
    app.put_json(
        "/api/notifications/preferences",
        &json!({"daily_email_cap": 5000}),
    )
    .await
    .expect_error(400, "invalid_notification_preferences");
}

#[tokio::test]
async fn an_email_reaches_the_smtp_server_with_its_subject_and_body_and_no_secret() {
    let sink = Sink::start(0).await;
    let app = app_with_mail(&sink, Config::default()).await;
    let bad = failing(&app).await;
    let exec = run_to_end(&app, &bad, json!({})).await;

    let got = sink.wait_for(1).await;
    let mail = &got[0];
    let data = mail.data.replace("=\n", "");
    assert!(mail.rcpt[0].contains("<local@agentry.local>"), "{mail:?}");
    assert!(data.contains("Subject: Your agent Doomed failed"), "{data}");
    assert!(
        data.contains("From: Agentry <noreply@agentry.test>"),
        "{data}"
    );
    assert!(
        data.contains(&format!("The run {exec} of Doomed (version 1) failed")),
        "{data}"
    );
    assert!(
        data.contains("Open Agentry: http://127.0.0.1:3000"),
        "{data}"
    );
    assert!(!data.contains(SMTP_PASSWORD), "{data}");
    assert_eq!(
        mail.login.as_deref(),
        Some(format!(":relay:{SMTP_PASSWORD}").as_str())
    );
    let emails = app
        .notifier
        .store()
        .emails(agentry_store::DEFAULT_USER_ID, 10)
        .await
        .unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].status, "sent");
}

#[tokio::test]
async fn past_the_daily_cap_emails_wait_for_the_digest() {
    let sink = Sink::start(0).await;
    let app = app_with_mail(&sink, Config::default()).await;
    app.put_json(
        "/api/notifications/preferences",
        &json!({"channels": {"RUN_FINISHED": "email"}, "daily_email_cap": 1}),
    )
    .await
    .expect(200);
    let ok = calculator(&app).await;
    for input in 1..=3 {
        run_to_end(&app, &ok, json!({"Input": input})).await;
    }
    notifications(&app, 3).await;
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1, "one email a day: {got:?}");

    // The digest's period starts when it first has something to send, and ends a day later.
    let now = Utc::now();
    assert_eq!(app.notifier.run_digests(now).await.unwrap(), 0);
    assert_eq!(
        app.notifier
            .run_digests(now + chrono::Duration::hours(25))
            .await
            .unwrap(),
        1
    );
    let got = sink.wait_for(2).await;
    let digest = got[1].data.replace("=\n", "");
    assert!(
        digest.contains("Subject: Your Agentry digest: 2 notifications"),
        "{digest}"
    );
    assert_eq!(
        digest.matches("- Your agent Calculator").count(),
        2,
        "{digest}"
    );
    // Told once: a later digest has nothing to send.
    assert_eq!(
        app.notifier
            .run_digests(now + chrono::Duration::hours(50))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_refused_email_is_retried_then_kept_as_failed_and_a_restart_retries() {
    // Refuses every message: three attempts, then failed with its error kept.
    let refusing = Sink::start(usize::MAX).await;
    let app = app_with_mail(&refusing, Config::default()).await;
    let bad = failing(&app).await;
    run_to_end(&app, &bad, json!({})).await;
    let store = app.notifier.store().clone();
    let user = agentry_store::DEFAULT_USER_ID;
    queued(&store, 1).await;
    let mut now = Utc::now();
    for _ in 0..10 {
        now += chrono::Duration::hours(1);
        app.notifier.send_due_emails(now).await.unwrap();
        if store.emails(user, 1).await.unwrap()[0].status == "failed" {
            break;
        }
    }
    let email = &store.emails(user, 1).await.unwrap()[0];
    assert_eq!(email.status, "failed");
    assert_eq!(email.attempts, 3);
    assert!(
        email
            .last_error
            .as_deref()
            .unwrap()
            .contains("try again later"),
        "{email:?}"
    );
    assert!(!email.last_error.as_deref().unwrap().contains(SMTP_PASSWORD));

    // A second email waits after one refused attempt; a restarted process (a new notifier on
    // the same database) sends it once it is due, and not before.
    let flaky = Sink::start(1).await;
    let before = Notifier::new(
        store.clone(),
        settings(),
        Some(Mailer::new(&smtp(flaky.port)).unwrap()),
    );
    run_to_end(&app, &bad, json!({})).await;
    let pending = queued(&store, 2).await.remove(0);
    // The app's own sender (the refusing sink) may have tried it already; make sure one
    // refused attempt happened against the flaky one.
    let at = Utc::now() + chrono::Duration::hours(20);
    before.send_due_emails(at).await.unwrap();
    drop(before);
    let restarted = Notifier::new(
        store.clone(),
        settings(),
        Some(Mailer::new(&smtp(flaky.port)).unwrap()),
    );
    let mut sent = 0;
    let mut when = at;
    while sent == 0 && when < at + chrono::Duration::days(2) {
        when += chrono::Duration::hours(1);
        sent = restarted.send_due_emails(when).await.unwrap();
    }
    assert_eq!(sent, 1);
    let row = store
        .emails(user, 5)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == pending.id)
        .unwrap();
    assert_eq!(row.status, "sent");
    assert!(row.attempts >= 2, "{row:?}");
    assert_eq!(flaky.refused(), 1);
    assert_eq!(flaky.received().await.len(), 1);
}

#[tokio::test]
async fn balances_and_failing_schedules_are_told_once() {
    let config = Config {
        credits: Some(Arc::new(CreditPolicy {
            default_block_cost: 1,
            low_balance_threshold: 100,
            ..CreditPolicy::default()
        })),
        ..Config::default()
    };
    let app = TestApp::start_with_notifications(config, true, Auth::Local, settings(), None).await;
    let user = agentry_store::DEFAULT_USER_ID;
    app.post_json(
        "/api/credits/admin/add_credits",
        &json!({"user_id": user, "amount": 50, "comments": "start"}),
    )
    .await
    .expect(200);
    let ok = calculator(&app).await;
    run_to_end(&app, &ok, json!({"Input": 1})).await;
    run_to_end(&app, &ok, json!({"Input": 2})).await;
    let list = notifications(&app, 3).await;
    let low: Vec<&Value> = list.iter().filter(|n| n["kind"] == "LOW_BALANCE").collect();
    assert_eq!(low.len(), 1, "told once until the next top-up: {list:?}");
    assert_eq!(low[0]["data"]["threshold"], 100);

    // Runs a schedule started: the second failure in a row is reported, once.
    let bad = failing(&app).await;
    let graph = app
        .engine
        .store()
        .get_graph(user, &bad, None)
        .await
        .unwrap()
        .graph;
    for _ in 0..3 {
        let request =
            agentry_engine::ExecuteRequest::new(user, &graph.id, graph.version, Default::default())
                .for_schedule("schedule-1");
        let exec = app.engine.execute(request).await.unwrap().row.id;
        app.wait_for_status(&bad, &exec, &["FAILED"]).await;
    }
    let list = notifications(&app, 3 + 3 + 1).await;
    let failing: Vec<&Value> = list
        .iter()
        .filter(|n| n["kind"] == "SCHEDULE_FAILING")
        .collect();
    assert_eq!(failing.len(), 1, "{list:?}");
    assert_eq!(failing[0]["data"]["schedule_id"], "schedule-1");
    assert_eq!(failing[0]["title"], "A schedule keeps failing");
}

#[tokio::test]
async fn store_decisions_new_versions_and_take_downs_notify_creator_and_library_users() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let user = app.sign_up("bob@example.com").await;
    creator
        .post_json(
            "/api/store/profile",
            &json!({"username": "ada", "name": "Ada"}),
        )
        .await
        .expect(200);
    let graph_id = calculator(&creator).await;
    let submit = |version: i64| {
        json!({"agent_id": graph_id, "agent_version": version, "slug": "calc",
               "name": "Calc", "sub_heading": "s", "description": "Adds numbers.",
               "categories": ["math"], "image_urls": [], "changes_summary": "faster"})
    };
    let v1 = creator
        .post_json("/api/store/submissions", &submit(1))
        .await
        .expect(200)["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v1}/review"),
            &json!({"is_approved": true, "comments": "Nice work", "internal_comments": "secret note"}),
        )
        .await
        .expect(200);
    let told = notifications(&creator, 1).await;
    assert_eq!(told[0]["kind"], "SUBMISSION_APPROVED");
    assert!(
        told[0]["body"]
            .as_str()
            .unwrap()
            .contains("The reviewer wrote: Nice work")
    );
    assert!(!told[0].to_string().contains("secret note"), "{told:?}");

    user.post_json(
        "/api/library/agents",
        &json!({"store_listing_version_id": v1}),
    )
    .await
    .expect(200);
    let updated = creator
        .put_json(
            &format!("/api/graphs/{graph_id}"),
            &json!({"graph": agent("calculator-agent.json")}),
        )
        .await
        .expect(200);
    let v2 = creator
        .post_json(
            "/api/store/submissions",
            &submit(updated["version"].as_i64().unwrap()),
        )
        .await
        .expect(200)["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v2}/review"),
            &json!({"is_approved": true}),
        )
        .await
        .expect(200);
    let heard = notifications(&user, 1).await;
    assert_eq!(heard[0]["kind"], "AGENT_NEW_VERSION");
    assert_eq!(heard[0]["title"], "A new version of Calc");
    assert!(
        heard[0]["body"]
            .as_str()
            .unwrap()
            .contains("What changed: faster")
    );

    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v2}/take-down"),
            &json!({"reason": "broken"}),
        )
        .await
        .expect(200);
    let told = notifications(&creator, 3).await;
    assert_eq!(told[0]["kind"], "AGENT_TAKEN_DOWN");
    assert!(told[0]["body"].as_str().unwrap().ends_with(": broken"));
    let heard = notifications(&user, 2).await;
    assert_eq!(heard[0]["kind"], "AGENT_TAKEN_DOWN");
    // The admin was told nothing; nobody sees another user's notifications.
    assert_eq!(
        admin.get("/api/notifications").await.expect(200)["notifications"],
        json!([])
    );
}

#[tokio::test]
async fn runs_whose_events_the_watcher_missed_are_told_from_their_rows() {
    // A bus that keeps one event: with runs ending side by side the watcher falls behind.
    let config = Config {
        event_capacity: 1,
        ..Config::default()
    };
    let app = TestApp::start_with_notifications(config, true, Auth::Local, settings(), None).await;
    let ok = calculator(&app).await;
    let starts = (0..24).map(|i| app.start_run(&ok, 1, json!({"Input": i})));
    let runs = futures::future::join_all(starts).await;
    for run in &runs {
        app.wait_for_status(&ok, run, &["COMPLETED"]).await;
    }
    let list = notifications(&app, runs.len()).await;
    for run in &runs {
        let told: Vec<&Value> = list
            .iter()
            .filter(|n| n["data"]["graph_exec_id"] == json!(run))
            .collect();
        assert_eq!(told.len(), 1, "run {run}: {list:?}");
        assert_eq!(told[0]["kind"], "RUN_FINISHED");
    }
}
