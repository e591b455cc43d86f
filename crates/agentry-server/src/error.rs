//! The API's one error type and its table of codes. Every error answers
//! `{"error":{"code","message","details"}}` with a stable snake_case code from [`Code`], whose
//! HTTP status is fixed by the table; server errors are logged and answered with a generic
//! message. A new failure gets a row in `codes!` below, never a string literal in a handler.

use agentry_core::validate;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// Declares [`Code`]: one row per code with its HTTP status and the sentence that explains it.
macro_rules! codes {
    ($($variant:ident = ($status:ident, $code:literal, $about:literal),)+) => {
        /// Every error code the API answers. The JSON form is the snake_case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        pub enum Code {
            $(#[doc = $about] #[serde(rename = $code)] $variant,)+
        }

        impl Code {
            /// The whole table, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)+ }
            }

            pub fn status(self) -> StatusCode {
                match self { $(Code::$variant => StatusCode::$status,)+ }
            }

            /// One sentence saying when the code is answered.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $about,)+ }
            }
        }
    };
}

codes! {
    // The request itself.
    InvalidJson = (BAD_REQUEST, "invalid_json", "The body is not well-formed JSON in UTF-8."),
    InvalidBody = (UNPROCESSABLE_ENTITY, "invalid_body", "The body is JSON but not of the shape the route takes (a missing field, a wrong type)."),
    JsonTooDeep = (BAD_REQUEST, "json_too_deep", "The body nests arrays and objects deeper than the server accepts."),
    PayloadTooLarge = (PAYLOAD_TOO_LARGE, "payload_too_large", "The body is larger than the server accepts."),
    UnsupportedMediaType = (UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "The body is not sent as `application/json`."),
    InvalidPath = (BAD_REQUEST, "invalid_path", "A path parameter is not of the expected type."),
    InvalidQuery = (BAD_REQUEST, "invalid_query", "A query parameter is malformed or out of its range."),
    RouteNotFound = (NOT_FOUND, "route_not_found", "No route has this path."),
    MethodNotAllowed = (METHOD_NOT_ALLOWED, "method_not_allowed", "The route exists but does not take this method."),
    WebsocketUpgradeRequired = (BAD_REQUEST, "websocket_upgrade_required", "`/ws` was asked for without a WebSocket upgrade."),
    Unsupported = (BAD_REQUEST, "unsupported", "The request asks for an AutoGPT feature Agentry does not support yet."),
    // Objects.
    NotFound = (NOT_FOUND, "not_found", "The object does not exist or does not belong to the caller."),
    Conflict = (CONFLICT, "conflict", "The change conflicts with the object's current state."),
    // Graphs and runs.
    InvalidGraph = (BAD_REQUEST, "invalid_graph", "The body is not a graph, or the graph fails validation (`details.node_errors` names each node's problems)."),
    UnknownBlocks = (BAD_REQUEST, "unknown_blocks", "The graph uses block ids this server does not have (`details.unknown_blocks`)."),
    MissingInputs = (BAD_REQUEST, "missing_inputs", "Required graph inputs were not given (`details.missing_inputs`)."),
    BlockFailed = (BAD_REQUEST, "block_failed", "The block ran and failed on this input (`details.outputs` holds what it yielded)."),
    TooManyRuns = (TOO_MANY_REQUESTS, "too_many_runs", "The caller has as many runs queued or running as allowed."),
    InputsTooLarge = (PAYLOAD_TOO_LARGE, "inputs_too_large", "The run's inputs are larger than `max_input_bytes` (README, Limits); nothing was recorded."),
    // Schedules, reviews and webhooks.
    InvalidSchedule = (BAD_REQUEST, "invalid_schedule", "The cron expression or time zone is invalid, or the schedule never fires."),
    InvalidReview = (BAD_REQUEST, "invalid_review", "The review decision is malformed."),
    ReviewNotEditable = (BAD_REQUEST, "review_not_editable", "Edited data was sent for a review that does not allow edits."),
    ReviewNotFound = (NOT_FOUND, "review_not_found", "No waiting review has this node execution id."),
    ReviewAlreadyDecided = (CONFLICT, "review_already_decided", "The review was already approved or rejected."),
    ExecutionNotInReview = (CONFLICT, "execution_not_in_review", "The run is not waiting for a review."),
    ReviewsOfSeveralExecutions = (CONFLICT, "reviews_of_several_executions", "One request decided reviews of more than one run."),
    // Credits.
    InsufficientCredits = (PAYMENT_REQUIRED, "insufficient_credits", "Credits are on and the balance is zero or less: top up before starting a run (`details.balance`)."),
    CreditsDisabled = (NOT_FOUND, "credits_disabled", "Credits are off on this server (`[credits]` in the configuration), so there is nothing to grant, buy or refund."),
    PaymentsNotConfigured = (NOT_FOUND, "payments_not_configured", "Credits are on but no payment provider is configured (`[payments]`), so credits cannot be bought."),
    InvalidCreditAmount = (BAD_REQUEST, "invalid_credit_amount", "The amount of credits is zero, negative or above the most one request may move."),
    AlreadyRefunded = (CONFLICT, "already_refunded", "The transaction was refunded already."),
    PaymentFailed = (BAD_GATEWAY, "payment_failed", "The payment provider refused the checkout or could not be reached."),
    InvalidSignature = (UNAUTHORIZED, "invalid_signature", "The webhook call lacks the trigger's secret or a valid signature of the body."),
    // The store, the library and shared runs.
    InvalidSubmission = (BAD_REQUEST, "invalid_submission", "A store submission or profile field is malformed (slug, username, categories, score, URL); the message says which."),
    GraphCannotRun = (BAD_REQUEST, "graph_cannot_run", "The submitted graph version fails validation for running (`details.node_errors`)."),
    GraphHoldsSecrets = (BAD_REQUEST, "graph_holds_secrets", "The submitted graph's nodes hold secrets in their inputs (`details.inputs`): use credentials instead."),
    SubmissionAlreadyDecided = (CONFLICT, "submission_already_decided", "The listing version was already approved or rejected (or is not approved, for a take-down)."),
    DuplicateReview = (CONFLICT, "duplicate_review", "The user already reviewed this version of the store agent."),
    UsernameTaken = (CONFLICT, "username_taken", "Another creator has this username."),
    InvalidImage = (UNSUPPORTED_MEDIA_TYPE, "invalid_image", "The upload is not a PNG, JPEG, GIF or WebP image (judged by its bytes)."),
    ImageTooLarge = (PAYLOAD_TOO_LARGE, "image_too_large", "The uploaded image is larger than the server accepts (`details.max_bytes`)."),
    // Notifications.
    InvalidNotificationPreferences = (BAD_REQUEST, "invalid_notification_preferences", "A notification preference is out of its range (the daily email cap is at most 1000)."),
    // Users' credentials.
    InvalidCredentialsRequest = (BAD_REQUEST, "invalid_credentials_request", "The credentials to store are malformed, or an OAuth2 callback's state is unknown, expired or already used; the message never quotes a secret."),
    InvalidCredentialsInputs = (BAD_REQUEST, "invalid_credentials_inputs", "An execute request's `credentials_inputs` names a field the graph's `credentials_input_schema` lacks, or a value without an id."),
    OauthNotConfigured = (BAD_REQUEST, "oauth_not_configured", "The operator configured no OAuth2 client for this provider (`[[oauth_providers]]`)."),
    OauthFailed = (BAD_GATEWAY, "oauth_failed", "The provider refused the OAuth2 code or refresh token, or could not be reached."),
    EncryptionKeyMissing = (SERVICE_UNAVAILABLE, "encryption_key_missing", "No encryption key is configured, so credentials cannot be stored: set `AGENTRY_ENCRYPTION_KEY` (README, Credentials)."),
    TriggerGone = (GONE, "trigger_gone", "The graph's active version no longer has this webhook's trigger node."),
    InvalidTrigger = (BAD_REQUEST, "invalid_trigger", "A provider trigger node is set up wrongly, such as a repository that is not `owner/repo` (`details.node_errors`); nothing was saved."),
    TriggerRegistrationFailed = (BAD_REQUEST, "trigger_registration_failed", "The provider refused to create a trigger's webhook or could not be reached (`details.node_id`); the graph's active version and hooks stay as they were."),
    TriggerFetchFailed = (BAD_GATEWAY, "trigger_fetch_failed", "The provider's events a delivery stands for could not be fetched (Airtable's webhook payloads); the hook's cursor stays where it was and nothing started."),
    InvalidDelivery = (BAD_REQUEST, "invalid_delivery", "A provider's webhook delivery lacks what the provider always sends (its event header, a JSON object body)."),
    // Sign-in, sessions and API keys.
    Unauthenticated = (UNAUTHORIZED, "unauthenticated", "The route needs a signed-in user and the request carries no credentials."),
    InvalidToken = (UNAUTHORIZED, "invalid_token", "The access token is malformed, forged or for a user that no longer exists."),
    TokenExpired = (UNAUTHORIZED, "token_expired", "The access token has expired; get a new one from `POST /api/auth/refresh`."),
    SessionEnded = (UNAUTHORIZED, "session_ended", "The session was ended (sign-out everywhere, password change); sign in again."),
    AccountDisabled = (UNAUTHORIZED, "account_disabled", "An administrator disabled the account; its tokens and API keys do not work."),
    InvalidApiKey = (UNAUTHORIZED, "invalid_api_key", "The API key is unknown, revoked or malformed."),
    InvalidCredentials = (UNAUTHORIZED, "invalid_credentials", "The email or password is wrong (the answer does not say which)."),
    InvalidRefreshToken = (UNAUTHORIZED, "invalid_refresh_token", "The refresh token is unknown, expired, revoked or already used."),
    PermissionDenied = (FORBIDDEN, "permission_denied", "The API key lacks the permission the route needs (`details.permission`)."),
    SessionRequired = (FORBIDDEN, "session_required", "The route manages accounts or keys and takes a signed-in session, not an API key."),
    AdminRequired = (FORBIDDEN, "admin_required", "The route is for administrators."),
    CsrfFailed = (FORBIDDEN, "csrf_failed", "A cookie session's state-changing request lacks `X-CSRF-Token` equal to the `agentry_csrf` cookie."),
    HostNotAllowed = (FORBIDDEN, "host_not_allowed", "The `Host` header names a host this server does not answer to (DNS rebinding)."),
    OriginNotAllowed = (FORBIDDEN, "origin_not_allowed", "The `Origin` header names another site."),
    SignupClosed = (FORBIDDEN, "signup_closed", "Sign-up is closed: accounts exist and `allow_signup` is off, or the first admin must be created with `agentry user create --admin`."),
    InvalidEmail = (BAD_REQUEST, "invalid_email", "The email address is not of the form `name@domain`."),
    WeakPassword = (BAD_REQUEST, "weak_password", "The password does not meet the password policy (the message says why)."),
    EmailTaken = (CONFLICT, "email_taken", "An account with this email exists."),
    InvalidPermissions = (BAD_REQUEST, "invalid_permissions", "An API key permission is not one of AutoGPT's names (`details.known`)."),
    InvalidRole = (BAD_REQUEST, "invalid_role", "The role is not `user` or `admin`."),
    LastAdmin = (CONFLICT, "last_admin", "The change would leave no enabled administrator."),
    AuthDisabled = (NOT_FOUND, "auth_disabled", "The server runs without sign-in (`--no-auth`): there are no accounts or keys."),
    // The perimeter.
    RateLimited = (TOO_MANY_REQUESTS, "rate_limited", "Too many requests from this address, user or API key (`details.limit`); `Retry-After` says when to try again."),
    // OIDC sign-in.
    OidcNotConfigured = (NOT_FOUND, "oidc_not_configured", "Sign-in through an OpenID Connect provider is not configured on this server."),
    OidcStateUnknown = (BAD_REQUEST, "oidc_state_unknown", "The sign-in's `state` is unknown, expired or already used: start the sign-in again."),
    OidcRefused = (BAD_REQUEST, "oidc_refused", "The identity provider refused the sign-in or the code."),
    OidcInvalidIdToken = (BAD_REQUEST, "oidc_invalid_id_token", "The identity provider's ID token failed its checks (signature, issuer, audience, expiry or nonce)."),
    OidcNoVerifiedEmail = (BAD_REQUEST, "oidc_no_verified_email", "The identity provider gave no email it has verified."),
    OidcNoAccount = (FORBIDDEN, "oidc_no_account", "No account has this email and the server does not create accounts at OIDC sign-in."),
    OidcUnavailable = (BAD_GATEWAY, "oidc_unavailable", "The identity provider could not be reached or answered badly."),
    // The server.
    Internal = (INTERNAL_SERVER_ERROR, "internal", "The server failed; the cause is in its log under the request id."),
    ShuttingDown = (SERVICE_UNAVAILABLE, "shutting_down", "The server is shutting down and takes no new work."),
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error envelope's inner object, as the OpenAPI document describes it.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub details: Option<Value>,
}

/// `{"error": {...}}`: every non-2xx answer of the API.
#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: None,
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, message)
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }
    /// A failure of ours: the cause is logged, the client gets a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(Code::Internal, "internal server error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let envelope = ErrorEnvelope {
            error: ErrorBody {
                code: self.code,
                message: self.message,
                details: self.details,
            },
        };
        (status, axum::Json(envelope)).into_response()
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(Code::PayloadTooLarge, r.body_text())
        } else {
            ApiError::new(Code::InvalidJson, r.body_text())
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let code = match &r {
            JsonRejection::JsonDataError(_) => Code::InvalidBody,
            JsonRejection::MissingJsonContentType(_) => Code::UnsupportedMediaType,
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
            _ => Code::InvalidJson,
        };
        ApiError::new(code, r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(Code::InvalidPath, r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(Code::InvalidQuery, r.body_text())
    }
}

impl From<validate::Error> for ApiError {
    fn from(e: validate::Error) -> Self {
        let message = e.to_string();
        match e {
            validate::Error::UnknownBlocks(blocks) => ApiError::new(Code::UnknownBlocks, message)
                .with_details(json!({ "unknown_blocks": blocks })),
            validate::Error::Invalid { node_errors, .. } => {
                ApiError::new(Code::InvalidGraph, message)
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
            agentry_store::Error::Conflict(what) => ApiError::new(Code::Conflict, what),
            other => ApiError::internal(other),
        }
    }
}

impl From<agentry_engine::integrations::CredentialsError> for ApiError {
    fn from(e: agentry_engine::integrations::CredentialsError) -> Self {
        use agentry_engine::integrations::CredentialsError as E;
        let message = e.to_string();
        match e {
            E::NoKey => ApiError::new(Code::EncryptionKeyMissing, message),
            E::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            E::Invalid(_) => ApiError::new(Code::InvalidCredentialsRequest, message),
            E::NoOauth(_) => ApiError::new(Code::OauthNotConfigured, message),
            E::Oauth { .. } => ApiError::new(Code::OauthFailed, message),
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
            E::MissingInputs(missing) => ApiError::new(
                Code::MissingInputs,
                E::MissingInputs(missing.clone()).to_string(),
            )
            .with_details(json!({ "missing_inputs": missing })),
            E::NotFound(id) => ApiError::not_found(format!("execution {id} not found")),
            E::Refused(agentry_store::market::Refusal::NoAccess { graph_id, version }) => {
                ApiError::not_found(format!("graph {graph_id} version {version} not found"))
            }
            E::Refused(refusal) => ApiError::not_found(refusal.to_string()),
            E::Store(s) => s.into(),
            too_many @ E::TooManyRuns(_) => ApiError::new(Code::TooManyRuns, too_many.to_string()),
            too_large @ E::InputTooLarge { .. } => {
                ApiError::new(Code::InputsTooLarge, too_large.to_string())
            }
            E::ShuttingDown => ApiError::new(Code::ShuttingDown, "the server is shutting down"),
            refused @ E::InsufficientCredits { balance } => {
                ApiError::new(Code::InsufficientCredits, refused.to_string())
                    .with_details(json!({ "balance": balance }))
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_errors_with_a_sentence() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is in the table twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s} is not snake_case"
            );
            assert!(
                code.status().is_client_error() || code.status().is_server_error(),
                "{s} is not an error status"
            );
            assert!(code.description().ends_with('.'), "{s} needs a sentence");
            assert_eq!(serde_json::to_value(code).unwrap(), json!(s));
        }
    }
}
