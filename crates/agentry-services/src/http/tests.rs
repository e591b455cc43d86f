//! The guarded client against wiremock on 127.0.0.1: refusals, redirects, caps and timeouts.

use std::time::Duration;

use agentry_core::BlockError;
use reqwest::Method;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{HttpSettings, OutboundHttp};

fn permissive() -> OutboundHttp {
    OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap()
}

/// Allows wiremock's 127.0.0.1 and nothing else that is private.
fn loopback_only() -> OutboundHttp {
    OutboundHttp::new(HttpSettings {
        allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
        ..Default::default()
    })
    .unwrap()
}

async fn get(http: &OutboundHttp, url: &str) -> Result<super::Fetched, BlockError> {
    let request = http.request(Method::GET, url)?;
    http.send(request).await
}

fn input_error(result: Result<super::Fetched, BlockError>) -> String {
    match result {
        Err(BlockError::Input(msg)) => msg,
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[tokio::test]
async fn default_client_refuses_loopback_and_permissive_reaches_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/hello"))
        .respond_with(ResponseTemplate::new(200).set_body_string("hi"))
        .mount(&server)
        .await;
    let url = format!("{}/hello", server.uri());
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let msg = input_error(get(OutboundHttp::shared_default(), &url).await);
    assert!(
        msg.contains("127.0.0.1") && msg.contains("refused"),
        "{msg}"
    );
    // Host names go through the guarded resolver.
    let by_name = format!("http://localhost:{}/hello", server.address().port());
    let msg = input_error(get(OutboundHttp::shared_default(), &by_name).await);
    assert!(msg.contains("localhost resolves only to private"), "{msg}");
    assert!(server.received_requests().await.unwrap().is_empty());

    let fetched = get(&permissive(), &url).await.unwrap();
    assert_eq!((fetched.status, fetched.text().as_str()), (200, "hi"));
}

#[tokio::test]
async fn malformed_and_non_http_urls_are_input_errors() {
    let http = permissive();
    for url in ["not a url", "file:///etc/passwd", "http://u:p@127.0.0.1/"] {
        assert!(matches!(
            http.request(Method::GET, url),
            Err(BlockError::Input(_))
        ));
    }
}

#[tokio::test]
async fn each_redirect_hop_is_checked() {
    let server = MockServer::start().await;
    for (from, to) in [
        ("/to-metadata", "http://169.254.169.254/latest/meta-data/"),
        ("/to-lan", "http://10.0.0.1/admin"),
        ("/to-file", "file:///etc/passwd"),
    ] {
        Mock::given(path(from))
            .respond_with(ResponseTemplate::new(302).insert_header("location", to))
            .mount(&server)
            .await;
    }
    Mock::given(path("/fine"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/landing"))
        .mount(&server)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_string("landed"))
        .mount(&server)
        .await;
    let http = loopback_only();
    for (from, target) in [("/to-metadata", "169.254.169.254"), ("/to-lan", "10.0.0.1")] {
        let msg = input_error(get(&http, &format!("{}{from}", server.uri())).await);
        assert!(msg.contains("redirect to") && msg.contains(target), "{msg}");
    }
    // reqwest never follows a redirect to a non-http scheme: the 302 itself is the answer.
    let not_followed = get(&http, &format!("{}/to-file", server.uri()))
        .await
        .unwrap();
    assert_eq!(not_followed.status, 302);
    let fetched = get(&http, &format!("{}/fine", server.uri())).await.unwrap();
    assert_eq!(fetched.text(), "landed");
    assert!(fetched.url.path().ends_with("/landing"));
}

#[tokio::test]
async fn redirect_loops_stop_after_ten_hops() {
    let server = MockServer::start().await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/loop"))
        .mount(&server)
        .await;
    let msg = input_error(get(&permissive(), &format!("{}/loop", server.uri())).await);
    assert!(msg.contains("more than 10 redirects"), "{msg}");
    // The first request and ten redirects, then the eleventh is refused.
    assert_eq!(server.received_requests().await.unwrap().len(), 11);
}

#[tokio::test]
async fn authorization_survives_same_origin_hops_only() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/landing", b.uri())),
        )
        .mount(&a)
        .await;
    Mock::given(path("/stay"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/here"))
        .mount(&a)
        .await;
    Mock::given(path("/here"))
        .and(header("authorization", "Bearer secret"))
        .respond_with(ResponseTemplate::new(200).set_body_string("kept"))
        .mount(&a)
        .await;
    Mock::given(path("/landing"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(418).set_body_string("leaked"))
        .with_priority(1)
        .mount(&b)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_string("clean"))
        .mount(&b)
        .await;
    let http = permissive();
    let send = |url: String| {
        let http = http.clone();
        async move {
            let request = http
                .request(Method::GET, &url)
                .unwrap()
                .header("authorization", "Bearer secret");
            http.send(request).await.unwrap()
        }
    };
    let away = send(format!("{}/away", a.uri())).await;
    assert_eq!((away.status, away.text().as_str()), (200, "clean"));
    let stay = send(format!("{}/stay", a.uri())).await;
    assert_eq!((stay.status, stay.text().as_str()), (200, "kept"));
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused_while_streaming() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100)))
        .mount(&server)
        .await;
    let small = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        max_response_bytes: 64,
        ..Default::default()
    })
    .unwrap();
    let msg = input_error(get(&small, &format!("{}/big", server.uri())).await);
    assert!(msg.contains("64 byte limit"), "{msg}");
    let fine = get(&permissive(), &format!("{}/big", server.uri())).await;
    assert_eq!(fine.unwrap().body.len(), 100);
}

#[tokio::test]
async fn slow_servers_time_out_as_system_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let impatient = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    let started = std::time::Instant::now();
    match get(&impatient, &format!("{}/slow", server.uri())).await {
        Err(BlockError::System(msg)) => assert!(msg.contains("timed out"), "{msg}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}
