//! The API's one error type. Every error answers `{"error":{"code","message","details"}}` with a
//! stable snake_case code; server errors are logged and answered with a generic message.

use agentry_core::validate;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    /// A failure of ours: the cause is logged, the client gets a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"code": self.code, "message": self.message});
        if let Some(details) = self.details {
            body["details"] = details;
        }
        (self.status, axum::Json(json!({ "error": body }))).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let code = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            "unsupported_media_type"
        } else {
            "invalid_json"
        };
        ApiError::new(status, code, r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request("invalid_path", r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", r.body_text())
    }
}

impl From<validate::Error> for ApiError {
    fn from(e: validate::Error) -> Self {
        let message = e.to_string();
        match e {
            validate::Error::UnknownBlocks(blocks) => {
                ApiError::bad_request("unknown_blocks", message)
                    .with_details(json!({ "unknown_blocks": blocks }))
            }
            validate::Error::Invalid { node_errors, .. } => {
                ApiError::bad_request("graph_invalid", message)
                    .with_details(json!({ "node_errors": node_errors }))
            }
        }
    }
}

impl From<agentry_store::Error> for ApiError {
    fn from(e: agentry_store::Error) -> Self {
        match e {
            agentry_store::Error::NotFound(what) => {
                ApiError::not_found(format!("{what} not found"))
            }
            agentry_store::Error::Conflict(what) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", what)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<agentry_engine::integrations::CredentialsError> for ApiError {
    fn from(e: agentry_engine::integrations::CredentialsError) -> Self {
        use agentry_engine::integrations::CredentialsError as E;
        let message = e.to_string();
        match e {
            E::NoKey => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "encryption_key_missing",
                message,
            ),
            E::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            E::Invalid(_) => ApiError::bad_request("invalid_credentials", message),
            E::NoOauth(_) => ApiError::bad_request("oauth_not_configured", message),
            E::Oauth { .. } => ApiError::new(StatusCode::BAD_GATEWAY, "oauth_failed", message),
            E::Store(s) => s.into(),
            other @ E::Keyring(_) => ApiError::internal(other),
        }
    }
}

impl From<agentry_engine::Error> for ApiError {
    fn from(e: agentry_engine::Error) -> Self {
        use agentry_engine::Error as E;
        match e {
            E::Invalid(v) => v.into(),
            E::MissingInputs(missing) => ApiError::bad_request(
                "missing_inputs",
                E::MissingInputs(missing.clone()).to_string(),
            )
            .with_details(json!({ "missing_inputs": missing })),
            E::NotFound(id) => ApiError::not_found(format!("execution {id} not found")),
            E::Store(s) => s.into(),
            too_many @ E::TooManyRuns(_) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_runs",
                too_many.to_string(),
            ),
            E::ShuttingDown => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is shutting down",
            ),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
