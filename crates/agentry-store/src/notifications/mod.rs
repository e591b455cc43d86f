//! Notifications per user: the events a user was told (listed newest first, marked read), their
//! preferences, and the email outbox (`outbox.rs`). Adding one is idempotent on its
//! `dedupe_key`, so every process that sees the same run end may try and only one adds it.
//! Every query filters by the user. A run's end told in the app only is not stored here: it
//! is derived from the run row (`derived.rs`), and the list, the unread count and the read
//! marks cover both.

pub mod derived;
pub mod entity;
mod outbox;

use agentry_core::ExecutionStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub use self::entity::{email, notification, preference};
pub use self::outbox::NewEmail;
use crate::entity::{credit_run_schedule, graph_execution};
use crate::{Result, Store};

/// A notification to add.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: String,
    pub kind: String,
    /// Unique per user: the same key is added at most once.
    pub dedupe_key: String,
    pub title: String,
    pub body: String,
    pub data: serde_json::Value,
    /// `none`, `queued` or `digest` (see the migration).
    pub email_state: String,
}

/// A user's stored preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// Channel by event kind; kinds not named take the caller's defaults.
    pub channels: serde_json::Value,
    pub digest: String,
    pub daily_email_cap: i32,
    pub last_digest_at: Option<i64>,
}

impl Store {
    /// Adds a notification; `None` when one with its key exists (nothing changed).
    pub async fn add_notification(
        &self,
        new: NewNotification,
    ) -> Result<Option<notification::Model>> {
        let id = uuid::Uuid::now_v7().to_string();
        let inserted = notification::Entity::insert(notification::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(new.user_id.clone()),
            kind: Set(new.kind),
            dedupe_key: Set(new.dedupe_key),
            title: Set(new.title),
            body: Set(new.body),
            data: Set(new.data),
            email_state: Set(new.email_state),
            read_at: Set(None),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([
                notification::Column::UserId,
                notification::Column::DedupeKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        if inserted == 0 {
            return Ok(None);
        }
        Ok(notification::Entity::find_by_id(id)
            .filter(notification::Column::UserId.eq(new.user_id))
            .one(&self.db)
            .await?)
    }

    /// The user's notifications, newest first, older than the id `before` when given: the
    /// stored ones and those derived from run rows (`derived::is_derived`), merged by id (both
    /// are UUIDv7: a derived one sorts by its run's start).
    pub async fn notifications(
        &self,
        user_id: &str,
        unread_only: bool,
        before: Option<&str>,
        limit: u64,
    ) -> Result<Vec<notification::Model>> {
        use notification::Column as C;
        let mut q = notification::Entity::find().filter(C::UserId.eq(user_id));
        if unread_only {
            q = q.filter(C::ReadAt.is_null());
        }
        if let Some(before) = before {
            // Ids are UUIDv7: their order is their creation order.
            q = q.filter(C::Id.lt(before));
        }
        let mut all = q.order_by_desc(C::Id).limit(limit).all(&self.db).await?;
        all.extend(
            self.run_notices(user_id, unread_only, before, limit)
                .await?,
        );
        all.sort_by(|a, b| b.id.cmp(&a.id));
        all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(all)
    }

    /// How many of the user's notifications are unread (stored and derived).
    pub async fn unread_notifications(&self, user_id: &str) -> Result<u64> {
        use notification::Column as C;
        let stored = notification::Entity::find()
            .filter(C::UserId.eq(user_id))
            .filter(C::ReadAt.is_null())
            .count(&self.db)
            .await?;
        Ok(stored + self.unread_run_notices(user_id).await?)
    }

    /// Marks the user's notifications read: those of `ids`, or all with `None`. Answers how
    /// many changed (another user's ids change nothing).
    pub async fn mark_notifications_read(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        use notification::Column as C;
        let mut q = notification::Entity::update_many()
            .col_expr(C::ReadAt, sea_orm::sea_query::Expr::value(at))
            .filter(C::UserId.eq(user_id))
            .filter(C::ReadAt.is_null());
        if let Some(ids) = ids {
            q = q.filter(C::Id.is_in(ids.iter().cloned()));
        }
        let stored = q.exec(&self.db).await?.rows_affected;
        Ok(stored + self.mark_run_notices_read(user_id, ids).await?)
    }

    /// Sets the email state of the user's notifications of `ids`.
    pub async fn set_notification_email_state(
        &self,
        user_id: &str,
        ids: &[String],
        state: &str,
    ) -> Result<()> {
        use notification::Column as C;
        notification::Entity::update_many()
            .col_expr(C::EmailState, sea_orm::sea_query::Expr::value(state))
            .filter(C::UserId.eq(user_id))
            .filter(C::Id.is_in(ids.iter().cloned()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The user's notifications waiting for a digest, oldest first.
    pub async fn notifications_for_digest(
        &self,
        user_id: &str,
    ) -> Result<Vec<notification::Model>> {
        use notification::Column as C;
        Ok(notification::Entity::find()
            .filter(C::UserId.eq(user_id))
            .filter(C::EmailState.eq("digest"))
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?)
    }

    /// Users with notifications waiting for a digest.
    pub async fn users_awaiting_digest(&self) -> Result<Vec<String>> {
        use notification::Column as C;
        Ok(notification::Entity::find()
            .select_only()
            .column(C::UserId)
            .distinct()
            .filter(C::EmailState.eq("digest"))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The user's stored preferences; `None`: the defaults apply.
    pub async fn notification_preferences(&self, user_id: &str) -> Result<Option<Preferences>> {
        Ok(crate::by_key::one(
            preference::Entity::find_by_id(user_id.to_string()),
            &self.db,
        )
        .await?
        .map(|p| Preferences {
            channels: p.channels,
            digest: p.digest,
            daily_email_cap: p.daily_email_cap,
            last_digest_at: p.last_digest_at,
        }))
    }

    /// Stores the user's preferences (all of them).
    pub async fn set_notification_preferences(&self, user_id: &str, p: &Preferences) -> Result<()> {
        use preference::Column as C;
        preference::Entity::insert(preference::ActiveModel {
            user_id: Set(user_id.to_string()),
            channels: Set(p.channels.clone()),
            digest: Set(p.digest.clone()),
            daily_email_cap: Set(p.daily_email_cap),
            last_digest_at: Set(p.last_digest_at),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::Channels,
                    C::Digest,
                    C::DailyEmailCap,
                    C::LastDigestAt,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// The statuses of the newest runs a schedule started up to the run `up_to` (that one
    /// included), newest first: the streak as of that run, whatever ran since.
    pub async fn schedule_run_statuses(
        &self,
        user_id: &str,
        schedule_id: &str,
        up_to: &str,
        limit: u64,
    ) -> Result<Vec<ExecutionStatus>> {
        let runs: Vec<String> = credit_run_schedule::Entity::find()
            .filter(credit_run_schedule::Column::UserId.eq(user_id))
            .filter(credit_run_schedule::Column::ScheduleId.eq(schedule_id))
            .filter(credit_run_schedule::Column::GraphExecId.lte(up_to))
            // Run ids are UUIDv7: the newest sort last.
            .order_by_desc(credit_run_schedule::Column::GraphExecId)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.graph_exec_id)
            .collect();
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(
            crate::executions::without_inputs(graph_execution::Entity::find(), self.backend)
                .filter(graph_execution::Column::UserId.eq(user_id))
                .filter(graph_execution::Column::Id.is_in(runs))
                .order_by_desc(graph_execution::Column::Id)
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| r.status.0)
                .collect(),
        )
    }
}
