//! The email outbox: a message is added once per (user, key), claimed by one sender at a time
//! (a claim moves its next attempt past the send's time limit, so a sender that dies leaves it
//! to be retried), and ends `sent` or, after its last attempt, `failed` with the error kept.

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::email;
use crate::{Result, Store};

/// An email to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub user_id: String,
    /// Unique per user: the same key is queued at most once.
    pub dedupe_key: String,
    /// `immediate` or `digest`.
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

impl Store {
    /// Queues an email to send now; `false` when one with its key was queued before.
    pub async fn queue_email(&self, new: NewEmail) -> Result<bool> {
        let now = Utc::now().timestamp_millis();
        let added = email::Entity::insert(email::ActiveModel {
            user_id: Set(new.user_id),
            dedupe_key: Set(new.dedupe_key),
            kind: Set(new.kind),
            to_address: Set(new.to_address),
            subject: Set(new.subject),
            body: Set(new.body),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([email::Column::UserId, email::Column::DedupeKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(added > 0)
    }

    /// How many immediate emails were queued for the user since `since_ms` (the daily cap).
    pub async fn immediate_emails_since(&self, user_id: &str, since_ms: i64) -> Result<u64> {
        use email::Column as C;
        Ok(email::Entity::find()
            .filter(C::UserId.eq(user_id))
            .filter(C::Kind.eq("immediate"))
            .filter(C::CreatedAt.gte(since_ms))
            .count(&self.db)
            .await?)
    }

    /// Pending emails whose next attempt is due, oldest first.
    pub async fn due_emails(&self, now_ms: i64, limit: u64) -> Result<Vec<email::Model>> {
        use email::Column as C;
        Ok(email::Entity::find()
            .filter(C::Status.eq("pending"))
            .filter(C::NextAttemptAt.lte(now_ms))
            .order_by_asc(C::NextAttemptAt)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Claims a due email for one send: `false` when another sender claimed it first.
    pub async fn claim_email(&self, row: &email::Model, until_ms: i64) -> Result<bool> {
        use email::Column as C;
        let claimed = email::Entity::update_many()
            .col_expr(C::NextAttemptAt, Expr::value(until_ms))
            .filter(C::Id.eq(row.id))
            .filter(C::UserId.eq(&row.user_id))
            .filter(C::Status.eq("pending"))
            .filter(C::NextAttemptAt.eq(row.next_attempt_at))
            .exec(&self.db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    /// Records a sent email.
    pub async fn email_sent(&self, row: &email::Model) -> Result<()> {
        use email::Column as C;
        email::Entity::update_many()
            .col_expr(C::Status, Expr::value("sent"))
            .col_expr(C::Attempts, Expr::value(row.attempts + 1))
            .col_expr(C::SentAt, Expr::value(Utc::now().timestamp_millis()))
            .col_expr(C::LastError, Expr::value(Option::<String>::None))
            .filter(C::Id.eq(row.id))
            .filter(C::UserId.eq(&row.user_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at_ms`, or with `None` kept as failed.
    pub async fn email_attempt_failed(
        &self,
        row: &email::Model,
        error: &str,
        retry_at_ms: Option<i64>,
    ) -> Result<()> {
        use email::Column as C;
        let (status, next) = match retry_at_ms {
            Some(at) => ("pending", at),
            None => ("failed", row.next_attempt_at),
        };
        email::Entity::update_many()
            .col_expr(C::Status, Expr::value(status))
            .col_expr(C::Attempts, Expr::value(row.attempts + 1))
            .col_expr(C::NextAttemptAt, Expr::value(next))
            .col_expr(C::LastError, Expr::value(error))
            .filter(C::Id.eq(row.id))
            .filter(C::UserId.eq(&row.user_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The user's emails, newest first.
    pub async fn emails(&self, user_id: &str, limit: u64) -> Result<Vec<email::Model>> {
        use email::Column as C;
        Ok(email::Entity::find()
            .filter(C::UserId.eq(user_id))
            .order_by_desc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }
}
