//! What every request carries for its log, and what a handler's panic becomes: each request
//! gets an `x-request-id` (the client's, or a fresh UUID), its trace span names it and the
//! answer echoes it; a panic in a handler is logged inside that span and answers 500 in our
//! error envelope, instead of the connection closing with an empty reply.

use std::any::Any;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, Code};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The panic's message, when it has one, for the log only: clients get the code's sentence.
fn message(panic: &(dyn Any + Send)) -> &str {
    if let Some(text) = panic.downcast_ref::<String>() {
        text
    } else if let Some(text) = panic.downcast_ref::<&str>() {
        text
    } else {
        "a panic without a message"
    }
}

fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    // Inside the request's span, so the log line carries its request id.
    tracing::error!(
        panic = message(panic.as_ref()),
        "a request handler panicked"
    );
    ApiError::new(Code::Internal, "internal server error").into_response()
}

/// Wraps `router` in one layer (each `Router::layer` wraps every route in a boxed service
/// cloned per request), outermost first: the request id is set before the span opens, the
/// span is open while the panic is caught, and the id goes back on every answer.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(
                TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = id)
                }),
            )
            .layer(CatchPanicLayer::custom(answer_panic)),
    )
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_envelope_with_its_request_id() {
        let router: Router = apply(Router::new().route(
            "/boom",
            get(|| async {
                let page: u64 = u64::MAX;
                // The overflow a page number once caused in the SQL layer.
                if page > 1 {
                    panic!("attempt to multiply with overflow");
                }
                "unreachable"
            }),
        ));
        let request = Request::get("/boom")
            .header("x-request-id", "req-42")
            .body(Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers()["x-request-id"], "req-42");
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
        assert!(
            !body.to_string().contains("overflow"),
            "the panic stays in the log: {body}"
        );
    }

    #[tokio::test]
    async fn every_answer_carries_a_request_id() {
        let router: Router = apply(Router::new().route("/ok", get(|| async { "ok" })));
        let response = router
            .oneshot(Request::get("/ok").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
}
