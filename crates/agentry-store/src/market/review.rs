//! Review: the admin queue, approve or reject with a comment for the creator and an internal
//! note, and take-down of an approved version. Every decision is a `store_decisions` row with
//! the reviewer and time, written in the transaction that changes the version. Approval
//! publishes (the listing's active version, its search row); a take-down falls back to the
//! newest other approved version, or unlists.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::entity::{decision, listing, version};
use super::status;
use crate::{Backend, Error, Result, Store};

/// A reviewer's decision on a pending version.
#[derive(Debug, Clone)]
pub struct Decision {
    pub approve: bool,
    /// Shown to the creator.
    pub comment: Option<String>,
    /// Seen by admins only.
    pub internal_note: Option<String>,
}

impl Store {
    /// One page of listing versions for admins, of one status when given, oldest submission
    /// first (a queue); with the total.
    pub async fn admin_versions(
        &self,
        status_filter: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<(Vec<version::Model>, u64)> {
        let mut q = version::Entity::find();
        if let Some(s) = status_filter {
            q = q.filter(version::Column::Status.eq(s));
        }
        let total = q.clone().count(&self.db).await?;
        let Some(offset) = super::skip(page, page_size, total) else {
            return Ok((Vec::new(), total));
        };
        let rows = q
            .order_by_asc(version::Column::SubmittedAt)
            .order_by_asc(version::Column::Id)
            .offset(offset)
            .limit(page_size)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// Any listing version, for admins (the server checks the role).
    pub async fn admin_version(&self, id: &str) -> Result<version::Model> {
        version::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("listing version {id}")))
    }

    /// The newest approved version of the listing before `before` (what a review diffs with).
    pub async fn approved_before(
        &self,
        listing_id: &str,
        before: i32,
    ) -> Result<Option<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::ListingId.eq(listing_id))
            .filter(version::Column::Status.eq(status::APPROVED))
            .filter(version::Column::Version.lt(before))
            .order_by_desc(version::Column::Version)
            .one(&self.db)
            .await?)
    }

    /// The decisions on a version, oldest first.
    pub async fn decisions(&self, version_id: &str) -> Result<Vec<decision::Model>> {
        Ok(decision::Entity::find()
            .filter(decision::Column::VersionId.eq(version_id))
            .order_by_asc(decision::Column::CreatedAt)
            .order_by_asc(decision::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Approves or rejects a PENDING version. A version already decided is a conflict, so
    /// approving twice is refused.
    pub async fn decide_submission(
        &self,
        reviewer_id: &str,
        version_id: &str,
        decision: Decision,
    ) -> Result<version::Model> {
        let now = Utc::now();
        let txn = self.write_txn().await?;
        let new_status = if decision.approve {
            status::APPROVED
        } else {
            status::REJECTED
        };
        let changed = version::Entity::update_many()
            .col_expr(version::Column::Status, new_status.into())
            .col_expr(version::Column::ReviewerId, reviewer_id.into())
            .col_expr(
                version::Column::ReviewComments,
                decision.comment.clone().into(),
            )
            .col_expr(
                version::Column::InternalComments,
                decision.internal_note.clone().into(),
            )
            .col_expr(version::Column::ReviewedAt, now.into())
            .col_expr(version::Column::UpdatedAt, now.into())
            .filter(version::Column::Id.eq(version_id))
            .filter(version::Column::Status.eq(status::PENDING))
            .exec_with_returning(&txn)
            .await?;
        let Some(v) = changed.into_iter().next() else {
            let exists = version::Entity::find_by_id(version_id.to_string())
                .one(&txn)
                .await?;
            return Err(match exists {
                Some(v) => Error::Conflict(format!(
                    "listing version {version_id} is already {}",
                    v.status
                )),
                None => Error::NotFound(format!("listing version {version_id}")),
            });
        };
        record_decision(
            &txn,
            reviewer_id,
            version_id,
            if decision.approve {
                "approve"
            } else {
                "reject"
            },
            decision.comment,
            decision.internal_note,
        )
        .await?;
        if decision.approve {
            publish(&txn, self.backend, &v).await?;
        }
        txn.commit().await?;
        Ok(v)
    }

    /// Takes an APPROVED version down with a reason; the listing falls back to its newest
    /// other approved version, or leaves the store.
    pub async fn take_down(
        &self,
        reviewer_id: &str,
        version_id: &str,
        reason: &str,
    ) -> Result<version::Model> {
        let now = Utc::now();
        let txn = self.write_txn().await?;
        let changed = version::Entity::update_many()
            .col_expr(version::Column::Status, status::REJECTED.into())
            .col_expr(version::Column::TakedownReason, reason.into())
            .col_expr(version::Column::UpdatedAt, now.into())
            .filter(version::Column::Id.eq(version_id))
            .filter(version::Column::Status.eq(status::APPROVED))
            .exec_with_returning(&txn)
            .await?;
        let Some(v) = changed.into_iter().next() else {
            return Err(
                match version::Entity::find_by_id(version_id.to_string())
                    .one(&txn)
                    .await?
                {
                    Some(v) => Error::Conflict(format!(
                        "listing version {version_id} is {}, not APPROVED",
                        v.status
                    )),
                    None => Error::NotFound(format!("listing version {version_id}")),
                },
            );
        };
        record_decision(
            &txn,
            reviewer_id,
            version_id,
            "take_down",
            Some(reason.into()),
            None,
        )
        .await?;
        let fallback = version::Entity::find()
            .filter(version::Column::ListingId.eq(&v.listing_id))
            .filter(version::Column::Status.eq(status::APPROVED))
            .order_by_desc(version::Column::Version)
            .one(&txn)
            .await?;
        match fallback {
            Some(other) => publish(&txn, self.backend, &other).await?,
            None => {
                listing::Entity::update_many()
                    .col_expr(
                        listing::Column::ActiveVersionId,
                        Option::<String>::None.into(),
                    )
                    .col_expr(listing::Column::UpdatedAt, now.into())
                    .filter(listing::Column::Id.eq(&v.listing_id))
                    .exec(&txn)
                    .await?;
                super::browse::unindex(&txn, self.backend, &v.listing_id).await?;
            }
        }
        txn.commit().await?;
        Ok(v)
    }

    /// A transaction holding SQLite's write lock from the start (see `insert_graph_version`).
    pub(crate) async fn write_txn(&self) -> Result<DatabaseTransaction> {
        let txn = self.db.begin().await?;
        if self.backend == Backend::Sqlite {
            txn.execute_unprepared("UPDATE store_listings SET id = id WHERE 0 = 1")
                .await?;
        }
        Ok(txn)
    }
}

async fn record_decision(
    txn: &DatabaseTransaction,
    reviewer_id: &str,
    version_id: &str,
    action: &str,
    comment: Option<String>,
    internal_note: Option<String>,
) -> Result<()> {
    decision::Entity::insert(decision::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        version_id: Set(version_id.to_string()),
        user_id: Set(reviewer_id.to_string()),
        action: Set(action.to_string()),
        comment: Set(comment),
        internal_note: Set(internal_note),
        created_at: Set(Utc::now()),
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// Makes `v` its listing's active version, and the listing's search row say what `v` says.
async fn publish(txn: &DatabaseTransaction, backend: Backend, v: &version::Model) -> Result<()> {
    let now = Utc::now();
    let current = listing::Entity::find_by_id(v.listing_id.clone())
        .one(txn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("listing {}", v.listing_id)))?;
    listing::Entity::update_many()
        .col_expr(listing::Column::ActiveVersionId, Some(v.id.clone()).into())
        .col_expr(
            listing::Column::PublishedAt,
            Some(current.published_at.unwrap_or(now)).into(),
        )
        .col_expr(listing::Column::UpdatedAt, now.into())
        .filter(listing::Column::Id.eq(&v.listing_id))
        .exec(txn)
        .await?;
    super::browse::index(txn, backend, v).await
}
