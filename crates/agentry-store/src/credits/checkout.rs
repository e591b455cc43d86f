//! Checkout sessions a user opened to buy credits: recorded when opened, fulfilled once by the
//! payment provider's signed webhook (the top-up's ledger key is the session id, so a webhook
//! delivered twice adds the credits once).

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{Applied, CreditEntry, CreditKind};
use crate::entity::credit_checkout;
use crate::{Result, Store};

/// Where a checkout session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutStatus {
    Pending,
    Fulfilled,
}

impl CheckoutStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutStatus::Pending => "PENDING",
            CheckoutStatus::Fulfilled => "FULFILLED",
        }
    }
}

impl Store {
    /// Records a checkout session the payment provider opened for the user.
    pub async fn open_checkout(&self, user_id: &str, session_id: &str, amount: i64) -> Result<()> {
        credit_checkout::Entity::insert(credit_checkout::ActiveModel {
            session_id: Set(session_id.to_string()),
            user_id: Set(user_id.to_string()),
            amount: Set(amount),
            status: Set(CheckoutStatus::Pending.as_str().to_string()),
            created_at: Set(Utc::now()),
            fulfilled_at: Set(None),
        })
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// A checkout session by id (the webhook does not know the user: the session says).
    pub async fn checkout(&self, session_id: &str) -> Result<Option<credit_checkout::Model>> {
        Ok(credit_checkout::Entity::find_by_id(session_id.to_string())
            .one(&self.db)
            .await?)
    }

    /// Adds the session's credits to its user's ledger (once, whatever the number of calls)
    /// and marks it fulfilled. `None` when no such session was opened here.
    pub async fn fulfil_checkout(&self, session_id: &str) -> Result<Option<Applied>> {
        let Some(checkout) = self.checkout(session_id).await? else {
            return Ok(None);
        };
        let entry = CreditEntry {
            user_id: checkout.user_id.clone(),
            key: format!("checkout:{session_id}"),
            kind: CreditKind::TopUp,
            amount: checkout.amount,
            graph_exec_id: None,
            node_exec_id: None,
            metadata: serde_json::json!({"checkout_session_id": session_id}),
        };
        let applied = self.add_credit(&entry, None).await?;
        credit_checkout::Entity::update_many()
            .col_expr(
                credit_checkout::Column::Status,
                Expr::value(CheckoutStatus::Fulfilled.as_str()),
            )
            .col_expr(
                credit_checkout::Column::FulfilledAt,
                Expr::value(Utc::now()),
            )
            .filter(credit_checkout::Column::SessionId.eq(session_id))
            .filter(credit_checkout::Column::Status.eq(CheckoutStatus::Pending.as_str()))
            .exec(&self.db)
            .await?;
        Ok(Some(applied))
    }
}
