//! Credits on AutoGPT's `/api/credits` paths and shapes: the balance, the ledger, buying
//! credits through a Checkout Session, the payment provider's signed webhook that fulfils it,
//! and administrators' grants and refunds. Credits are off unless the operator turns them on
//! (`[credits]`): then the balance reads 0 and grants, purchases and refunds answer
//! `credits_disabled`. Every ledger change has a transaction key, so a retried request or a
//! webhook delivered twice changes the balance once.

use crate::route_docs::routes;
use agentry_store::entity::credit_transaction;
use agentry_store::{Applied, CreditEntry, CreditKind};
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::{Admin, Principal};
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Query, RawBody};

/// The most credits one request may grant, refund or buy (a typo guard: $100,000).
pub const MAX_CREDIT_AMOUNT: i64 = 10_000_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_credits, request_top_up))
        .routes(routes!(list_transactions))
        .routes(routes!(stripe_webhook))
        .routes(routes!(add_credits))
        .routes(routes!(refund))
}

fn credits_on(state: &AppState) -> ApiResult<()> {
    match state.engine.credits() {
        Some(_) => Ok(()),
        None => Err(ApiError::new(
            Code::CreditsDisabled,
            "credits are off on this server",
        )),
    }
}

fn valid_amount(amount: i64) -> ApiResult<()> {
    if amount <= 0 || amount > MAX_CREDIT_AMOUNT {
        return Err(ApiError::new(
            Code::InvalidCreditAmount,
            format!("the amount must be between 1 and {MAX_CREDIT_AMOUNT} credits, not {amount}"),
        ));
    }
    Ok(())
}

/// AutoGPT's balance answer.
#[derive(Serialize, ToSchema)]
pub struct CreditsModel {
    credits: i64,
    /// Whether this server keeps credits at all (`[credits] enabled`): the web app shows its
    /// credits pages only then.
    enabled: bool,
}

/// The caller's balance (100 credits are one dollar).
#[utoipa::path(get, path = "/api/credits", tag = "credits",
    responses((status = 200, body = CreditsModel)))]
async fn get_credits(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<CreditsModel>> {
    let credits = match state.engine.credits() {
        Some(_) => {
            state
                .engine
                .store()
                .credit_balance(&principal.user_id)
                .await?
        }
        None => 0,
    };
    Ok(Json(CreditsModel {
        credits,
        enabled: state.engine.credits().is_some(),
    }))
}

/// AutoGPT's `RequestTopUp`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopUpBody {
    credit_amount: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CheckoutModel {
    /// Where the user pays.
    checkout_url: String,
}

/// Opens a Checkout Session to buy credits; the credits arrive with the provider's webhook.
#[utoipa::path(post, path = "/api/credits", tag = "credits", request_body = TopUpBody,
    responses((status = 200, body = CheckoutModel),
              (status = 400, description = "a bad amount", body = ErrorEnvelope),
              (status = 404, description = "credits off or no payment provider", body = ErrorEnvelope),
              (status = 502, description = "the provider failed", body = ErrorEnvelope)))]
async fn request_top_up(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<TopUpBody>,
) -> ApiResult<Json<CheckoutModel>> {
    credits_on(&state)?;
    valid_amount(body.credit_amount)?;
    let payments = state.payments().ok_or_else(|| {
        ApiError::new(
            Code::PaymentsNotConfigured,
            "no payment provider is configured",
        )
    })?;
    let session = payments
        .open_checkout(&principal.user_id, body.credit_amount)
        .await
        .map_err(|e| ApiError::new(Code::PaymentFailed, e.to_string()))?;
    state
        .engine
        .store()
        .open_checkout(&principal.user_id, &session.id, body.credit_amount)
        .await?;
    Ok(Json(CheckoutModel {
        checkout_url: session.url,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransactionsQuery {
    /// At most this many rows (default 100, at most 1000).
    transaction_count_limit: Option<u64>,
    /// Rows older than this cursor (`next_cursor` of the previous page).
    cursor: Option<i64>,
}

/// AutoGPT's `UserTransaction`.
#[derive(Serialize, ToSchema)]
pub struct TransactionModel {
    transaction_key: String,
    /// Epoch milliseconds.
    transaction_time: i64,
    /// `TOP_UP`, `USAGE`, `GRANT` or `REFUND`.
    transaction_type: String,
    amount: i64,
    running_balance: i64,
    usage_execution_id: Option<String>,
    usage_node_execution_id: Option<String>,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    extra_data: Value,
}

impl From<credit_transaction::Model> for TransactionModel {
    fn from(row: credit_transaction::Model) -> Self {
        TransactionModel {
            transaction_key: row.transaction_key,
            transaction_time: row.created_at,
            transaction_type: row.kind,
            amount: row.amount,
            running_balance: row.running_balance,
            usage_execution_id: row.graph_exec_id,
            usage_node_execution_id: row.node_exec_id,
            extra_data: serde_json::from_str(&row.metadata).unwrap_or(Value::Null),
        }
    }
}

/// AutoGPT's `TransactionHistory`, with a cursor for the next page.
#[derive(Serialize, ToSchema)]
pub struct TransactionHistory {
    transactions: Vec<TransactionModel>,
    next_cursor: Option<i64>,
}

/// The caller's ledger, newest first.
#[utoipa::path(get, path = "/api/credits/transactions", tag = "credits",
    params(TransactionsQuery),
    responses((status = 200, body = TransactionHistory)))]
async fn list_transactions(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<TransactionsQuery>,
) -> ApiResult<Json<TransactionHistory>> {
    let limit = q.transaction_count_limit.unwrap_or(100).clamp(1, 1000);
    let rows = state
        .engine
        .store()
        .credit_transactions(&principal.user_id, q.cursor, limit)
        .await?;
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Json(TransactionHistory {
        transactions: rows.into_iter().map(TransactionModel::from).collect(),
        next_cursor,
    }))
}

/// The part of a Stripe event the webhook reads.
#[derive(Deserialize)]
struct StripeEvent {
    #[serde(rename = "type")]
    kind: String,
    data: StripeEventData,
}

#[derive(Deserialize)]
struct StripeEventData {
    object: StripeObject,
}

#[derive(Deserialize)]
struct StripeObject {
    id: String,
    payment_status: Option<String>,
}

/// The webhook's acknowledgement.
#[derive(Serialize, ToSchema)]
pub struct WebhookReceived {
    received: bool,
}

/// The payment provider's webhook: a paid Checkout Session adds its credits, once.
#[utoipa::path(post, path = "/api/credits/stripe_webhook", tag = "credits",
    request_body(content = Object, description = "a Stripe event, signed in `Stripe-Signature`"),
    responses((status = 200, description = "received", body = WebhookReceived),
              (status = 401, description = "missing or bad signature", body = ErrorEnvelope),
              (status = 404, description = "no payment provider", body = ErrorEnvelope)))]
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<WebhookReceived>> {
    let payments = state.payments().ok_or_else(|| {
        ApiError::new(
            Code::PaymentsNotConfigured,
            "no payment provider is configured",
        )
    })?;
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    if !payments.signature_ok(signature, &body, now) {
        return Err(ApiError::new(
            Code::InvalidSignature,
            "the Stripe-Signature header does not sign this body with the webhook secret",
        ));
    }
    let event: StripeEvent = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(Code::InvalidBody, format!("not a Stripe event: {e}")))?;
    let paid = matches!(
        event.kind.as_str(),
        "checkout.session.completed" | "checkout.session.async_payment_succeeded"
    ) && event.data.object.payment_status.as_deref() == Some("paid");
    if paid {
        let session = &event.data.object.id;
        match state.engine.store().fulfil_checkout(session).await? {
            Some(applied) => {
                tracing::info!(session = %session, ?applied, "checkout fulfilled")
            }
            // Not opened here (another install sharing the account): acknowledged, ignored.
            None => tracing::warn!(session = %session, "webhook for an unknown checkout"),
        }
    }
    Ok(Json(WebhookReceived { received: true }))
}

/// AutoGPT's admin grant request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCreditsBody {
    user_id: String,
    amount: i64,
    comments: String,
    /// Makes a retried request grant once; a fresh key when absent.
    transaction_key: Option<String>,
}

/// AutoGPT's `AddUserCreditsResponse`.
#[derive(Serialize, ToSchema)]
pub struct AddCreditsModel {
    new_balance: i64,
    transaction_key: String,
}

/// Grants credits to a user (administrators).
#[utoipa::path(post, path = "/api/credits/admin/add_credits", tag = "credits",
    request_body = AddCreditsBody,
    responses((status = 200, body = AddCreditsModel),
              (status = 400, description = "a bad amount", body = ErrorEnvelope),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "credits off", body = ErrorEnvelope)))]
async fn add_credits(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(body): Json<AddCreditsBody>,
) -> ApiResult<Json<AddCreditsModel>> {
    credits_on(&state)?;
    valid_amount(body.amount)?;
    let key = body
        .transaction_key
        .unwrap_or_else(|| format!("grant:{}", uuid::Uuid::now_v7()));
    let entry = CreditEntry {
        user_id: body.user_id,
        key: key.clone(),
        kind: CreditKind::Grant,
        amount: body.amount,
        graph_exec_id: None,
        node_exec_id: None,
        metadata: json!({"reason": body.comments, "admin_user_id": admin.user_id}),
    };
    let applied = state.engine.store().add_credit(&entry, None).await?;
    Ok(Json(AddCreditsModel {
        new_balance: applied.balance(),
        transaction_key: key,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    user_id: String,
    /// The spending (`USAGE`) transaction to give back.
    transaction_key: String,
    comments: String,
}

/// Gives back what one spending transaction took (administrators); once per transaction.
#[utoipa::path(post, path = "/api/credits/admin/refund", tag = "credits",
    request_body = RefundBody,
    responses((status = 200, body = AddCreditsModel),
              (status = 400, description = "not a spending transaction", body = ErrorEnvelope),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "credits off, or no such transaction", body = ErrorEnvelope),
              (status = 409, description = "refunded already", body = ErrorEnvelope)))]
async fn refund(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(body): Json<RefundBody>,
) -> ApiResult<Json<AddCreditsModel>> {
    credits_on(&state)?;
    let store = state.engine.store();
    let spent = store
        .credit_transaction(&body.user_id, &body.transaction_key)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("transaction {} not found", body.transaction_key))
        })?;
    if spent.kind != CreditKind::Usage.as_str() || spent.amount >= 0 {
        return Err(ApiError::new(
            Code::InvalidCreditAmount,
            format!(
                "{} is a {} transaction; only spending is refunded",
                spent.transaction_key, spent.kind
            ),
        ));
    }
    let key = format!("refund:{}", spent.transaction_key);
    let entry = CreditEntry {
        user_id: body.user_id,
        key: key.clone(),
        kind: CreditKind::Refund,
        amount: -spent.amount,
        graph_exec_id: spent.graph_exec_id,
        node_exec_id: spent.node_exec_id,
        metadata: json!({"reason": body.comments, "admin_user_id": admin.user_id, "refunds": spent.transaction_key}),
    };
    match store.add_credit(&entry, None).await? {
        Applied::AlreadyApplied { .. } => Err(ApiError::new(
            Code::AlreadyRefunded,
            format!("{} was refunded already", spent.transaction_key),
        )),
        applied => Ok(Json(AddCreditsModel {
            new_balance: applied.balance(),
            transaction_key: key,
        })),
    }
}
